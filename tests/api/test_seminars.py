"""/api/seminars/ and /api/lectures/: published only, the filters of /seminars/ and /seminars/lectures/ with the
same results and order, 400 for bad values, constant queries per page."""

import datetime as dt

import pytest
from django.utils import timezone

from portal.choices import ListingStatus
from seminars.models import ItineraryStop
from tests.api.conftest import LectureOfferFactory, api_get, api_ids, count_queries, page_ids
from tests.factories import FactoryTourFactory, SeminarFactory, SessionFactory

pytestmark = pytest.mark.django_db

SEMINARS = "/api/seminars/"
LECTURES = "/api/lectures/"


def day(offset: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=offset)).isoformat()


@pytest.fixture
def seminars():
    parent = SeminarFactory(title="保護者のためのものづくり講座", kind="parent", audiences=["parent"])
    teacher = SeminarFactory(title="先生の職場見学会", kind="teacher_tour", audiences=["teacher"])
    trip = SeminarFactory(
        title="工場見学バスツアー", kind="student_tour", audiences=["high_school"], speaker="案内 太郎"
    )
    draft = SeminarFactory(title="下書きのセミナー", status=ListingStatus.DRAFT)
    SessionFactory(offering=parent, days=6, municipality_code="011002", capacity=30, seats_taken=30)
    SessionFactory(offering=teacher, days=12, municipality_code="012084")
    SessionFactory(offering=trip, days=3, municipality_code="012131")
    SessionFactory(offering=draft, days=4)
    return {"parent": parent, "teacher": teacher, "trip": trip, "draft": draft}


def test_seminars_with_sessions_and_itinerary(client, seminars):
    shown = FactoryTourFactory(name="見学先の工場")
    hidden = FactoryTourFactory(name="非公開の工場", status=ListingStatus.DRAFT)
    ItineraryStop.objects.create(seminar=seminars["trip"], position=1, tour=shown, arrive_at="10:00", leave_at="11:00")
    ItineraryStop.objects.create(seminar=seminars["trip"], position=2, tour=hidden, arrive_at="13:00", leave_at="14:00")
    results = api_get(client, SEMINARS).json()["results"]
    assert [item["title"] for item in results] == [
        "工場見学バスツアー",
        "保護者のためのものづくり講座",
        "先生の職場見学会",
    ]
    trip = results[0]
    assert (trip["kind"], trip["speaker"], trip["url"]) == (
        "student_tour",
        "案内 太郎",
        f"http://testserver/seminars/{seminars['trip'].pk}/",
    )
    assert trip["itinerary"] == [
        {
            "position": 1,
            "tour": shown.pk,
            "tour_name": "見学先の工場",
            "tour_url": f"http://testserver/tours/{shown.pk}/",
            "arrive_at": "10:00:00",
            "leave_at": "11:00:00",
            "note": "",
        }
    ]
    assert results[1]["sessions"][0]["availability"] == "waitlist"
    assert "下書き" not in api_get(client, SEMINARS, "page_size=200").content.decode()
    assert api_get(client, f"{SEMINARS}{seminars['draft'].pk}/").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "",
        "kind=parent",
        "kind=teacher_tour",
        "q=見学",
        "subprefecture=okhotsk",
        "audience=parent",
        "available=1",
        "from={5}",
        "to={6}&kind=parent",
    ],
)
def test_seminar_filters_give_the_pages_results(client, seminars, query):
    query = query.format(*(day(offset) for offset in range(13)))
    api = api_ids(client, SEMINARS, query)
    assert api == page_ids(client, "/seminars/", query, "seminars")
    assert api


@pytest.mark.parametrize(
    ("query", "names"),
    [("kind=picnic", ["kind"]), ("from=someday", ["from"]), ("kind=parent&audience=aliens", ["audience"])],
)
def test_seminar_bad_value_is_a_400(client, seminars, query, names):
    response = api_get(client, SEMINARS, query)
    assert response.status_code == 400
    assert sorted(response.json()["errors"]) == names


def test_seminar_query_count_is_constant(client):
    SessionFactory(offering=SeminarFactory())
    few = count_queries(client, SEMINARS)
    tour = FactoryTourFactory()
    for number in range(6):
        seminar = SeminarFactory(kind="student_tour")
        SessionFactory(offering=seminar, days=4 + number)
        SessionFactory(offering=seminar, days=14 + number)
        ItineraryStop.objects.create(seminar=seminar, position=1, tour=tour, arrive_at="10:00", leave_at="11:00")
    assert count_queries(client, SEMINARS) == few
    assert len(api_get(client, SEMINARS).json()["results"]) == 7


@pytest.fixture
def offers():
    """Welding in Okhotsk only (June, July), a career talk anywhere all year, electricity in Ishikari (January)."""
    return {
        "welding": LectureOfferFactory(
            title="溶接の仕事を知ろう", trade="溶接", areas=["okhotsk"], months=[6, 7], audiences=["high_school"]
        ),
        "career": LectureOfferFactory(title="ものづくりの仕事とキャリア", trade="", audiences=["junior_high"]),
        "electric": LectureOfferFactory(
            title="電気工事士のしごと", trade="電気工事", areas=["ishikari"], months=[1], length_minutes=90
        ),
        "draft": LectureOfferFactory(title="下書きの講座", status=ListingStatus.DRAFT),
    }


def test_a_lecture_offer(client, offers):
    offer = offers["electric"]
    data = api_get(client, f"{LECTURES}{offer.pk}/").json()
    assert data["url"] == f"http://testserver/seminars/lectures/{offer.pk}/"
    assert data["request_url"] == f"http://testserver/seminars/lectures/{offer.pk}/request/"
    assert (data["areas"], data["months"], data["length_minutes"], data["trade"]) == (["ishikari"], [1], 90, "電気工事")
    assert api_get(client, f"{LECTURES}{offers['draft'].pk}/").status_code == 404


@pytest.mark.parametrize(
    "query",
    ["", "subprefecture=okhotsk", "subprefecture=tokachi", "month=6", "month=1", "audience=junior_high", "q=溶接"],
)
def test_lecture_filters_give_the_pages_results(client, offers, query):
    api = api_ids(client, LECTURES, query)
    assert api == page_ids(client, "/seminars/lectures/", query, "lectures")
    assert api


@pytest.mark.parametrize(("query", "names"), [("month=0", ["month"]), ("subprefecture=mars", ["subprefecture"])])
def test_lecture_bad_value_is_a_400(client, offers, query, names):
    response = api_get(client, LECTURES, query)
    assert response.status_code == 400
    assert sorted(response.json()["errors"]) == names


def test_lecture_query_count_is_constant(client):
    LectureOfferFactory(areas=["okhotsk"])
    few = count_queries(client, LECTURES)
    for _number in range(10):
        LectureOfferFactory(areas=["okhotsk", "ishikari"])
    assert count_queries(client, LECTURES) == few
