"""/opendata/events.csv: every session of the published events and seminars in the 32 columns of
自治体標準オープンデータセット「イベント一覧」, UTF-8 with a BOM, one row per session."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from portal import dates, opendata
from portal.booking import services as booking_services
from portal.booking.models import Session
from portal.choices import Allocation, FeeKind, ListingStatus, SessionStatus
from tests.factories import (
    ExperienceEventFactory,
    FactoryTourFactory,
    OrganisationFactory,
    SeminarFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db

HEADER = [
    "都道府県コード又は市区町村コード",
    "NO",
    "都道府県名",
    "市区町村名",
    "イベント名",
    "イベント名_カナ",
    "イベント名_英語",
    "開始日",
    "終了日",
    "開始時間",
    "終了時間",
    "開始日時特記事項",
    "説明",
    "料金(基本)",
    "料金(詳細)",
    "連絡先名称",
    "連絡先電話番号",
    "連絡先内線番号",
    "主催者",
    "場所名称",
    "住所",
    "方書",
    "緯度",
    "経度",
    "アクセス方法",
    "駐車場情報",
    "定員",
    "参加申込終了日",
    "参加申込終了時間",
    "参加申込方法",
    "URL",
    "備考",
]
TOKYO = dt.timezone(dt.timedelta(hours=9))


def tokyo(days: int, hour: int, minute: int = 0) -> dt.datetime:
    """``days`` from today (Tokyo) at hour:minute, Tokyo time."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TOKYO)


@pytest.fixture
def since(monkeypatch):
    """The dataset starts 40 days ago (instead of on 1 April), whatever today's date."""
    start = tokyo(-40, 0)
    monkeypatch.setattr(opendata, "events_since", lambda: start)
    return start


@pytest.fixture
def listings(since):
    provider = OrganisationFactory(name="オホーツク総合振興局")
    lathe = ExperienceEventFactory(
        title="親子で旋盤体験",
        title_en="Lathe workshop for families",
        description="旋盤で文鎮を作ります",
        trade="旋盤",
        instructors="指導員 旋盤太郎（1級技能士）",
        audiences=["elementary", "parent"],
        grades="小学4〜6年",
        what_to_bring="軍手",
        fee_kind=FeeKind.PAID,
        fee_amount=500,
        fee_note="材料費込み",
        provider=provider,
    )
    morning = SessionFactory(
        offering=lathe,
        label="午前の部",
        starts_at=tokyo(10, 10),
        ends_at=tokyo(10, 12, 30),
        venue_name="北見市民会館",
        municipality_code="012084",
        address="本町1丁目2-3",
        latitude=Decimal("43.804100"),
        longitude=Decimal("143.894500"),
        capacity=24,
        registration_closes_at=tokyo(7, 17),
        allocation=Allocation.LOTTERY,
    )
    held = SessionFactory(
        offering=lathe, starts_at=tokyo(-3, 13), ends_at=tokyo(-3, 15), status=SessionStatus.DONE, address=""
    )
    cancelled = SessionFactory(offering=lathe, starts_at=tokyo(12, 10), status=SessionStatus.CANCELLED)
    too_old = SessionFactory(offering=lathe, starts_at=since - dt.timedelta(minutes=1), ends_at=since)
    first = SessionFactory(offering=lathe, starts_at=since, ends_at=since + dt.timedelta(hours=2))

    seminar = SeminarFactory(
        title="保護者向けものづくりセミナー",
        kind="parent",
        speaker="講師 講演花子",
        fee_kind=FeeKind.FREE,
        audiences=["parent"],
        provider=OrganisationFactory(name="石狩ものづくり協会"),
        is_demo=True,
    )
    talk = SessionFactory(
        offering=seminar,
        starts_at=tokyo(20, 18, 30),
        ends_at=tokyo(20, 20),
        venue_name="かでる2・7",
        municipality_code="011011",  # 札幌市中央区
        address="札幌市中央区北2条西7丁目",
        capacity=100,
    )

    draft = ExperienceEventFactory(title="下書きの体験会", status=ListingStatus.DRAFT)
    archived = SeminarFactory(title="公開終了のセミナー", status=ListingStatus.ARCHIVED)
    SessionFactory(offering=draft, starts_at=tokyo(5, 10))
    SessionFactory(offering=archived, starts_at=tokyo(6, 10))
    SessionFactory(offering=FactoryTourFactory(name="工場見学の枠"), starts_at=tokyo(8, 10))  # not an event source
    return {
        "lathe": lathe,
        "seminar": seminar,
        "morning": morning,
        "held": held,
        "cancelled": cancelled,
        "too_old": too_old,
        "first": first,
        "talk": talk,
    }


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def rows_of(response) -> list[dict[str, str]]:
    header, *rows = read_csv(response)
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_header_is_exactly_the_32_columns_of_the_standard_in_order(client, listings):
    response = client.get("/opendata/events.csv")
    assert response.status_code == 200
    header = read_csv(response)[0]
    assert header == HEADER
    assert len(header) == 32
    assert opendata.EVENT_COLUMNS[0].name == "都道府県コード又は市区町村コード"


def test_csv_is_utf8_with_bom_crlf_and_parses_back(client, listings):
    response = client.get("/opendata/events.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert not response.content[3:].startswith(b"\xef\xbb\xbf")
    rows = read_csv(response)
    assert all(len(row) == 32 for row in rows)
    assert response.content.count(b"\r\n") == len(rows)  # every line ends in CRLF (no newline inside a value)
    assert response["Content-Disposition"].startswith('attachment; filename="events_')


def test_one_row_per_session_that_is_not_cancelled_from_the_start_of_the_dataset(client, listings):
    rows = rows_of(client.get("/opendata/events.csv"))
    first, held, morning, talk = (listings[name] for name in ("first", "held", "morning", "talk"))
    expected = [
        ("親子で旋盤体験", first.starts_at),
        ("親子で旋盤体験", held.starts_at),
        ("親子で旋盤体験", morning.starts_at),
        ("保護者向けものづくりセミナー", talk.starts_at),
    ]
    assert [(row["イベント名"], row["開始日"], row["開始時間"]) for row in rows] == [
        (name, timezone.localtime(start).strftime("%Y-%m-%d"), timezone.localtime(start).strftime("%H:%M"))
        for name, start in expected
    ]
    assert [row["NO"] for row in rows] == ["1", "2", "3", "4"]
    text = client.get("/opendata/events.csv").content.decode("utf-8-sig")
    for absent in ("下書きの体験会", "公開終了のセミナー", "工場見学の枠"):
        assert absent not in text


def test_values_of_an_event_session(client, listings):
    lathe = listings["lathe"]
    row = rows_of(client.get("/opendata/events.csv"))[2]
    assert row == {
        "都道府県コード又は市区町村コード": "012084",
        "NO": "3",
        "都道府県名": "北海道",
        "市区町村名": "北見市",
        "イベント名": "親子で旋盤体験",
        "イベント名_カナ": "",
        "イベント名_英語": "Lathe workshop for families",
        "開始日": tokyo(10, 0).strftime("%Y-%m-%d"),
        "終了日": tokyo(10, 0).strftime("%Y-%m-%d"),
        "開始時間": "10:00",
        "終了時間": "12:30",
        "開始日時特記事項": "午前の部",
        "説明": "旋盤で文鎮を作ります",
        "料金(基本)": "有料",
        "料金(詳細)": "500円（材料費込み）",
        "連絡先名称": "オホーツク総合振興局",
        "連絡先電話番号": "",
        "連絡先内線番号": "",
        "主催者": "オホーツク総合振興局",
        "場所名称": "北見市民会館",
        "住所": "北海道北見市本町1丁目2-3",
        "方書": "",
        "緯度": "43.804100",
        "経度": "143.894500",
        "アクセス方法": "",
        "駐車場情報": "",
        "定員": "24",
        "参加申込終了日": tokyo(7, 0).strftime("%Y-%m-%d"),
        "参加申込終了時間": "17:00",
        "参加申込方法": "Webフォーム（抽選）",
        "URL": f"http://testserver/events/{lathe.pk}/",
        "備考": "ものづくり体験会。分野: 旋盤。対象: 小学生、保護者。小学4〜6年。持ち物: 軍手",
    }


def test_values_of_a_seminar_session_without_deadline_or_coordinates(client, listings):
    seminar = listings["seminar"]
    row = rows_of(client.get("/opendata/events.csv"))[3]
    assert row["都道府県コード又は市区町村コード"] == "011011"
    assert row["市区町村名"] == "札幌市中央区"
    assert row["住所"] == "北海道札幌市中央区北2条西7丁目"  # the municipality is not repeated
    assert (row["緯度"], row["経度"]) == ("", "")
    assert (row["開始時間"], row["終了時間"]) == ("18:30", "20:00")
    assert (row["参加申込終了日"], row["参加申込終了時間"]) == (row["開始日"], "18:30")  # the start
    assert row["参加申込方法"] == "Webフォーム（先着順）"
    assert (row["料金(基本)"], row["料金(詳細)"]) == ("無料", "")
    assert row["連絡先名称"] == row["主催者"] == "石狩ものづくり協会"
    assert row["URL"] == f"http://testserver/seminars/{seminar.pk}/"
    assert row["備考"] == "保護者向けセミナー。対象: 保護者。" + opendata.DEMO_EVENT_NOTE
    assert row["定員"] == "100"


def test_a_session_without_address_has_the_municipality_as_address(client, listings):
    row = rows_of(client.get("/opendata/events.csv"))[1]
    assert row["住所"] == "北海道北見市"


def test_people_named_on_the_pages_are_left_out(client, listings):
    text = client.get("/opendata/events.csv").content.decode("utf-8-sig")
    assert "旋盤太郎" not in text  # instructor
    assert "講演花子" not in text  # speaker


def test_urls_point_at_the_japanese_pages_even_from_english(client, listings):
    rows = rows_of(client.get("/en/opendata/events.csv"))
    assert rows[0]["URL"] == f"http://testserver/events/{listings['lathe'].pk}/"


def test_json_mirrors_the_csv(client, listings):
    header, *rows = read_csv(client.get("/opendata/events.csv"))
    response = client.get("/opendata/events.json")
    assert response.status_code == 200
    document = response.json()
    assert document["columns"] == header == HEADER
    assert document["items"] == [dict(zip(header, row, strict=True)) for row in rows]
    assert document["licence"]["name"] == "CC BY 4.0"
    assert document["dataset"]["slug"] == "events"
    assert document["dataset"]["standard"] == "自治体標準オープンデータセット「イベント一覧」"
    assert document["dataset"]["dictionary"] == "http://testserver/opendata/events/"


def test_last_updated_counts_a_cancellation_and_the_count_leaves_it_out(client, listings):
    Session.objects.update(updated_at=dt.datetime(2026, 5, 1, 3, 0, tzinfo=dt.UTC))
    type(listings["lathe"]).objects.update(updated_at=dt.datetime(2026, 5, 2, 3, 0, tzinfo=dt.UTC))
    type(listings["seminar"]).objects.update(updated_at=dt.datetime(2026, 5, 3, 3, 0, tzinfo=dt.UTC))
    summary = opendata.datasets()["events"].summary(None)
    assert (summary.count, summary.last_updated) == (4, dt.date(2026, 5, 3))

    Session.objects.filter(pk=listings["cancelled"].pk).update(updated_at=dt.datetime(2026, 6, 1, 16, 0, tzinfo=dt.UTC))
    assert opendata.datasets()["events"].summary(None).last_updated == dt.date(2026, 6, 2)  # Tokyo date
    assert client.get("/opendata/events.json").json()["last_updated"] == "2026-06-02"


def test_a_session_cancelled_through_the_booking_engine_leaves_the_file(client, listings):
    booking_services.cancel_session(session=listings["morning"], message="荒天のため")
    rows = rows_of(client.get("/opendata/events.csv"))
    assert [row["NO"] for row in rows] == ["1", "2", "3"]
    assert "午前の部" not in [row["開始日時特記事項"] for row in rows]


def test_an_unpublished_event_takes_all_its_sessions_out(client, listings):
    type(listings["lathe"]).objects.filter(pk=listings["lathe"].pk).update(status=ListingStatus.ARCHIVED)
    rows = rows_of(client.get("/opendata/events.csv"))
    assert [row["イベント名"] for row in rows] == ["保護者向けものづくりセミナー"]
    assert rows[0]["NO"] == "1"


def test_query_count_is_constant(client, since, django_assert_max_num_queries):
    ContentType.objects.clear_cache()
    events = ExperienceEventFactory.create_batch(2)
    seminars = SeminarFactory.create_batch(2)
    for offering in [*events, *seminars]:
        SessionFactory(offering=offering)
    with django_assert_max_num_queries(8):
        assert len(read_csv(client.get("/opendata/events.csv"))) == 5
    for offering in [*ExperienceEventFactory.create_batch(15), *SeminarFactory.create_batch(15)]:
        SessionFactory.create_batch(2, offering=offering)
    with django_assert_max_num_queries(6):  # the content types are cached by now
        assert len(read_csv(client.get("/opendata/events.csv"))) == 65
    with django_assert_max_num_queries(6):
        assert len(client.get("/opendata/events.json").json()["items"]) == 64


def test_the_dataset_starts_on_1_april_of_the_current_fiscal_year(monkeypatch):
    monkeypatch.setattr(dates, "today", lambda: dt.date(2027, 2, 10))
    assert opendata.events_since() == dt.datetime(2026, 4, 1, 0, 0, tzinfo=TOKYO)
    monkeypatch.setattr(dates, "today", lambda: dt.date(2026, 4, 1))
    assert opendata.events_since() == dt.datetime(2026, 4, 1, 0, 0, tzinfo=TOKYO)
    monkeypatch.setattr(dates, "today", lambda: dt.date(2026, 3, 31))
    assert opendata.events_since() == dt.datetime(2025, 4, 1, 0, 0, tzinfo=TOKYO)


def test_the_dictionary_page_documents_every_column_and_the_rule(client, listings):
    response = client.get("/en/opendata/events/")
    assert response.status_code == 200
    html = response.content.decode()
    for name in HEADER:
        assert f'<th scope="row" lang="ja">{name}</th>' in html, name
    assert "1 April of the current fiscal year" in html
    assert "Cancelled sessions are left out" in html
    assert 'href="/en/opendata/events.csv"' in html
    assert "<code>http://testserver/opendata/events.csv</code>" in html
    assert response.context["summary"].count == 4
