"""/events/ and /events/<id>/: filters on the sessions, bad values, drafts, seats left, query counts, map, demo."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from portal.booking import services as booking_services
from portal.booking.models import Registration, Session
from portal.choices import Allocation, ListingStatus, SessionStatus
from programmes.models import ExperienceEvent
from tests.factories import ExperienceEventFactory, SessionFactory

pytestmark = pytest.mark.django_db


def titles(response):
    return [event.title for event in response.context["events"]]


def ignored(response):
    return sorted(item["name"] for item in response.context["filter"].ignored())


def fill(session, seats: int, start: int = 0):
    """Sign up parties of two (a child and an adult) through the booking engine."""
    for number in range(start, start + seats // 2):
        booking_services.register(
            session=session,
            data={
                "kind": "family",
                "contact_name": "試験 花子",
                "contact_kana": "シケン ハナコ",
                "email": f"fill-{session.pk}-{number}@example.jp",
                "phone": "011-000-0000",
                "children_grades": ["e5"],
                "adults": 1,
            },
        )


@pytest.fixture
def events():
    """Published events with sessions around Hokkaido, a draft, a past-only and a cancelled-only event."""
    lathe = ExperienceEventFactory(title="旋盤で文鎮づくり", trade="旋盤", audiences=["elementary", "parent"])
    weld = ExperienceEventFactory(title="溶接教室", trade="溶接", audiences=["junior_high"], description="火花の体験")
    wood = ExperienceEventFactory(title="木工ワークショップ", trade="木工", audiences=["elementary"])
    draft = ExperienceEventFactory(title="下書きの体験会", status=ListingStatus.DRAFT)
    past = ExperienceEventFactory(title="終わった体験会")
    cancelled = ExperienceEventFactory(title="中止の体験会")
    sessions = {
        "lathe": SessionFactory(offering=lathe, days=5, municipality_code="011011", capacity=10),  # 札幌市中央区
        "lathe2": SessionFactory(offering=lathe, days=40, municipality_code="011011", capacity=10),
        "weld": SessionFactory(offering=weld, days=3, municipality_code="012050", capacity=4),  # 室蘭市 (胆振)
        "wood": SessionFactory(offering=wood, days=20, municipality_code="012041", capacity=16),  # 旭川市 (上川)
        "draft": SessionFactory(offering=draft, days=2, municipality_code="012041"),
        "past": SessionFactory(offering=past, days=-3, municipality_code="012041"),
        "cancelled": SessionFactory(
            offering=cancelled, days=8, municipality_code="012041", status=SessionStatus.CANCELLED
        ),
    }
    fill(sessions["weld"], 4)  # full
    return {"lathe": lathe, "weld": weld, "wood": wood, "draft": draft, "sessions": sessions}


def test_lists_upcoming_published_events_by_next_session(client, events):
    response = client.get("/events/")
    assert response.status_code == 200
    assert titles(response) == ["溶接教室", "旋盤で文鎮づくり", "木工ワークショップ"]
    assert ignored(response) == []


def test_drafts_never_public(client, events):
    assert "下書きの体験会" not in client.get("/events/?q=下書き").content.decode()
    assert client.get(f"/events/{events['draft'].pk}/").status_code == 404
    assert client.get(f"/events/{events['draft'].pk}/flyer.pdf").status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=溶接", ["溶接教室"]),
        ("q=ようせつ", []),  # kanji is not folded to kana: no false hit
        ("q=火花", ["溶接教室"]),
        ("q=旭川", ["木工ワークショップ"]),  # the municipality of a session
        ("q=ﾓｸｺｳ", []),
        ("subprefecture=iburi", ["溶接教室"]),
        ("subprefecture=kamikawa", ["木工ワークショップ"]),
        ("municipality=011002", ["旋盤で文鎮づくり"]),  # 札幌市 includes its wards
        ("municipality=012050", ["溶接教室"]),
        ("audience=junior_high", ["溶接教室"]),
        ("audience=elementary", ["旋盤で文鎮づくり", "木工ワークショップ"]),
        ("available=1", ["旋盤で文鎮づくり", "木工ワークショップ"]),  # the welding class is full
    ],
)
def test_filters(client, events, query, expected):
    response = client.get(f"/events/?{query}")
    assert response.status_code == 200
    assert titles(response) == expected
    assert ignored(response) == []


def test_date_filters_match_one_session(client, events):
    today = timezone.localdate()
    day = lambda n: (today + dt.timedelta(days=n)).isoformat()  # noqa: E731
    assert titles(client.get(f"/events/?from={day(4)}&to={day(6)}")) == ["旋盤で文鎮づくり"]
    assert titles(client.get(f"/events/?from={day(30)}")) == ["旋盤で文鎮づくり"]  # its second session
    assert titles(client.get(f"/events/?to={day(3)}")) == ["溶接教室"]
    assert titles(client.get(f"/events/?from={day(41)}")) == []


def test_place_and_seats_must_hold_for_the_same_session(client, events):
    fill(events["sessions"]["lathe"], 10)  # the lathe's first session (Sapporo) is full, the second is not
    assert titles(client.get("/events/?municipality=011002&available=1")) == ["旋盤で文鎮づくり"]
    to = (timezone.localdate() + dt.timedelta(days=6)).isoformat()
    assert titles(client.get(f"/events/?municipality=011002&available=1&to={to}")) == []


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("subprefecture=atlantis", "subprefecture"),
        ("municipality=999999", "municipality"),
        ("municipality=abc", "municipality"),
        ("audience=robots", "audience"),
        ("from=2026-13-45", "from"),
        ("from=yesterday", "from"),
        ("to=2026-02-30", "to"),
        ("q=" + "あ" * 101, "q"),
    ],
)
def test_bad_values_are_ignored_and_reported(client, events, query, name):
    response = client.get(f"/events/?{query}")
    assert response.status_code == 200
    assert ignored(response) == [name]
    assert titles(response) == ["溶接教室", "旋盤で文鎮づくり", "木工ワークショップ"]
    assert "ignored" in response.content.decode() or "無視" in response.content.decode()


def test_end_before_start_is_reported(client, events):
    today = timezone.localdate()
    response = client.get(f"/events/?from={today + dt.timedelta(days=10)}&to={today}")
    assert response.status_code == 200
    assert ignored(response) == ["to"]
    assert titles(response) == ["木工ワークショップ", "旋盤で文鎮づくり"]  # from alone: lathe's 2nd session


def test_bad_page_numbers_never_fail(client, events):
    for page in ("abc", "0", "999", "-1"):
        assert client.get(f"/events/?page={page}").status_code == 200


def test_seats_left_labels(client, events, settings):
    event = ExperienceEventFactory(title="ラベル確認")
    now = timezone.now()
    open_one = SessionFactory(offering=event, days=1, capacity=5)
    fill(open_one, 2)
    waitlist = SessionFactory(offering=event, days=2, capacity=2)
    fill(waitlist, 2)
    full = SessionFactory(offering=event, days=3, capacity=2, waitlist_enabled=False)
    fill(full, 2)
    SessionFactory(offering=event, days=4, registration_opens_at=now + dt.timedelta(days=1))
    SessionFactory(offering=event, days=5, registration_closes_at=now - dt.timedelta(hours=1))
    SessionFactory(
        offering=event, days=6, allocation=Allocation.LOTTERY, registration_closes_at=now + dt.timedelta(days=2)
    )
    response = client.get(f"/en/events/{event.pk}/")
    texts = [f"{session.pk}" for session in response.context["event"].upcoming_sessions]
    assert len(texts) == 6
    html = response.content.decode()
    for label in ("3 seats left", "Full: waiting list", "Full<", "Sign-up not open yet", "Sign-up closed", "Lottery"):
        assert label in html, label
    assert "Places are drawn by lot after the deadline" in html


def test_one_seat_left_is_singular(client):
    session = SessionFactory(capacity=3)
    fill(session, 2)
    assert "1 seat left" in client.get(f"/en/events/{session.offering_id}/").content.decode()


def test_detail_page_has_every_fact_and_sign_up_links(client, events):
    event = events["lathe"]
    ExperienceEvent.objects.filter(pk=event.pk).update(
        description="真ちゅうを削ります", instructors="佐藤 健一（1級技能士）", grades="小学4〜6年",
        what_to_bring="運動靴", fee_kind="paid", fee_amount=500,
    )  # fmt: skip
    response = client.get(f"/events/{event.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("旋盤で文鎮づくり", "真ちゅうを削ります", "佐藤 健一（1級技能士）", "小学4〜6年", "運動靴", "500"):
        assert text in html, text
    session = events["sessions"]["lathe"]
    try:
        signup = reverse("session-signup", args=[session.pk])
    except NoReverseMatch:
        signup = None
    if signup:
        assert f'href="{signup}"' in html
    local = timezone.localtime(session.starts_at)
    assert f"{local.year}年{local.month}月{local.day}日" in html
    assert "10:00〜12:00" in html
    assert f"/events/{event.pk}/flyer.pdf" in html


def test_full_session_without_waiting_list_has_no_sign_up_button(client, events):
    weld = events["sessions"]["weld"]
    Session.objects.filter(pk=weld.pk).update(waitlist_enabled=False)
    html = client.get(f"/en/events/{events['weld'].pk}/").content.decode()
    assert f"/sessions/{weld.pk}/signup/" not in html
    assert "Full" in html


def test_past_and_cancelled_sessions_are_not_listed(client, events):
    html = client.get(f"/events/{events['lathe'].pk}/").content.decode()
    assert events["sessions"]["lathe2"].venue_name in html
    assert "終わった体験会" not in client.get("/events/").content.decode()
    assert "中止の体験会" not in client.get("/events/").content.decode()


def test_unknown_event_is_404(client):
    assert client.get("/events/999999/").status_code == 404


@pytest.mark.parametrize("count", [3, 30])
def test_query_count_is_constant(client, django_assert_max_num_queries, count):
    for number in range(count):
        event = ExperienceEventFactory(title=f"体験会{number:02d}")
        SessionFactory(offering=event, days=number + 1)
        SessionFactory(offering=event, days=number + 2, municipality_code="012041")
    client.get("/events/")  # warm the caches (content types, municipality choices)
    with django_assert_max_num_queries(8):
        response = client.get("/events/?subprefecture=okhotsk&available=1")
    assert response.status_code == 200
    assert len(response.context["events"]) == min(count, 20)


def test_home_page_shows_the_next_events(client, events):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "溶接教室" in html
    assert "下書きの体験会" not in html


def test_header_links_to_the_events(client, events):
    assert 'href="/events/"' in client.get("/tours/").content.decode()


def test_map_features_of_events(client, events):
    response = client.get("/map/features.geojson?kind=event")
    assert response.status_code == 200
    features = response.json()["features"]
    urls = [feature["properties"]["url"] for feature in features]
    assert urls == [f"/events/{events['weld'].pk}/", f"/events/{events['lathe'].pk}/", f"/events/{events['wood'].pk}/"]
    weld = features[0]
    assert weld["properties"] == {
        "kind": "event",
        "name": "溶接教室",
        "municipality": "室蘭市",
        "url": f"/events/{events['weld'].pk}/",
        "approximate": True,
    }
    assert weld["geometry"]["coordinates"] == [140.973673, 42.315208]
    assert (
        client.get("/map/features.geojson?kind=event&subprefecture=kamikawa").json()["features"][0]["properties"][
            "name"
        ]
        == "木工ワークショップ"
    )


def test_map_event_at_its_own_coordinates(client):
    session = SessionFactory(latitude="43.100000", longitude="141.500000")
    [feature] = client.get("/map/features.geojson?kind=event").json()["features"]
    assert feature["geometry"]["coordinates"] == [141.5, 43.1]
    assert feature["properties"]["approximate"] is False
    assert session.offering.title == feature["properties"]["name"]


def test_seed_demo_events_are_idempotent():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    counts = (ExperienceEvent.objects.count(), Session.objects.count(), Registration.objects.count())
    assert counts[0] == 8
    assert 8 <= counts[1] <= 24
    assert ExperienceEvent.objects.filter(is_demo=True, status=ListingStatus.PUBLISHED).count() == 8
    call_command("seed_demo", stdout=io.StringIO())
    assert (ExperienceEvent.objects.count(), Session.objects.count(), Registration.objects.count()) == counts
    states = {session.availability() for session in Session.objects.all()}
    assert {"seats", "waitlist", "full", "lottery"} <= states


# --- Admin -----------------------------------------------------------------------------------------


def inline_prefix() -> str:
    return "portal-session-offering_type-offering_id"


def session_post(prefix: str, index: int, **values) -> dict:
    start = timezone.localtime() + dt.timedelta(days=10)
    data = {
        "label": "午前の部",
        "starts_at_0": start.strftime("%Y-%m-%d"),
        "starts_at_1": "10:00:00",
        "ends_at_0": start.strftime("%Y-%m-%d"),
        "ends_at_1": "12:00:00",
        "venue_name": "札幌会場",
        "municipality": "011002",
        "address": "",
        "capacity": "12",
        "registration_opens_at_0": "",
        "registration_opens_at_1": "",
        "registration_closes_at_0": "",
        "registration_closes_at_1": "",
        "waitlist_enabled": "on",
        "max_party_size": "6",
        "allocation": "first_come",
        "status": "scheduled",
        **values,
    }
    return {f"{prefix}-{index}-{key}": value for key, value in data.items()}


def event_post(organisation, **values) -> dict:
    prefix = inline_prefix()
    return {
        "provider": str(organisation.pk),
        "title": "管理画面の体験会",
        "title_en": "",
        "funding_scheme": "",
        "trade": "旋盤",
        "description": "",
        "instructors": "",
        "audiences": "elementary",
        "grades": "",
        "fee_kind": "free",
        "fee_amount": "",
        "fee_note": "",
        "what_to_bring": "",
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        **session_post(prefix, 0),
        **values,
    }


def test_admin_adds_an_event_with_a_session_as_draft(client, secretariat_user, organisation):
    client.force_login(secretariat_user)
    assert client.get("/admin/programmes/experienceevent/add/").status_code == 200
    response = client.post("/admin/programmes/experienceevent/add/", event_post(organisation))
    assert response.status_code == 302, response.context["errors"] if response.context else response
    event = ExperienceEvent.objects.get(title="管理画面の体験会")
    assert event.status == ListingStatus.DRAFT
    [session] = event.sessions.all()
    assert (session.venue_name, session.capacity, session.municipality_id) == ("札幌会場", 12, "011002")
    assert client.get(f"/admin/programmes/experienceevent/{event.pk}/change/").status_code == 200


def test_admin_cannot_lower_capacity_below_seats_taken(client, secretariat_user):
    client.force_login(secretariat_user)
    session = SessionFactory(capacity=6)
    fill(session, 4)
    event = session.offering
    prefix = inline_prefix()
    data = event_post(event.provider, title=event.title)
    data.update(session_post(prefix, 0, capacity="2", venue_name=session.venue_name))
    data.update({f"{prefix}-INITIAL_FORMS": "1", f"{prefix}-0-id": str(session.pk)})
    response = client.post(f"/admin/programmes/experienceevent/{event.pk}/change/", data)
    assert response.status_code == 200
    [inline] = response.context["inline_admin_formsets"]
    assert list(inline.formset.errors[0]) == ["capacity"]
    session.refresh_from_db()
    assert session.capacity == 6


def test_partner_editor_sees_only_own_events(client, partner_editor):
    own = ExperienceEventFactory(provider=partner_editor.organisation)
    other = ExperienceEventFactory()
    client.force_login(partner_editor)
    assert client.get(f"/admin/programmes/experienceevent/{own.pk}/change/").status_code == 200
    assert client.get(f"/admin/programmes/experienceevent/{other.pk}/change/").status_code in (302, 404)


def test_partner_editor_can_open_own_tour_and_event_change_pages(client, partner_editor):
    """Regression: the organisation field is excluded for them, and must not be asked for by the fieldsets."""
    from tests.factories import FactoryTourFactory

    tour = FactoryTourFactory(provider=partner_editor.organisation)
    event = ExperienceEventFactory(provider=partner_editor.organisation)
    client.force_login(partner_editor)
    assert client.get(f"/admin/programmes/factorytour/{tour.pk}/change/").status_code == 200
    assert client.get(f"/admin/programmes/experienceevent/{event.pk}/change/").status_code == 200
    assert client.get("/admin/programmes/experienceevent/add/").status_code == 200


def _change_session(client, session, **values):
    event = session.offering
    prefix = inline_prefix()
    data = event_post(event.provider, title=event.title, trade=event.trade)
    current = {
        "capacity": str(session.capacity),
        "venue_name": session.venue_name,
        "municipality": session.municipality_id,
        "label": session.label,
        "starts_at_0": timezone.localtime(session.starts_at).strftime("%Y-%m-%d"),
        "ends_at_0": timezone.localtime(session.ends_at).strftime("%Y-%m-%d"),
    }
    data.update(session_post(prefix, 0, **{**current, **values}))
    data.update({f"{prefix}-INITIAL_FORMS": "1", f"{prefix}-0-id": str(session.pk)})
    return client.post(f"/admin/programmes/experienceevent/{event.pk}/change/", data)


def test_admin_capacity_increase_promotes_the_waiting_list(client, secretariat_user):
    client.force_login(secretariat_user)
    session = SessionFactory(capacity=2)
    fill(session, 4)  # one party confirmed, one waiting
    assert session.registrations.filter(status="waitlisted").count() == 1
    response = _change_session(client, session, capacity="4", venue_name="新しい会場")
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.capacity, session.seats_taken, session.venue_name) == (4, 4, "新しい会場")
    assert session.registrations.filter(status="waitlisted").count() == 0


def test_the_inline_cannot_cancel_a_session_but_links_to_its_roster(client, secretariat_user):
    """Cancelling tells every participant, with a message: that is the session's own page, not the inline."""
    client.force_login(secretariat_user)
    session = SessionFactory(capacity=4)
    fill(session, 4)
    response = _change_session(client, session, status="cancelled")
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.status, session.seats_taken) == (SessionStatus.SCHEDULED, 4)
    page = client.get(f"/admin/programmes/experienceevent/{session.offering_id}/change/").content.decode()
    assert f'href="/admin/portal/session/{session.pk}/roster/"' in page


def test_session_municipality_autocomplete_for_partner_editors(client, partner_editor):
    client.force_login(partner_editor)
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "portal", "model_name": "session", "field_name": "municipality", "term": "旭川"},
    )
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["results"]] == ["012041"]


def test_other_pages_render_with_events(client, events):
    for path in ("/map/?kind=event", "/map/?kind=event&from=bad", "/en/events/", "/en/", "/events/?available=yes"):
        assert client.get(path).status_code == 200, path
