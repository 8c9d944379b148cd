"""/opendata/: the supporters and advisors datasets, the map and calendar feeds described as datasets, the
dictionary pages, and the leak test over every file: nothing personal in any of them."""

import csv
import datetime as dt
import io
import json

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from portal import opendata
from portal.booking import services as booking_services
from portal.choices import EnquiryKind, ListingStatus
from portal.enquiries import services as enquiry_services
from portal.models import Municipality, Subprefecture
from supporters.models import AdvisorStatus, Recognition, RecognitionKind, SeniorAdvisor
from tests.factories import (
    ExperienceEventFactory,
    FactoryTourFactory,
    SeminarFactory,
    SessionFactory,
    SupporterCompanyFactory,
)

pytestmark = pytest.mark.django_db

SUPPORTER_HEADER = [
    "ID",
    "登録番号",
    "名称",
    "名称_カナ",
    "業種",
    "全国地方公共団体コード",
    "市区町村名",
    "振興局",
    "郵便番号",
    "住所",
    "提供内容",
    "メッセージ",
    "ウェブサイト",
    "登録日",
    "工場見学",
    "認証・表彰",
    "URL",
    "備考",
]
ADVISOR_HEADER = ["NO", "概要", "技能・職種", "資格", "対応地域", "前職の業種", "経験年数", "活動内容"]


def read_csv(response) -> list[list[str]]:
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def make_advisor(number: int, *, areas=("okhotsk",), **fields) -> SeniorAdvisor:
    """An advisor whose personal fields are all distinctive (so that a leak is found), public unless told."""
    values = {
        "name": f"秘密顧問{number}",
        "name_kana": f"ヒミツコモン{number}",
        "email": f"advisor-secret{number}@private.example.jp",
        "phone": f"0155-88-{number:04d}",
        "postal_address": f"帯広市秘密町{number}丁目",
        "former_employer": f"秘密重工{number}",
        "home_municipality": Municipality.objects.get(code="012084"),
        "trades": ["旋盤"],
        "qualifications": ["技能検定1級"],
        "former_industry": "machinery",
        "years_of_experience": 40,
        "activities": ["hands_on"],
        "consent_to_contact": True,
        "status": AdvisorStatus.ACTIVE,
        "public_summary": f"元 機械メーカー 旋盤 40年 #{number}",
        "summary_approved": True,
        **fields,
    }
    advisor = SeniorAdvisor.objects.create(**values)
    advisor.areas.set(Subprefecture.objects.filter(slug__in=areas))
    return advisor


# --- Supporter companies ---------------------------------------------------------------------------------


@pytest.fixture
def supporters():
    company = SupporterCompanyFactory(
        name="北見溶接工業株式会社",
        name_kana="キタミヨウセツコウギョウ",
        corporate_number="1234567890123",
        postcode="090-0001",
        address="本町1丁目2-3",
        offers=["factory_tour", "outreach_lecture"],
        pr_message="溶接の面白さを伝えます",
        website="https://weld.example.jp/",
        approved_at=dt.datetime(2026, 5, 8, 16, 0, tzinfo=dt.UTC),  # 9 May in Tokyo
        pending_changes={"pr_message": "審査待ちの新しいメッセージ"},
        is_demo=True,
    )
    FactoryTourFactory(name="溶接ロボット工場", supporter=company)
    FactoryTourFactory(name="公開前の工場", supporter=company, status=ListingStatus.DRAFT)
    Recognition.objects.create(company=company, fiscal_year=2026, kind=RecognitionKind.AWARD, title="知事賞")
    Recognition.objects.create(company=company, fiscal_year=2025, kind=RecognitionKind.CERTIFICATION, title="認定A")
    pending = SupporterCompanyFactory(name="審査待ち工業", status="pending_review", registration_number=None)
    withdrawn = SupporterCompanyFactory(name="退会工業", status="withdrawn")
    return {"company": company, "pending": pending, "withdrawn": withdrawn}


def test_supporters_csv_has_the_public_profile_of_approved_companies_only(client, supporters):
    company = supporters["company"]
    header, *rows = read_csv(client.get("/opendata/supporters.csv"))
    assert header == SUPPORTER_HEADER
    assert [row[2] for row in rows] == ["北見溶接工業株式会社"]
    assert dict(zip(header, rows[0], strict=True)) == {
        "ID": f"supporter-{company.pk}",
        "登録番号": company.registration_number,
        "名称": "北見溶接工業株式会社",
        "名称_カナ": "キタミヨウセツコウギョウ",
        "業種": "機械",
        "全国地方公共団体コード": "012084",
        "市区町村名": "北見市",
        "振興局": "オホーツク総合振興局",
        "郵便番号": "090-0001",
        "住所": "北海道北見市本町1丁目2-3",
        "提供内容": "工場見学、出前講座",
        "メッセージ": "溶接の面白さを伝えます",
        "ウェブサイト": "https://weld.example.jp/",
        "登録日": "2026-05-09",
        "工場見学": "溶接ロボット工場",
        "認証・表彰": "2026年度 表彰: 知事賞／2025年度 認証: 認定A",
        "URL": f"http://testserver/supporters/{company.pk}/",
        "備考": "デモデータ（例として登録したものです）",
    }


def test_supporters_csv_leaves_out_what_the_profile_does_not_show(client, supporters):
    company = supporters["company"]
    text = client.get("/opendata/supporters.csv").content.decode("utf-8-sig")
    text += client.get("/opendata/supporters.json").content.decode()
    for hidden in (
        company.contact_name,
        company.contact_email,
        company.contact_phone,
        company.corporate_number,
        company.certificate_code,
        "審査待ちの新しいメッセージ",
        "公開前の工場",
        "審査待ち工業",
        "退会工業",
    ):
        assert hidden not in text, hidden


def test_supporters_json_mirrors_the_csv(client, supporters):
    header, *rows = read_csv(client.get("/opendata/supporters.csv"))
    document = client.get("/opendata/supporters.json").json()
    assert document["columns"] == header
    assert document["items"] == [dict(zip(header, row, strict=True)) for row in rows]
    assert document["licence"]["name"] == "CC BY 4.0"


def test_supporters_query_count_is_constant(client, supporters, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        assert len(read_csv(client.get("/opendata/supporters.csv"))) == 2
    for company in SupporterCompanyFactory.create_batch(20):
        FactoryTourFactory(supporter=company)
        Recognition.objects.create(company=company, fiscal_year=2026, kind=RecognitionKind.AWARD, title="賞")
    with django_assert_max_num_queries(4):
        assert len(read_csv(client.get("/opendata/supporters.csv"))) == 22


# --- Senior advisors --------------------------------------------------------------------------------------


@pytest.fixture
def advisors():
    return [
        make_advisor(1, public_summary="元 機械メーカー 旋盤 40年・技能検定1級"),
        make_advisor(
            2,
            public_summary="元 製紙メーカー 設備保全 35年",
            trades=["設備保全", "電気工事"],
            qualifications=["第二種電気工事士"],
            former_industry="paper",
            years_of_experience=35,
            activities=["career_talk", "company_advice"],
            areas=("kushiro", "nemuro"),
        ),
        make_advisor(3, public_summary="審査中の概要", status=AdvisorStatus.APPLIED),
        make_advisor(4, public_summary="未承認の概要", summary_approved=False),
        make_advisor(5, public_summary="同意なしの概要", consent_to_contact=False),
        make_advisor(6, public_summary="休止中の概要", status=AdvisorStatus.PAUSED),
    ]


def test_advisors_csv_is_the_cards_of_the_advisors_page(client, advisors):
    header, *rows = read_csv(client.get("/opendata/advisors.csv"))
    assert header == ADVISOR_HEADER
    cards = client.get("/advisors/").context["cards"]  # the Japanese page
    assert rows == [
        [
            str(number),
            card["summary"],
            "、".join(card["trades"]),
            "、".join(card["qualifications"]),
            "、".join(card["areas"]),
            card["industry"],
            str(card["years"]),
            "、".join(card["activities"]),
        ]
        for number, card in enumerate(cards, 1)
    ]
    assert [row[1] for row in rows] == ["元 機械メーカー 旋盤 40年・技能検定1級", "元 製紙メーカー 設備保全 35年"]
    assert rows[1][4] == "釧路、根室"


def test_advisors_json_mirrors_the_csv_and_hides_everything_else(client, advisors):
    header, *rows = read_csv(client.get("/opendata/advisors.csv"))
    response = client.get("/opendata/advisors.json")
    document = response.json()
    assert document["items"] == [dict(zip(header, row, strict=True)) for row in rows]
    text = response.content.decode() + client.get("/opendata/advisors.csv").content.decode("utf-8-sig")
    for hidden in ("審査中の概要", "未承認の概要", "同意なしの概要", "休止中の概要", "秘密", "@private.example.jp"):
        assert hidden not in text, hidden


def test_advisors_query_count_is_constant(client, advisors, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        client.get("/opendata/advisors.csv")
    for number in range(10, 40):
        make_advisor(number)
    with django_assert_max_num_queries(3):
        assert len(read_csv(client.get("/opendata/advisors.csv"))) == 33


# --- The map and the calendar, described as datasets -------------------------------------------------------


@pytest.fixture
def programme():
    tour = FactoryTourFactory(name="溶接ロボット工場")
    event = ExperienceEventFactory(title="親子で旋盤体験", description="旋盤で文鎮を作ります")
    seminar = SeminarFactory(title="保護者向けセミナー", description="進路の話")
    return {
        "tour": tour,
        "event": SessionFactory(offering=event, days=5, label="午前の部"),
        "seminar": SessionFactory(offering=seminar, days=8),
    }


def documented(slug: str) -> list[str]:
    return [column.name for column in opendata.datasets()[slug].columns]


def test_the_map_dictionary_documents_every_member_and_property_of_the_features(client, programme):
    collection = json.loads(client.get("/map/features.geojson").content)
    members = {key for feature in collection["features"] for key in feature}
    properties = {f"properties.{key}" for feature in collection["features"] for key in feature["properties"]}
    assert set(documented("map")) == (members - {"properties"}) | properties
    assert len(collection["features"]) == 3
    response = client.get("/opendata/map/")
    assert response.status_code == 200
    assert response.context["summary"].count == 3
    html = response.content.decode()
    assert 'href="/map/features.geojson"' in html
    for name in documented("map"):
        assert f'<th scope="row">{name}</th>' in html


def test_the_calendar_dictionary_documents_every_property_of_the_feed(client, programme):
    feed = icalendar.Calendar.from_ical(client.get("/calendar.ics").content)
    events = list(feed.walk("VEVENT"))
    assert len(events) == 2
    found = {name for event in events for name in event} | {name for name in feed if name.startswith("X-WR-")}
    assert set(documented("calendar")) == found
    response = client.get("/opendata/calendar/")
    assert response.context["summary"].count == 2
    assert 'href="/calendar.ics"' in response.content.decode()


def test_feed_summaries_ignore_the_query_and_take_the_newest_change_of_their_sources(client, programme):
    type(programme["tour"]).objects.update(updated_at=dt.datetime(2026, 7, 1, 3, 0, tzinfo=dt.UTC))
    from portal.booking.models import Session

    Session.objects.update(updated_at=dt.datetime(2026, 7, 2, 3, 0, tzinfo=dt.UTC))
    type(programme["event"].offering).objects.update(updated_at=dt.datetime(2026, 6, 1, 3, 0, tzinfo=dt.UTC))
    type(programme["seminar"].offering).objects.update(updated_at=dt.datetime(2026, 6, 1, 3, 0, tzinfo=dt.UTC))
    map_page = client.get("/opendata/map/?kind=tour")
    assert map_page.context["summary"] == opendata.Summary(count=3, last_updated=dt.date(2026, 7, 2))
    type(programme["tour"]).objects.update(updated_at=dt.datetime(2026, 8, 1, 3, 0, tzinfo=dt.UTC))
    assert client.get("/opendata/map/").context["summary"].last_updated == dt.date(2026, 8, 1)
    assert client.get("/opendata/calendar/").context["summary"].last_updated == dt.date(2026, 7, 2)


@pytest.mark.parametrize(
    "path", ["/opendata/map.csv", "/opendata/map.json", "/opendata/calendar.csv", "/en/opendata/calendar.json"]
)
def test_feeds_have_no_csv_or_json(client, path):
    assert client.get(path).status_code == 404


# --- The pages ------------------------------------------------------------------------------------------


def test_index_lists_every_dataset_with_licence_date_and_stable_links(client, programme, supporters, advisors):
    response = client.get("/en/opendata/")
    assert response.status_code == 200
    html = response.content.decode()
    slugs = [entry["dataset"].slug for entry in response.context["entries"]]
    assert slugs == ["events", "factory_tours", "supporters", "advisors", "map", "calendar"]
    for slug in ["events", "factory_tours", "supporters", "advisors"]:
        assert f'href="/en/opendata/{slug}.csv"' in html
        assert f'href="/en/opendata/{slug}.json"' in html
    for slug in slugs:
        assert f'href="/en/opendata/{slug}/"' in html
    assert 'href="/en/map/features.geojson"' in html
    assert 'href="/en/calendar.ics"' in html
    assert html.count("<dt>Licence</dt><dd>CC BY 4.0</dd>") == len(slugs)
    assert html.count("<dt>Last updated</dt>") == len(slugs)
    today = timezone.localdate().isoformat()
    assert f'<time datetime="{today}">' in html


@pytest.mark.parametrize("slug", ["events", "factory_tours", "supporters", "advisors", "map", "calendar"])
def test_every_dictionary_page_lists_its_columns_licence_and_date(client, slug):
    response = client.get(f"/en/opendata/{slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    dataset = response.context["dataset"]
    for column in dataset.columns:
        assert f">{column.name}</th>" in html, column.name
    assert "CC BY 4.0" in html and "北海道次世代ものづくり人材育成ワーキンググループ" in html
    assert "<dt>Last updated</dt>" in html
    assert "<dt>Records</dt><dd>0</dd>" in html or slug == "calendar" or slug == "map"
    for fmt in dataset.formats:
        with translation.override("ja"):  # the stable address is the Japanese one
            stable = f"http://testserver{fmt.path(slug)}"
        assert f"<code>{stable}</code>" in html


def test_unknown_dataset_page_is_404(client):
    assert client.get("/opendata/nothing/").status_code == 404
    assert client.get("/en/opendata/nothing/").status_code == 404


def test_index_query_count_does_not_grow_with_the_data(client, programme, supporters, advisors):
    client.get("/opendata/")  # content types cached
    with CaptureQueriesContext(connection) as few:
        client.get("/opendata/")
    for _number in range(10):
        SessionFactory(offering=ExperienceEventFactory())
        SessionFactory(offering=SeminarFactory())
        FactoryTourFactory()
        SupporterCompanyFactory()
    for number in range(50, 60):
        make_advisor(number)
    with CaptureQueriesContext(connection) as many:
        client.get("/opendata/")
    assert len(many.captured_queries) == len(few.captured_queries)


# --- Nothing personal in any file ---------------------------------------------------------------------------


PERSONAL = [
    "漏洩太郎",
    "ロウエイタロウ",
    "leak-participant@private.example.jp",
    "090-7777-1234",
    "漏洩小学校",
    "参加者の秘密のメッセージ",
    "秘密先生",
    "leak-teacher@private.example.jp",
    "090-8888-5678",
    "秘密中学校",
    "秘密顧問",
    "ヒミツコモン",
    "advisor-secret",
    "0155-88-",
    "帯広市秘密町",
    "秘密重工",
    "秘密担当者",
    "private-contact",
    "0157-99-",
]


@pytest.fixture
def personal_data(programme, supporters, advisors):
    """Everything personal the portal holds next to the published data: sign-ups, a tour request, advisors'
    and supporters' contacts (the last two come with the supporters and advisors fixtures)."""
    for session in (programme["event"], programme["seminar"]):
        booking_services.register(
            session=session,
            data={
                "kind": "family",
                "contact_name": "漏洩太郎",
                "contact_kana": "ロウエイタロウ",
                "email": "leak-participant@private.example.jp",
                "phone": "090-7777-1234",
                "school_name": "漏洩小学校",
                "children_grades": ["e5"],
                "adults": 1,
                "message": "参加者の秘密のメッセージ",
            },
        )
    enquiry_services.submit_enquiry(
        kind=EnquiryKind.TOUR,
        subject=programme["tour"],
        data={
            "school_name": "秘密中学校",
            "teacher_name": "秘密先生",
            "email": "leak-teacher@private.example.jp",
            "phone": "090-8888-5678",
            "grade": "中学2年",
            "pupils": 38,
            "adults": 3,
            "preferred_date_1": timezone.localdate() + dt.timedelta(days=30),
            "preferred_date_2": None,
            "preferred_date_3": None,
            "coming_by_bus": True,
            "message": "よろしくお願いします",
        },
        base_url="http://testserver",
        language="ja",
    )


def test_nothing_personal_in_any_dataset_file_or_page(client, personal_data):
    paths = ["/opendata/", "/en/opendata/", "/map/features.geojson", "/en/map/features.geojson", "/calendar.ics"]
    for slug, dataset in opendata.datasets().items():
        paths.append(f"/opendata/{slug}/")
        with translation.override("ja"):
            paths.extend(fmt.path(slug) for fmt in dataset.formats)
    assert {"/opendata/events.csv", "/opendata/advisors.json", "/calendar.ics"} <= set(paths)
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        text = response.content.decode("utf-8-sig").replace("\r\n ", "")  # iCalendar folds long lines
        for value in PERSONAL:
            assert value not in text, (path, value)
    # the data that could leak is there, and the files are not empty
    assert len(read_csv(client.get("/opendata/events.csv"))) == 3
    assert len(read_csv(client.get("/opendata/advisors.csv"))) == 3
