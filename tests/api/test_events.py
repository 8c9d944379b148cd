"""/api/events/: published events with their upcoming sessions (seats left, availability, sign-up address), the
filters of /events/ with the same results and order, 400 for bad values, constant queries per page."""

import datetime as dt

import pytest
from django.utils import timezone

from portal.choices import Allocation, ListingStatus, SessionStatus
from tests.api.conftest import api_get, api_ids, count_queries, page_ids
from tests.factories import ExperienceEventFactory, SessionFactory

pytestmark = pytest.mark.django_db

LIST = "/api/events/"


def day(offset: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=offset)).isoformat()


@pytest.fixture
def events():
    """Published events with sessions around Hokkaido (one full, one with a waiting list, one not open yet), a
    draft, an event with only a past session and one with only a cancelled session."""
    lathe = ExperienceEventFactory(title="旋盤で文鎮づくり", trade="旋盤", audiences=["elementary", "parent"])
    weld = ExperienceEventFactory(title="溶接教室", trade="溶接", audiences=["junior_high"], description="火花の体験")
    wood = ExperienceEventFactory(title="木工ワークショップ", trade="木工", audiences=["elementary"])
    draft = ExperienceEventFactory(title="下書きの体験会", status=ListingStatus.DRAFT)
    past = ExperienceEventFactory(title="終わった体験会")
    cancelled = ExperienceEventFactory(title="中止の体験会")
    sessions = {
        "lathe": SessionFactory(offering=lathe, days=5, municipality_code="011011", capacity=10, seats_taken=3),
        "lathe2": SessionFactory(
            offering=lathe,
            days=40,
            municipality_code="011011",
            capacity=10,
            registration_opens_at=timezone.now() + dt.timedelta(days=10),
        ),
        "weld": SessionFactory(offering=weld, days=3, municipality_code="012050", capacity=4, seats_taken=4),
        "wood": SessionFactory(
            offering=wood,
            days=20,
            municipality_code="012041",
            capacity=16,
            seats_taken=16,
            waitlist_enabled=False,
            allocation=Allocation.FIRST_COME,
        ),
        "draft": SessionFactory(offering=draft, days=2, municipality_code="012041"),
        "past": SessionFactory(offering=past, days=-3, municipality_code="012041"),
        "cancelled": SessionFactory(
            offering=cancelled, days=8, municipality_code="012041", status=SessionStatus.CANCELLED
        ),
    }
    return {"lathe": lathe, "weld": weld, "wood": wood, "draft": draft, "past": past, "sessions": sessions}


def test_events_with_their_upcoming_sessions(client, events):
    response = api_get(client, LIST)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [item["title"] for item in results] == ["溶接教室", "旋盤で文鎮づくり", "木工ワークショップ"]
    lathe = results[1]
    assert lathe["url"] == f"http://testserver/events/{events['lathe'].pk}/"
    assert lathe["audiences"] == ["elementary", "parent"]
    first, second = lathe["sessions"]
    session = events["sessions"]["lathe"]
    assert first == {
        "id": session.pk,
        "label": "",
        "starts_at": first["starts_at"],
        "ends_at": first["ends_at"],
        "venue_name": session.venue_name,
        "address": "",
        "municipality": {
            "code": "011011",
            "name": "札幌市中央区",
            "name_en": "Chuo Ward, Sapporo",
            "subprefecture": "ishikari",
        },
        "location": first["location"],
        "capacity": 10,
        "seats_left": 7,
        "availability": "seats",
        "allocation": "first_come",
        "waitlist": True,
        "registration_opens_at": None,
        "registration_closes_at": first["starts_at"],
        "signup_url": f"http://testserver/sessions/{session.pk}/signup/",
    }
    assert dt.datetime.fromisoformat(first["starts_at"]) == session.starts_at
    assert dt.datetime.fromisoformat(first["ends_at"]) == session.ends_at
    assert first["location"]["approximate"] is True
    assert (second["availability"], second["seats_left"], second["signup_url"]) == ("not_open_yet", 10, None)


def test_full_sessions(client, events):
    results = {item["title"]: item for item in api_get(client, LIST).json()["results"]}
    weld = results["溶接教室"]["sessions"][0]
    assert (weld["seats_left"], weld["availability"]) == (0, "waitlist")
    assert weld["signup_url"] == f"http://testserver/sessions/{events['sessions']['weld'].pk}/signup/"
    wood = results["木工ワークショップ"]["sessions"][0]
    assert (wood["seats_left"], wood["availability"], wood["signup_url"]) == (0, "full", None)


def test_only_published_events_and_upcoming_sessions(client, events):
    content = api_get(client, LIST, "page_size=200").content.decode()
    for hidden in ("下書きの体験会", "終わった体験会", "中止の体験会"):
        assert hidden not in content
    assert api_get(client, f"{LIST}{events['draft'].pk}/").status_code == 404
    # an event without upcoming sessions is not listed, but its address still answers (as its page does)
    past = api_get(client, f"{LIST}{events['past'].pk}/")
    assert past.status_code == 200
    assert past.json()["sessions"] == []


def test_no_personal_data_of_participants(client, events):
    from portal.booking import services as booking_services

    booking_services.register(
        session=events["sessions"]["lathe"],
        data={
            "kind": "family",
            "contact_name": "秘密 花子",
            "contact_kana": "ヒミツ ハナコ",
            "email": "secret-parent@example.jp",
            "phone": "011-999-9999",
            "children_grades": ["e5"],
            "adults": 1,
        },
    )
    content = api_get(client, f"{LIST}{events['lathe'].pk}/").content.decode()
    for secret in ("秘密", "ヒミツ", "secret-parent", "011-999-9999"):
        assert secret not in content
    assert '"seats_left":5' in content


@pytest.mark.parametrize(
    "query",
    [
        "",
        "q=溶接",
        "q=火花",
        "q=旭川",
        "subprefecture=iburi",
        "subprefecture=ishikari",
        "municipality=011002",
        "municipality=012050",
        "audience=elementary",
        "available=1",
        "audience=elementary&available=1",
        "from={4}&to={6}",
        "from={30}",
        "to={3}",
        "municipality=011002&to={6}",
    ],
)
def test_filters_give_the_pages_results_in_its_order(client, events, query):
    query = query.format(*(day(offset) for offset in range(41)))
    api = api_ids(client, LIST, query)
    assert api == page_ids(client, "/events/", query, "events")
    assert api


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("from=2026-13-45", ["from"]),
        ("to=tomorrow", ["to"]),
        ("from={10}&to={5}", ["to"]),  # the end before the start
        ("subprefecture=atlantis&audience=dogs", ["audience", "subprefecture"]),
        ("municipality=12345", ["municipality"]),
    ],
)
def test_a_bad_value_is_a_400_that_names_it(client, events, query, names):
    response = api_get(client, LIST, query.format(*(day(offset) for offset in range(11))))
    assert response.status_code == 400
    assert sorted(response.json()["errors"]) == names


def test_query_count_is_constant_per_page(client):
    event = ExperienceEventFactory()
    SessionFactory(offering=event)
    few = count_queries(client, LIST)
    assert api_ids(client, LIST) == [event.pk]
    for number in range(8):
        other = ExperienceEventFactory(audiences=["elementary"])
        for offset in range(3):
            SessionFactory(offering=other, days=5 + number + offset, municipality_code="012041")
    many = count_queries(client, LIST)
    assert many == few
    assert len(api_get(client, LIST).json()["results"]) == 9
    assert count_queries(client, LIST, "subprefecture=kamikawa&available=1") == few + 1  # the area's lookup
