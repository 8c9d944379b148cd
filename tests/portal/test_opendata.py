"""/opendata/: the published tours as CSV (観光施設一覧 layout) and JSON, the pages that document them."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from portal.choices import EnquiryKind, FeeKind, ListingStatus
from portal.enquiries import services
from tests.factories import FactoryTourFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

HEADER = [
    "全国地方公共団体コード",
    "法人番号",
    "ID",
    "地方公共団体名",
    "名称",
    "名称_カナ",
    "名称_英語",
    "POIコード",
    "住所",
    "方書",
    "緯度",
    "経度",
    "利用可能曜日",
    "開始時間",
    "終了時間",
    "利用可能日時特記事項",
    "料金（基本）",
    "料金（詳細）",
    "説明",
    "説明_英語",
    "アクセス方法",
    "駐車場情報",
    "バリアフリー情報",
    "連絡先名称",
    "連絡先電話番号",
    "連絡先内線番号",
    "画像",
    "画像_ライセンス",
    "URL",
    "備考",
    "受入人数（最少）",
    "受入人数（最多）",
    "受入月",
    "業種",
    "対象",
    "情報確認日",
    "提供機関",
]


@pytest.fixture
def tours():
    full = FactoryTourFactory(
        name="溶接ロボット工場",
        name_kana="ようせつろぼっとこうじょう",
        name_en="Welding Robot Factory",
        company_name="北見溶接工業株式会社",
        provider=OrganisationFactory(name="オホーツク総合振興局"),
        municipality_code="012084",  # 北見市
        address="北見市本町1丁目2-3",
        latitude=Decimal("43.804100"),
        longitude=Decimal("143.894500"),
        industry="machinery",
        audiences=["junior_high", "high_school"],
        description="溶接ロボットの実演を見学します",
        duration_minutes=90,
        group_min=5,
        group_max=40,
        months=[5, 6, 7, 8, 9, 10],
        weekdays=[0, 1, 2, 3, 4],
        lead_time_days=14,
        reservation_required=True,
        fee_kind=FeeKind.PAID,
        fee_amount=1500,
        fee_note="材料費込み",
        bus_parking=True,
        wheelchair_access=False,
        winter_note="12月〜3月は要相談",
        phone="0157-00-0000",
        website="https://example.jp/weld",
        confirmed_on=dt.date(2026, 9, 1),
    )
    approximate = FactoryTourFactory(
        name="チーズ工房",
        name_kana="ちーず こうぼう",
        municipality_code="016373",  # 芽室町
        fee_kind=FeeKind.FREE,
        is_demo=True,
    )
    FactoryTourFactory(name="下書きの工場", status=ListingStatus.DRAFT)
    FactoryTourFactory(name="公開終了の工場", status=ListingStatus.ARCHIVED)
    FactoryTourFactory(name="審査待ちの工場", status=ListingStatus.PENDING_REVIEW)
    return {"full": full, "approximate": approximate}


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def rows_by_id(response) -> dict[str, dict[str, str]]:
    header, *rows = read_csv(response)
    return {row[2]: dict(zip(header, row, strict=True)) for row in rows}


def test_csv_is_utf8_with_bom_crlf_and_an_attachment(client, tours):
    response = client.get("/opendata/factory_tours.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert response.content.count(b"\r\n") == 3  # header + 2 rows
    assert response.content.count(b"\n") == 3
    stamp = timezone.localdate().strftime("%Y%m%d")
    assert response["Content-Disposition"] == f'attachment; filename="factory_tours_{stamp}.csv"'


def test_csv_header_follows_the_standard_then_the_documented_extras(client, tours):
    assert read_csv(client.get("/opendata/factory_tours.csv"))[0] == HEADER


def test_one_row_per_published_tour_only(client, tours):
    rows = rows_by_id(client.get("/opendata/factory_tours.csv"))
    assert sorted(rows) == sorted([f"tour-{tours['full'].pk}", f"tour-{tours['approximate'].pk}"])


def test_values_of_a_fully_filled_tour(client, tours):
    tour = tours["full"]
    row = rows_by_id(client.get("/opendata/factory_tours.csv"))[f"tour-{tour.pk}"]
    assert row == {
        "全国地方公共団体コード": "012084",
        "法人番号": "",
        "ID": f"tour-{tour.pk}",
        "地方公共団体名": "北海道北見市",
        "名称": "溶接ロボット工場",
        "名称_カナ": "ヨウセツロボットコウジョウ",
        "名称_英語": "Welding Robot Factory",
        "POIコード": "",
        "住所": "北見市本町1丁目2-3",
        "方書": "",
        "緯度": "43.804100",
        "経度": "143.894500",
        "利用可能曜日": "月火水木金",
        "開始時間": "",
        "終了時間": "",
        "利用可能日時特記事項": "要予約。14日前までに申込み。所要時間90分。冬期: 12月〜3月は要相談",
        "料金（基本）": "有料",
        "料金（詳細）": "1,500円（材料費込み）",
        "説明": "溶接ロボットの実演を見学します",
        "説明_英語": "",
        "アクセス方法": "",
        "駐車場情報": "大型バス駐車可",
        "バリアフリー情報": "車椅子での参加不可",
        "連絡先名称": "北見溶接工業株式会社",
        "連絡先電話番号": "0157-00-0000",
        "連絡先内線番号": "",
        "画像": "",
        "画像_ライセンス": "",
        "URL": f"http://testserver/tours/{tour.pk}/",
        "備考": "",
        "受入人数（最少）": "5",
        "受入人数（最多）": "40",
        "受入月": "5-10",
        "業種": "機械",
        "対象": "中学生、高校生",
        "情報確認日": "2026-09-01",
        "提供機関": "オホーツク総合振興局",
    }


def test_approximate_tour_has_no_coordinates_katakana_reading_and_demo_flag(client, tours):
    row = rows_by_id(client.get("/opendata/factory_tours.csv"))[f"tour-{tours['approximate'].pk}"]
    assert (row["緯度"], row["経度"]) == ("", "")
    assert row["名称_カナ"] == "チーズ コウボウ"
    assert row["地方公共団体名"] == "北海道芽室町"
    assert row["全国地方公共団体コード"] == "016373"
    assert row["利用可能曜日"] == "月火水木金土日"  # any day
    assert (row["料金（基本）"], row["料金（詳細）"]) == ("無料", "")
    assert (row["駐車場情報"], row["バリアフリー情報"]) == ("", "")
    assert row["受入月"] == "通年"
    assert row["備考"].startswith("デモデータ")


def test_urls_point_at_the_japanese_pages_even_from_english(client, tours):
    tour = tours["full"]
    row = rows_by_id(client.get("/en/opendata/factory_tours.csv"))[f"tour-{tour.pk}"]
    assert row["URL"] == f"http://testserver/tours/{tour.pk}/"


def test_json_has_the_same_content_as_the_csv(client, tours):
    header, *rows = read_csv(client.get("/opendata/factory_tours.csv"))
    response = client.get("/opendata/factory_tours.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    document = response.json()
    assert document["columns"] == header
    assert document["items"] == [dict(zip(header, row, strict=True)) for row in rows]
    assert document["licence"]["name"] == "CC BY 4.0"
    assert document["licence"]["url"] == "https://creativecommons.org/licenses/by/4.0/deed.ja"
    assert document["licence"]["attribution"] == "北海道次世代ものづくり人材育成ワーキンググループ"
    assert document["dataset"]["slug"] == "factory_tours"


def test_last_updated_is_the_newest_change_among_published_tours(client, tours):
    from programmes.models import FactoryTour

    FactoryTour.objects.filter(pk=tours["full"].pk).update(updated_at=dt.datetime(2026, 11, 25, 16, 0, tzinfo=dt.UTC))
    FactoryTour.objects.filter(pk=tours["approximate"].pk).update(
        updated_at=dt.datetime(2026, 10, 1, 0, 0, tzinfo=dt.UTC)
    )
    FactoryTour.objects.exclude(status=ListingStatus.PUBLISHED).update(
        updated_at=dt.datetime(2027, 1, 1, 0, 0, tzinfo=dt.UTC)
    )
    assert client.get("/opendata/factory_tours.json").json()["last_updated"] == "2026-11-26"  # Tokyo date
    response = client.get("/opendata/factory_tours.csv")
    assert response["Content-Disposition"] == 'attachment; filename="factory_tours_20261126.csv"'


def test_no_personal_data_from_enquiries(client, tours):
    services.submit_enquiry(
        kind=EnquiryKind.TOUR,
        subject=tours["full"],
        data={
            "school_name": "北見市立テスト中学校",
            "teacher_name": "山田花子",
            "email": "hanako@school.example.jp",
            "phone": "090-1111-2222",
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
    for path in (
        "/opendata/factory_tours.csv",
        "/opendata/factory_tours.json",
        "/opendata/",
        "/opendata/factory_tours/",
    ):
        text = client.get(path).content.decode()
        for personal in ("山田花子", "hanako@school.example.jp", "090-1111-2222", "北見市立テスト中学校"):
            assert personal not in text, (path, personal)


def test_query_count_is_constant(client, django_assert_max_num_queries):
    FactoryTourFactory.create_batch(3)
    with django_assert_max_num_queries(2):
        client.get("/opendata/factory_tours.csv")
    FactoryTourFactory.create_batch(40)
    with django_assert_max_num_queries(2):
        assert len(read_csv(client.get("/opendata/factory_tours.csv"))) == 44
    with django_assert_max_num_queries(2):
        assert len(client.get("/opendata/factory_tours.json").json()["items"]) == 43
    with django_assert_max_num_queries(1):
        assert client.get("/opendata/factory_tours/").context["summary"].count == 43


PAGE_TEXTS = ["CC BY 4.0", "北海道次世代ものづくり人材育成ワーキンググループ", "国土数値情報", "観光施設一覧"]


@pytest.mark.parametrize(("path", "language"), [("/opendata/", "ja"), ("/en/opendata/", "en")])
def test_page_lists_the_dataset_with_downloads_and_its_dictionary(client, tours, path, language):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}"' in html
    prefix = "/en" if language == "en" else ""
    assert f'href="{prefix}/opendata/factory_tours.csv"' in html
    assert f'href="{prefix}/opendata/factory_tours.json"' in html
    assert f'href="{prefix}/opendata/factory_tours/"' in html
    for text in PAGE_TEXTS:
        assert text in html, text
    [entry] = [entry for entry in response.context["entries"] if entry["dataset"].slug == "factory_tours"]
    assert entry["summary"].count == 2


@pytest.mark.parametrize(
    ("path", "language"), [("/opendata/factory_tours/", "ja"), ("/en/opendata/factory_tours/", "en")]
)
def test_dictionary_page_lists_every_column_with_licence_and_downloads(client, tours, path, language):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}"' in html
    prefix = "/en" if language == "en" else ""
    assert f'href="{prefix}/opendata/factory_tours.csv"' in html
    assert f'href="{prefix}/opendata/factory_tours.json"' in html
    assert "<code>http://testserver/opendata/factory_tours.csv</code>" in html  # the stable address
    for text in PAGE_TEXTS:
        assert text in html, text
    for name in HEADER:
        assert f'<th scope="row" lang="ja">{name}</th>' in html
    assert response.context["summary"].count == 2


@pytest.mark.parametrize(
    "path", ["/opendata/nothing.csv", "/opendata/nothing.json", "/en/opendata/nothing.csv", "/opendata/nothing/"]
)
def test_unknown_dataset_is_404(client, path):
    assert client.get(path).status_code == 404
