"""/seminars/ and /seminars/<id>/: every kind, filters and bad values, drafts, itinerary, pairs, map, calendar,
query counts, the admin and the demo data."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from portal.booking import services as booking_services
from portal.booking.models import Session
from portal.choices import ListingStatus, SessionStatus
from seminars.models import ItineraryStop, Seminar
from seminars.models.seminar import SeminarKind
from tests.factories import ExperienceEventFactory, FactoryTourFactory, SeminarFactory, SessionFactory

pytestmark = pytest.mark.django_db


def titles(response):
    return [seminar.title for seminar in response.context["seminars"]]


def ignored(response):
    return sorted(item["name"] for item in response.context["filter"].ignored())


def fill(session, seats: int):
    for number in range(seats // 2):
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
def seminars():
    """Published seminars of several kinds with sessions around Hokkaido, a draft, a past-only one."""
    parent = SeminarFactory(title="保護者のための進路セミナー", kind="parent", audiences=["parent"])
    teacher = SeminarFactory(
        title="教職員キャリア教育セミナー", kind="teacher", audiences=["teacher"], description="産業の人材ニーズ"
    )
    talk = SeminarFactory(
        title="マイスター講演会", kind="specialist_talk", audiences=["high_school"], speaker="山田 健二"
    )
    draft = SeminarFactory(title="下書きのセミナー", status=ListingStatus.DRAFT)
    past = SeminarFactory(title="終わったセミナー")
    sessions = {
        "parent": SessionFactory(offering=parent, days=5, municipality_code="011011", capacity=10),  # 札幌 (石狩)
        "parent2": SessionFactory(offering=parent, days=40, municipality_code="011011", capacity=10),
        "teacher": SessionFactory(offering=teacher, days=3, municipality_code="012050", capacity=4),  # 室蘭 (胆振)
        "talk": SessionFactory(offering=talk, days=20, municipality_code="012041", capacity=16),  # 旭川 (上川)
        "draft": SessionFactory(offering=draft, days=2, municipality_code="012041"),
        "past": SessionFactory(offering=past, days=-3, municipality_code="012041"),
    }
    fill(sessions["teacher"], 4)  # full
    return {"parent": parent, "teacher": teacher, "talk": talk, "draft": draft, "sessions": sessions}


ALL = ["教職員キャリア教育セミナー", "保護者のための進路セミナー", "マイスター講演会"]


def test_lists_upcoming_published_seminars_by_next_session(client, seminars):
    response = client.get("/seminars/")
    assert response.status_code == 200
    assert titles(response) == ALL
    assert ignored(response) == []


def test_drafts_never_public(client, seminars):
    assert "下書きのセミナー" not in client.get("/seminars/?q=下書き").content.decode()
    assert "下書きのセミナー" not in client.get("/seminars/").content.decode()
    assert client.get(f"/seminars/{seminars['draft'].pk}/").status_code == 404
    for status in (ListingStatus.PENDING_REVIEW, ListingStatus.ARCHIVED):
        Seminar.objects.filter(pk=seminars["draft"].pk).update(status=status)
        assert client.get(f"/seminars/{seminars['draft'].pk}/").status_code == 404
    assert client.get("/seminars/999999/").status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=進路", ["保護者のための進路セミナー"]),
        ("q=人材ニーズ", ["教職員キャリア教育セミナー"]),  # the description
        ("q=山田", ["マイスター講演会"]),  # the speaker
        ("q=旭川", ["マイスター講演会"]),  # the municipality of a session
        ("q=ﾏｲｽﾀｰ", ["マイスター講演会"]),  # half-width katakana folds
        ("kind=parent", ["保護者のための進路セミナー"]),
        ("kind=specialist_talk", ["マイスター講演会"]),
        ("kind=skill_up", []),
        ("subprefecture=iburi", ["教職員キャリア教育セミナー"]),
        ("subprefecture=kamikawa", ["マイスター講演会"]),
        ("audience=teacher", ["教職員キャリア教育セミナー"]),
        ("audience=parent", ["保護者のための進路セミナー"]),
        ("available=1", ["保護者のための進路セミナー", "マイスター講演会"]),  # the teachers' seminar is full
    ],
)
def test_filters(client, seminars, query, expected):
    response = client.get(f"/seminars/?{query}")
    assert response.status_code == 200
    assert titles(response) == expected
    assert ignored(response) == []


def test_date_filters_match_one_session(client, seminars):
    today = timezone.localdate()
    day = lambda n: (today + dt.timedelta(days=n)).isoformat()  # noqa: E731
    assert titles(client.get(f"/seminars/?from={day(4)}&to={day(6)}")) == ["保護者のための進路セミナー"]
    assert titles(client.get(f"/seminars/?from={day(30)}")) == ["保護者のための進路セミナー"]  # its second session
    assert titles(client.get(f"/seminars/?to={day(3)}")) == ["教職員キャリア教育セミナー"]
    assert titles(client.get(f"/seminars/?from={day(41)}")) == []


def test_place_and_seats_must_hold_for_the_same_session(client, seminars):
    fill(seminars["sessions"]["parent"], 10)  # the first session is full, the second is not
    assert titles(client.get("/seminars/?subprefecture=ishikari&available=1")) == ["保護者のための進路セミナー"]
    to = (timezone.localdate() + dt.timedelta(days=6)).isoformat()
    assert titles(client.get(f"/seminars/?subprefecture=ishikari&available=1&to={to}")) == []


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("kind=factory", "kind"),
        ("kind=PARENT", "kind"),
        ("subprefecture=atlantis", "subprefecture"),
        ("audience=robots", "audience"),
        ("from=2026-13-45", "from"),
        ("from=yesterday", "from"),
        ("to=2026-02-30", "to"),
        ("q=" + "あ" * 101, "q"),
    ],
)
def test_bad_values_are_ignored_and_reported(client, seminars, query, name):
    response = client.get(f"/seminars/?{query}")
    assert response.status_code == 200
    assert ignored(response) == [name]
    assert titles(response) == ALL
    assert "無視" in response.content.decode()


def test_end_before_start_is_reported(client, seminars):
    today = timezone.localdate()
    response = client.get(f"/seminars/?from={today + dt.timedelta(days=10)}&to={today}")
    assert response.status_code == 200
    assert ignored(response) == ["to"]
    assert titles(response) == ["マイスター講演会", "保護者のための進路セミナー"]


def test_municipality_is_not_a_seminar_filter(client, seminars):
    response = client.get("/seminars/?municipality=012050")
    assert "municipality" not in response.context["filter"].form.fields
    assert titles(response) == ALL


def test_bad_page_numbers_never_fail(client, seminars):
    for page in ("abc", "0", "999", "-1"):
        assert client.get(f"/seminars/?page={page}").status_code == 200


KIND_FIELDS = {
    "parent": {},
    "teacher": {},
    "teacher_tour": {},
    "student_tour": {},
    "specialist_talk": {"speaker": "佐藤 一郎（技能五輪金賞）", "speaker_profile": "旭川の家具職人として30年"},
    "skill_up": {"school_name": "北海道立札幌高等技術専門学院", "course_hours": 12},
}


@pytest.mark.parametrize("kind", list(KIND_FIELDS))
def test_every_kind_renders(client, kind):
    seminar = SeminarFactory(kind=kind, title=f"種類{kind}", description="説明文です", **KIND_FIELDS[kind])
    seminar.full_clean()
    session = SessionFactory(offering=seminar, venue_name="会場テスト")
    with translation.override("en"):  # the pages below are the English ones
        label = str(SeminarKind(kind).label)
    for path in ("/en/seminars/", f"/en/seminars/{seminar.pk}/"):
        response = client.get(path)
        assert response.status_code == 200
        html = response.content.decode()
        assert f"種類{kind}" in html
        assert label in html, label
        assert "会場テスト" in html
    html = client.get(f"/seminars/{seminar.pk}/").content.decode()
    assert f'href="/sessions/{session.pk}/signup/"' in html
    for value in KIND_FIELDS[kind].values():
        assert str(value) in html


def test_detail_page_has_the_facts_and_seats(client, seminars):
    seminar = seminars["parent"]
    Seminar.objects.filter(pk=seminar.pk).update(
        description="進路の話をします", speaker="キャリアコンサルタント", grades="中学生の保護者",
        what_to_bring="筆記用具", fee_kind="paid", fee_amount=500,
    )  # fmt: skip
    fill(seminars["sessions"]["parent"], 4)
    html = client.get(f"/en/seminars/{seminar.pk}/").content.decode()
    for text in ("進路の話をします", "キャリアコンサルタント", "中学生の保護者", "筆記用具", "500", "6 seats left"):
        assert text in html, text
    assert "Parents" in html  # the audience in words


def test_full_session_without_waiting_list_has_no_sign_up_link(client, seminars):
    full = seminars["sessions"]["teacher"]
    Session.objects.filter(pk=full.pk).update(waitlist_enabled=False)
    html = client.get(f"/en/seminars/{seminars['teacher'].pk}/").content.decode()
    assert f"/sessions/{full.pk}/signup/" not in html
    assert "Full" in html


def test_itinerary_shows_the_linked_tours_in_order(client):
    seminar = SeminarFactory(kind="student_tour", title="工場見学バスツアー")
    SessionFactory(offering=seminar)
    first = FactoryTourFactory(name="カルビー北海道工場", municipality_code="012246")
    second = FactoryTourFactory(name="キッコーマン千歳工場", municipality_code="012246")
    hidden = FactoryTourFactory(name="下書きの工場", status=ListingStatus.DRAFT)
    ItineraryStop.objects.create(seminar=seminar, position=2, tour=second, arrive_at="11:30", leave_at="12:45")
    ItineraryStop.objects.create(
        seminar=seminar, position=1, tour=first, arrive_at="10:00", leave_at="11:00", note="ラインを見学"
    )
    ItineraryStop.objects.create(seminar=seminar, position=3, tour=hidden, arrive_at="14:00", leave_at="15:00")
    html = client.get(f"/seminars/{seminar.pk}/").content.decode()
    assert html.index("10:00〜11:00") < html.index("カルビー北海道工場") < html.index("ラインを見学")
    assert html.index("カルビー北海道工場") < html.index("11:30〜12:45") < html.index("キッコーマン千歳工場")
    assert f'href="/tours/{first.pk}/"' in html
    assert f'href="/tours/{second.pk}/"' in html
    assert "下書きの工場" not in html  # an unpublished tour is not shown
    assert "千歳市" in html


def test_itinerary_only_for_a_student_tour():
    seminar = SeminarFactory(kind="parent")
    stop = ItineraryStop(seminar=seminar, position=1, tour=FactoryTourFactory(), arrive_at="10:00", leave_at="11:00")
    with pytest.raises(ValidationError):
        stop.full_clean()
    stop = ItineraryStop(
        seminar=SeminarFactory(kind="student_tour"),
        position=1,
        tour=FactoryTourFactory(),
        arrive_at="11:00",
        leave_at="10:00",
    )
    with pytest.raises(ValidationError) as error:
        stop.full_clean()
    assert "leave_at" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        stop.save()


@pytest.mark.parametrize(
    ("kind", "values", "field"),
    [
        ("parent", {"course_hours": 10}, "course_hours"),
        ("teacher", {"school_name": "札幌高等技術専門学院"}, "school_name"),
        ("skill_up", {"speaker_profile": "経歴"}, "speaker_profile"),
    ],
)
def test_kind_specific_fields_are_validated(kind, values, field):
    seminar = SeminarFactory.build(kind=kind, provider=SeminarFactory().provider, **values)
    with pytest.raises(ValidationError) as error:
        seminar.full_clean()
    assert list(error.value.message_dict) == [field]


def test_course_hours_only_for_skill_up_in_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        SeminarFactory(kind="parent", course_hours=3)


def test_paired_session_is_shown(client):
    tour = SeminarFactory(kind="student_tour", title="生徒の工場見学ツアー", audiences=["junior_high"])
    parent = SeminarFactory(kind="parent", title="同日の保護者セミナー")
    tour_session = SessionFactory(offering=tour, days=12)
    parent_session = SessionFactory(offering=parent, days=12)
    parent_session.paired_with = tour_session
    parent_session.save(update_fields=["paired_with"])
    local = timezone.localtime(tour_session.starts_at)
    html = client.get(f"/seminars/{parent.pk}/").content.decode()
    assert "生徒の工場見学ツアー" in html
    assert f'href="/seminars/{tour.pk}/"' in html
    assert f"{local.month}月{local.day}日" in html
    html = client.get(f"/en/seminars/{tour.pk}/").content.decode()  # from the other side too
    assert "Held together with:" in html
    assert "同日の保護者セミナー" in html
    Seminar.objects.filter(pk=parent.pk).update(status=ListingStatus.DRAFT)  # a draft partner is not shown
    html = client.get(f"/en/seminars/{tour.pk}/").content.decode()
    assert "Held together with:" not in html
    assert "同日の保護者セミナー" not in html


def test_paired_with_an_experience_event(client):
    seminar = SeminarFactory(title="保護者セミナー")
    event_session = SessionFactory(offering=ExperienceEventFactory(title="親子の旋盤体験"))
    session = SessionFactory(offering=seminar, paired_with=event_session)
    assert session.partner == event_session
    html = client.get(f"/seminars/{seminar.pk}/").content.decode()
    assert "親子の旋盤体験" in html


@pytest.mark.parametrize("count", [3, 30])
def test_query_count_is_constant(client, django_assert_max_num_queries, count):
    for number in range(count):
        seminar = SeminarFactory(title=f"セミナー{number:02d}")
        SessionFactory(offering=seminar, days=number + 1)
        SessionFactory(offering=seminar, days=number + 2, municipality_code="012041")
    client.get("/seminars/")  # warm the caches (content types)
    with django_assert_max_num_queries(8):
        response = client.get("/seminars/?subprefecture=okhotsk&available=1&kind=parent")
    assert response.status_code == 200
    assert len(response.context["seminars"]) == min(count, 20)


def test_detail_query_count_is_bounded(client, django_assert_max_num_queries):
    seminar = SeminarFactory(kind="student_tour")
    for number in range(5):
        SessionFactory(offering=seminar, days=number + 1)
        ItineraryStop.objects.create(
            seminar=seminar, position=number + 1, tour=FactoryTourFactory(), arrive_at="10:00", leave_at="11:00"
        )
    client.get(f"/seminars/{seminar.pk}/")
    with django_assert_max_num_queries(10):
        assert client.get(f"/seminars/{seminar.pk}/").status_code == 200


def test_home_page_shows_the_next_seminars(client, seminars):
    html = client.get("/").content.decode()
    assert "教職員キャリア教育セミナー" in html
    assert "下書きのセミナー" not in html
    assert 'href="/seminars/"' in html


def test_header_links_to_the_seminars(client, seminars):
    assert 'href="/seminars/"' in client.get("/tours/").content.decode()


def test_map_features_of_seminars(client, seminars):
    response = client.get("/map/features.geojson?kind=seminar")
    assert response.status_code == 200
    features = response.json()["features"]
    assert [feature["properties"]["url"] for feature in features] == [
        f"/seminars/{seminars['teacher'].pk}/",
        f"/seminars/{seminars['parent'].pk}/",
        f"/seminars/{seminars['talk'].pk}/",
    ]
    assert features[0]["properties"] == {
        "kind": "seminar",
        "name": "教職員キャリア教育セミナー",
        "municipality": "室蘭市",
        "url": f"/seminars/{seminars['teacher'].pk}/",
        "approximate": True,
    }
    assert features[0]["geometry"]["coordinates"] == [140.973673, 42.315208]
    kamikawa = client.get("/map/features.geojson?kind=seminar&subprefecture=kamikawa").json()["features"]
    assert [feature["properties"]["name"] for feature in kamikawa] == ["マイスター講演会"]


def test_map_page_with_seminars_reports_nothing_ignored(client, seminars):
    response = client.get("/map/?kind=seminar")
    assert response.status_code == 200
    assert "無視" not in response.content.decode()


def test_calendar_includes_seminar_sessions(client, seminars):
    response = client.get("/calendar.ics")
    assert response.status_code == 200
    text = response.content.decode().replace("\r\n ", "")
    for key in ("parent", "parent2", "teacher", "talk"):
        assert f"UID:seminar-session-{seminars['sessions'][key].pk}@testserver" in text, key
    assert f"seminar-session-{seminars['sessions']['draft'].pk}@" not in text
    assert f"seminar-session-{seminars['sessions']['past'].pk}@" not in text
    assert "SUMMARY:マイスター講演会" in text
    Session.objects.filter(pk=seminars["sessions"]["talk"].pk).update(status=SessionStatus.CANCELLED)
    assert "マイスター講演会" not in client.get("/calendar.ics").content.decode().replace("\r\n ", "")


# --- Admin -----------------------------------------------------------------------------------------


def test_admin_adds_a_seminar_with_a_session_and_a_stop(client, secretariat_user, organisation):
    tour = FactoryTourFactory()
    client.force_login(secretariat_user)
    assert client.get("/admin/seminars/seminar/add/").status_code == 200
    start = timezone.localtime() + dt.timedelta(days=10)
    sessions, stops = "portal-session-offering_type-offering_id", "itinerary"
    data = {
        "kind": "student_tour", "provider": str(organisation.pk), "title": "管理画面のツアー", "title_en": "",
        "funding_scheme": "", "description": "", "speaker": "", "audiences": "junior_high", "grades": "",
        "fee_kind": "free", "fee_amount": "", "fee_note": "", "what_to_bring": "", "speaker_profile": "",
        "school_name": "", "course_hours": "",
        f"{sessions}-TOTAL_FORMS": "1", f"{sessions}-INITIAL_FORMS": "0",
        f"{sessions}-0-label": "", f"{sessions}-0-starts_at_0": start.strftime("%Y-%m-%d"),
        f"{sessions}-0-starts_at_1": "09:00:00", f"{sessions}-0-ends_at_0": start.strftime("%Y-%m-%d"),
        f"{sessions}-0-ends_at_1": "16:00:00", f"{sessions}-0-venue_name": "札幌駅北口",
        f"{sessions}-0-municipality": "011029", f"{sessions}-0-address": "", f"{sessions}-0-capacity": "40",
        f"{sessions}-0-max_party_size": "6", f"{sessions}-0-waitlist_enabled": "on",
        f"{sessions}-0-allocation": "first_come",
        f"{stops}-TOTAL_FORMS": "1", f"{stops}-INITIAL_FORMS": "0",
        f"{stops}-0-position": "1", f"{stops}-0-tour": str(tour.pk), f"{stops}-0-arrive_at": "10:00",
        f"{stops}-0-leave_at": "11:00", f"{stops}-0-note": "",
    }  # fmt: skip
    response = client.post("/admin/seminars/seminar/add/", data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    seminar = Seminar.objects.get(title="管理画面のツアー")
    assert seminar.status == ListingStatus.DRAFT
    [session] = seminar.sessions.all()
    assert (session.venue_name, session.capacity) == ("札幌駅北口", 40)
    assert [stop.tour_id for stop in seminar.itinerary.all()] == [tour.pk]
    assert client.get(f"/admin/seminars/seminar/{seminar.pk}/change/").status_code == 200


def test_partner_editor_sees_only_own_seminars(client, partner_editor):
    own = SeminarFactory(provider=partner_editor.organisation)
    other = SeminarFactory()
    client.force_login(partner_editor)
    assert client.get(f"/admin/seminars/seminar/{own.pk}/change/").status_code == 200
    assert client.get(f"/admin/seminars/seminar/{other.pk}/change/").status_code in (302, 404)
    assert not partner_editor.has_perm("seminars.publish_seminar")


# --- Demo data -------------------------------------------------------------------------------------


def test_seed_demo_seminars_are_idempotent(client):
    call_command("seed_demo", stdout=io.StringIO())
    demo = Seminar.objects.filter(is_demo=True, status=ListingStatus.PUBLISHED)
    assert set(demo.values_list("kind", flat=True)) == set(SeminarKind.values)
    counts = (Seminar.objects.count(), Session.objects.count(), ItineraryStop.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (Seminar.objects.count(), Session.objects.count(), ItineraryStop.objects.count()) == counts
    now = timezone.now()
    for seminar in demo:
        assert seminar.sessions.filter(starts_at__gt=now).exists(), seminar.title
    trip = demo.get(kind="student_tour")
    stops = list(trip.itinerary.select_related("tour"))
    assert 2 <= len(stops) <= 3
    assert all(stop.tour.is_demo for stop in stops)
    [trip_session] = trip.sessions.all()
    partner = trip_session.partner
    assert partner is not None
    assert partner.offering.kind == "parent"
    html = client.get(f"/seminars/{trip.pk}/").content.decode()
    assert partner.offering.title in html
    assert stops[0].tour.name in html
