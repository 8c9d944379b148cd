"""Export of factory tours in the Japanese layout, and export → import giving the same data back."""

import codecs
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from portal.choices import Audience, FeeKind, Industry, ListingStatus
from portal.importing import CSVFormat, XLSXFormat
from portal.models import Municipality
from programmes.models import FactoryTour
from programmes.resources import COLUMNS, FactoryTourResource
from tests.factories import OrganisationFactory
from tests.programmes.factories import FactoryTourFactory, tour_snapshot

pytestmark = pytest.mark.django_db

EXPORT_URL = "admin:programmes_factorytour_export"


def varied_tours() -> list[FactoryTour]:
    """Tours that use every column and the awkward cases of each format."""
    provider = OrganisationFactory()
    return [
        FactoryTourFactory(
            name="北見ハッカ記念工場",
            name_kana="キタミハッカキネンコウジョウ",
            company_name="北見ハッカ通商株式会社",
            provider=provider,
            municipality=Municipality.objects.get(code="012084"),
            address="北見市本町1丁目",
            postcode="090-0001",
            latitude=Decimal("43.804000"),
            longitude=Decimal("143.895000"),
            industry=Industry.FOOD,
            audiences=[Audience.ELEMENTARY, Audience.JUNIOR_HIGH],
            description='ハッカ油の蒸留を見学します。\n"ハッカ飴"づくり、体験あり。',
            duration_minutes=60,
            group_min=10,
            group_max=40,
            months=[4, 5, 6, 7, 8, 9, 10],
            weekdays=[0, 1, 2, 3, 4],
            lead_time_days=14,
            fee_kind=FeeKind.PAID,
            fee_amount=500,
            reservation_required=True,
            bus_parking=True,
            wheelchair_access=False,
            winter_note="冬期は駐車場が狭くなります",
            phone="0157-00-0000",
            website="https://example.jp/hakka",
            status=ListingStatus.PUBLISHED,
            confirmed_on=dt.date(2026, 4, 1),
        ),
        FactoryTourFactory(
            name="苫小牧製紙工場",
            provider=provider,
            municipality=Municipality.objects.get(code="012131"),
            industry=Industry.PAPER,
            audiences=[Audience.UNIVERSITY, Audience.GENERAL],
            months=[1, 2, 3, 11, 12],
            weekdays=[0, 2, 4],
            fee_kind=FeeKind.FREE,
            status=ListingStatus.ARCHIVED,
        ),
        FactoryTourFactory(
            name="札幌電子工場",
            provider=provider,
            municipality=Municipality.objects.get(code="011011"),
            industry=Industry.ELECTRONICS,
            description="=SUM(A1) は数式ではなく文字です",
            fee_kind=FeeKind.PAID,
            reservation_required=False,
            status=ListingStatus.DRAFT,
        ),
        FactoryTourFactory(
            name="十勝ワイン城",
            provider=provider,
            municipality=Municipality.objects.get(code="016446"),
            industry=Industry.BREWING,
            months=[7],
            weekdays=[5, 6],
            fee_kind=FeeKind.UNKNOWN,
            status=ListingStatus.PENDING_REVIEW,
        ),
    ]


def stored() -> list[dict]:
    return [tour_snapshot(tour) for tour in FactoryTour.objects.select_related("provider").order_by("name")]


def test_export_writes_the_japanese_headers_and_human_values():
    tour = varied_tours()[0]
    dataset = FactoryTourResource().export(FactoryTour.objects.filter(pk=tour.pk))
    assert dataset.headers == list(COLUMNS.values())
    assert dict(zip(dataset.headers, dataset[0], strict=True)) == {
        "ID": str(tour.pk),
        "状態": "公開中",
        "施設名": "北見ハッカ記念工場",
        "施設名カナ": "キタミハッカキネンコウジョウ",
        "企業・団体名": "北見ハッカ通商株式会社",
        "提供機関": tour.provider.name,
        "市町村": "北見市",
        "住所": "北見市本町1丁目",
        "郵便番号": "090-0001",
        "緯度": "43.804000",
        "経度": "143.895000",
        "業種": "食品",
        "対象": "小学生、中学生",
        "見学内容": 'ハッカ油の蒸留を見学します。\n"ハッカ飴"づくり、体験あり。',
        "所要時間（分）": "60",
        "受入人数（最少）": "10",
        "受入人数（最多）": "40",
        "受入月": "4-10",
        "受入曜日": "月〜金",
        "申込期限（日前）": "14",
        "料金": "500円",
        "予約": "要",
        "大型バス駐車場": "可",
        "車椅子": "不可",
        "冬期の注意": "冬期は駐車場が狭くなります",
        "電話": "0157-00-0000",
        "ウェブサイト": "https://example.jp/hakka",
        "情報確認日": "2026-04-01",
    }


def test_export_writes_blank_and_list_values_readably():
    varied_tours()
    dataset = FactoryTourResource().export()
    rows = sorted((dict(zip(dataset.headers, row, strict=True)) for row in dataset), key=lambda row: row["施設名"])
    picked = [
        (row["施設名"], row["状態"], row["業種"], row["対象"], row["受入月"], row["受入曜日"], row["料金"], row["予約"])
        for row in rows
    ]
    assert picked == [
        ("北見ハッカ記念工場", "公開中", "食品", "小学生、中学生", "4-10", "月〜金", "500円", "要"),
        ("十勝ワイン城", "審査待ち", "醸造", "", "7", "土・日", "", ""),
        ("札幌電子工場", "下書き", "電子・電機", "", "通年", "", "有料", "不要"),
        ("苫小牧製紙工場", "公開終了", "紙・パルプ", "高専・大学生、一般・若者", "1-3,11-12", "月・水・金", "無料", ""),
    ]


def test_csv_export_is_utf8_with_a_bom_for_excel():
    varied_tours()
    data = CSVFormat().export_data(FactoryTourResource().export())
    assert data.startswith(codecs.BOM_UTF8 + "ID,状態,施設名,施設名カナ,".encode())
    assert data.count(b"\r\n") == 5  # the header and 4 tours, as Excel ends its lines
    assert '"ハッカ油の蒸留を見学します。\n""ハッカ飴""づくり、体験あり。"'.encode() in data


def test_xlsx_export_keeps_text_that_looks_like_a_formula_as_text():
    varied_tours()
    data = XLSXFormat().export_data(FactoryTourResource().export())
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    name, description = list(COLUMNS).index("name"), list(COLUMNS).index("description")
    cell = next(row[description] for row in sheet.iter_rows() if row[name].value == "札幌電子工場")
    assert (cell.value, cell.data_type) == ("=SUM(A1) は数式ではなく文字です", "s")


@pytest.mark.parametrize("file_format", [CSVFormat, XLSXFormat], ids=["csv", "xlsx"])
def test_export_then_import_gives_the_same_data_back(file_format):
    varied_tours()
    before = stored()
    data = file_format().export_data(FactoryTourResource().export())
    FactoryTour.objects.all().delete()

    dataset = file_format().create_dataset(data)
    del dataset["ID"]  # the tours are gone: import them as new ones
    result = FactoryTourResource(can_publish=True).import_data(dataset)

    assert result.messages() == []
    assert result.counts() == {"new": 4, "update": 0, "skip": 0}
    assert stored() == before


@pytest.mark.parametrize("file_format", [CSVFormat, XLSXFormat], ids=["csv", "xlsx"])
def test_importing_an_unchanged_export_changes_nothing(file_format):
    tours = varied_tours()
    data = file_format().export_data(FactoryTourResource().export())
    result = FactoryTourResource(can_publish=True).import_data(file_format().create_dataset(data))
    assert result.messages() == []
    assert result.counts() == {"new": 0, "update": 0, "skip": 4}
    assert [tour.history.count() for tour in tours] == [1, 1, 1, 1]


def test_an_edited_export_updates_only_what_changed():
    tours = varied_tours()
    dataset = CSVFormat().create_dataset(CSVFormat().export_data(FactoryTourResource().export()))
    row = next(index for index, values in enumerate(dataset) if values[0] == str(tours[1].pk))
    values = list(dataset[row])
    values[dataset.headers.index("受入人数（最多）")] = "35"
    dataset[row] = values
    result = FactoryTourResource(can_publish=True).import_data(dataset)
    assert result.counts() == {"new": 0, "update": 1, "skip": 3}
    tours[1].refresh_from_db()
    assert tours[1].group_max == 35


def export_through_admin(client) -> str:
    fields = {f"factorytourresource_{key}": "on" for key in COLUMNS}
    response = client.post(reverse(EXPORT_URL), {"resource": "0", "format": "0", **fields})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return response.content.decode("utf-8-sig")


def test_secretariat_exports_every_tour_from_the_admin(client, secretariat_user):
    tours = varied_tours()
    client.force_login(secretariat_user)
    lines = export_through_admin(client).splitlines()
    assert lines[0] == ",".join(COLUMNS.values())
    assert sorted(line.split(",")[0] for line in lines[1:] if line[:1].isdigit()) == sorted(
        str(tour.pk) for tour in tours
    )


def test_partner_editor_exports_only_their_own_organisations_tours(client, partner_editor):
    varied_tours()  # another organisation's tours: must not leak
    own = FactoryTourFactory(name="自機関の工場", provider=partner_editor.organisation)
    client.force_login(partner_editor)
    text = export_through_admin(client)
    assert text.splitlines()[1].split(",")[:3] == [str(own.pk), "公開中", "自機関の工場"]
    assert len(text.splitlines()) == 2
    assert "北見ハッカ記念工場" not in text
