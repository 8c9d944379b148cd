"""Import of factory tours: files in each encoding, values as people type them, bad rows, who may do what,
the admin's preview and confirm, and ``manage.py import_tours``."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from portal.choices import Audience, FeeKind, Industry, ListingStatus
from portal.importing import (
    AUDIENCE_LABELS_JA,
    INDUSTRY_LABELS_JA,
    LISTING_STATUS_LABELS_JA,
    ImportFileError,
    read_csv,
    read_upload,
)
from portal.models import Organisation
from programmes.management.commands.import_tours import Command as ImportToursCommand
from programmes.models import FactoryTour
from programmes.resources import COLUMNS, FactoryTourResource
from tests.factories import OrganisationFactory, UserFactory
from tests.programmes.factories import GOOD_ROW, FactoryTourFactory, csv_bytes, tour_snapshot

pytestmark = pytest.mark.django_db

FILES = Path(__file__).parent / "files"
IMPORT_URL = "admin:programmes_factorytour_import"
CONFIRM_URL = "admin:programmes_factorytour_process_import"


def ja(message: str) -> str:
    """An English msgid as the Japanese portal shows it (itself until the catalogue translates it)."""
    with translation.override("ja"):
        return translation.gettext(message)


def shown_messages(response) -> list[str]:
    with translation.override("ja"):
        return [str(message) for message in response.context["messages"]]


def import_tours(path: Path, *args: str) -> None:
    """manage.py import_tours, in the portal's language."""
    with translation.override("ja"):
        call_command("import_tours", str(path), *args)


COUNTS = {"new": 3, "update": 0, "skip": 0}


def import_rows(rows: list[dict], **options):
    resource = FactoryTourResource(**{"can_publish": True, **options})
    return resource.import_data(read_csv(csv_bytes(rows)))


def import_one(cells: dict, **options) -> FactoryTour:
    result = import_rows([{**GOOD_ROW, **cells}], **options)
    assert result.messages() == []
    return FactoryTour.objects.get()


# The three tours of tests/programmes/files/tours_* (the same in every encoding), as stored.
EXPECTED_TOURS = [
    {
        "name": "北見ハッカ記念工場",
        "name_kana": "キタミハッカキネンコウジョウ",
        "company_name": "北見ハッカ通商株式会社",
        "provider": "北海道経済産業局",
        "municipality": "012084",
        "address": "北見市本町1丁目",
        "postcode": "090-0001",
        "latitude": Decimal("43.804000"),
        "longitude": Decimal("143.895000"),
        "industry": Industry.FOOD,
        "audiences": [Audience.ELEMENTARY, Audience.JUNIOR_HIGH],
        "description": "ハッカ油の蒸留を見学します。\n見学後にハッカ飴づくり体験があります。",
        "duration_minutes": 60,
        "group_min": 10,
        "group_max": 40,
        "months": [4, 5, 6, 7, 8, 9, 10],
        "weekdays": [0, 1, 2, 3, 4],
        "lead_time_days": 14,
        "fee_kind": FeeKind.FREE,
        "fee_amount": None,
        "reservation_required": True,
        "bus_parking": True,
        "wheelchair_access": False,
        "winter_note": "冬期は駐車場が狭くなります",
        "phone": "0157-00-0000",
        "website": "https://example.jp/hakka",
        "status": ListingStatus.PUBLISHED,
        "confirmed_on": dt.date(2026, 4, 1),
        "is_demo": False,
    },
    {
        "name": "苫小牧 製紙工場",
        "name_kana": "",
        "company_name": "北洋製紙株式会社",
        "provider": "北海道経済産業局",
        "municipality": "012131",
        "address": "苫小牧市 港町1-1",
        "postcode": "053-0001",
        "latitude": None,
        "longitude": None,
        "industry": Industry.PAPER,
        "audiences": [Audience.UNIVERSITY, Audience.GENERAL],
        "description": "",
        "duration_minutes": 90,
        "group_min": 1,
        "group_max": 100,
        "months": [4, 5, 6, 7, 8, 9, 10],
        "weekdays": [0, 1, 2, 3, 4],
        "lead_time_days": 7,
        "fee_kind": FeeKind.PAID,
        "fee_amount": 500,
        "reservation_required": True,
        "bus_parking": True,
        "wheelchair_access": False,
        "winter_note": "",
        "phone": "0144-00-0000",
        "website": "",
        "status": ListingStatus.PENDING_REVIEW,
        "confirmed_on": dt.date(2026, 4, 1),
        "is_demo": False,
    },
    {
        "name": "十勝ワイン城",
        "name_kana": "",
        "company_name": "池田町",
        "provider": "北海道経済産業局",
        "municipality": "016446",
        "address": "",
        "postcode": "",
        "latitude": None,
        "longitude": None,
        "industry": Industry.BREWING,
        "audiences": [],
        "description": "",
        "duration_minutes": None,
        "group_min": None,
        "group_max": None,
        "months": [],
        "weekdays": [5, 6],
        "lead_time_days": None,
        "fee_kind": FeeKind.UNKNOWN,
        "fee_amount": None,
        "reservation_required": False,
        "bus_parking": None,
        "wheelchair_access": None,
        "winter_note": "",
        "phone": "",
        "website": "",
        "status": ListingStatus.DRAFT,
        "confirmed_on": dt.date(2026, 4, 1),
        "is_demo": False,
    },
]
GOOD_FILES = [
    ("tours_utf8.csv", "0"),
    ("tours_utf8_bom.csv", "0"),
    ("tours_cp932.csv", "0"),
    ("tours.xlsx", "1"),
]


def stored_tours() -> list[dict]:
    return [tour_snapshot(tour) for tour in FactoryTour.objects.select_related("provider").order_by("pk")]


# --- The admin pages ----------------------------------------------------------------------------------------


def test_the_changelist_offers_import_and_export(client, secretariat_user):
    client.force_login(secretariat_user)
    response = client.get(reverse("admin:programmes_factorytour_changelist"))
    assert response.status_code == 200
    assert (response.context["has_import_permission"], response.context["has_export_permission"]) == (True, True)


def test_the_import_page_lists_the_japanese_columns(client, partner_editor):
    client.force_login(partner_editor)
    response = client.get(reverse(IMPORT_URL))
    assert response.status_code == 200
    assert response.context["fields_list"][0][1] == list(COLUMNS.values())


def test_staff_who_may_only_view_tours_cannot_import(client, organisation):
    viewer = UserFactory(is_staff=True, organisation=organisation)
    viewer.user_permissions.add(Permission.objects.get(codename="view_factorytour"))
    client.force_login(viewer)
    assert client.get(reverse(IMPORT_URL)).status_code == 403
    assert client.get(reverse("admin:programmes_factorytour_export")).status_code == 200


# --- Good files, in each encoding, through the admin: preview, then confirm ---------------------------


@pytest.mark.parametrize(("file_name", "file_format"), GOOD_FILES)
def test_admin_previews_then_imports_a_good_file(client, secretariat_user, file_name, file_format):
    client.force_login(secretariat_user)
    with (FILES / file_name).open("rb") as file:
        response = client.post(reverse(IMPORT_URL), {"resource": "0", "format": file_format, "import_file": file})
    assert response.status_code == 200
    result = response.context["result"]
    assert result.messages() == []
    assert [row.import_type for row in result.valid_rows()] == ["new", "new", "new"]
    assert FactoryTour.objects.count() == 0  # the preview writes nothing

    confirm = response.context["confirm_form"]
    response = client.post(reverse(CONFIRM_URL), confirm.initial)
    assert response.status_code == 302
    assert response.url == reverse("admin:programmes_factorytour_changelist")
    assert stored_tours() == EXPECTED_TOURS


@pytest.mark.parametrize(("file_name", "_format"), GOOD_FILES)
def test_each_file_reads_into_the_same_rows(file_name, _format):
    dataset = read_upload((FILES / file_name).read_bytes(), file_name=file_name)
    assert dataset.headers[:3] == ["施設名", "市町村", "業種"]
    assert [row[0] for row in dataset] == ["北見ハッカ記念工場", "　苫小牧　製紙工場 ", "十勝ワイン城"]


def test_a_file_neither_utf8_nor_shift_jis_gets_a_japanese_error_in_the_admin(client, secretariat_user):
    client.force_login(secretariat_user)
    with (FILES / "undecodable.csv").open("rb") as file:
        response = client.post(reverse(IMPORT_URL), {"resource": "0", "format": "0", "import_file": file})
    assert response.status_code == 200
    assert response.context["form"].errors["import_file"] == [
        "ファイルの文字コードを判別できません。UTF-8、または Excel の「CSV（コンマ区切り）」（Shift_JIS）で"
        "保存し直してください"
    ]
    assert "confirm_form" not in response.context


def test_utf8_with_a_broken_byte_is_reported_as_such():
    data = csv_bytes([GOOD_ROW, {**GOOD_ROW, "施設名": "壊れた工場"}]).replace("壊".encode(), b"\xe5\xa3")
    with pytest.raises(ImportFileError) as error:
        read_csv(data)
    assert error.value.messages == [
        "3行目に UTF-8 として読めない文字があります。ファイルが壊れていないか確認してください"
    ]


def test_an_excel_book_chosen_as_csv_is_reported():
    with pytest.raises(ImportFileError) as error:
        read_csv((FILES / "tours.xlsx").read_bytes())
    assert error.value.messages == ["このファイルは Excel ブック（.xlsx）です。形式に xlsx を選んでください"]


def test_a_header_only_file_is_reported():
    with pytest.raises(ImportFileError) as error:
        read_csv("施設名,市町村\r\n".encode())
    assert error.value.messages == ["見出し行（1行目）の下にデータがありません"]


def test_values_beyond_the_header_are_reported():
    with pytest.raises(ImportFileError) as error:
        read_csv("施設名,市町村\r\nA,札幌市\r\nB,札幌市,余計\r\n".encode())
    assert error.value.messages == ["3行目: 見出しのない列に値があります"]


# --- Values as people type them: one test per format --------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "field", "expected"),
    [
        ({"市町村": "札幌市"}, "municipality_id", "011002"),
        ({"市町村": "札幌市中央区"}, "municipality_id", "011011"),
        ({"市町村": "中央区"}, "municipality_id", "011011"),
        ({"市町村": "011002"}, "municipality_id", "011002"),
        ({"市町村": "０１２０８４"}, "municipality_id", "012084"),
        ({"市町村": "01208"}, "municipality_id", "012084"),
        ({"市町村": "北海道余市郡余市町"}, "municipality_id", "014087"),
        ({"市町村": " 北見市　"}, "municipality_id", "012084"),
        ({"業種": "醸造"}, "industry", Industry.BREWING),
        ({"業種": "brewing"}, "industry", Industry.BREWING),
        ({"業種": "ＢＲＥＷＩＮＧ"}, "industry", Industry.BREWING),
        ({"業種": "紙・パルプ"}, "industry", Industry.PAPER),
        ({"業種": "電子・電機"}, "industry", Industry.ELECTRONICS),
        ({"業種": "酒造"}, "industry", Industry.BREWING),
        ({"対象": "小学生、中学生"}, "audiences", [Audience.ELEMENTARY, Audience.JUNIOR_HIGH]),
        ({"対象": "中学生,小学生"}, "audiences", [Audience.ELEMENTARY, Audience.JUNIOR_HIGH]),
        ({"対象": "高専・大学生・一般・若者"}, "audiences", [Audience.UNIVERSITY, Audience.GENERAL]),
        ({"対象": "小学生/保護者"}, "audiences", [Audience.ELEMENTARY, Audience.PARENT]),
        ({"対象": "teacher、high_school"}, "audiences", [Audience.HIGH_SCHOOL, Audience.TEACHER]),
        ({"対象": "大学生・教員"}, "audiences", [Audience.UNIVERSITY, Audience.TEACHER]),
        ({"対象": ""}, "audiences", []),
        ({"受入月": "通年"}, "months", []),
        ({"受入月": "4-10"}, "months", [4, 5, 6, 7, 8, 9, 10]),
        ({"受入月": "4～10月"}, "months", [4, 5, 6, 7, 8, 9, 10]),
        ({"受入月": "4月〜10月"}, "months", [4, 5, 6, 7, 8, 9, 10]),
        ({"受入月": "5,6,7"}, "months", [5, 6, 7]),
        ({"受入月": "５・６月"}, "months", [5, 6]),
        ({"受入月": "11-3"}, "months", [1, 2, 3, 11, 12]),
        ({"受入月": "1-12"}, "months", []),
        ({"受入曜日": "月〜金"}, "weekdays", [0, 1, 2, 3, 4]),
        ({"受入曜日": "月～金"}, "weekdays", [0, 1, 2, 3, 4]),
        ({"受入曜日": "平日"}, "weekdays", [0, 1, 2, 3, 4]),
        ({"受入曜日": "土日"}, "weekdays", [5, 6]),
        ({"受入曜日": "土日祝"}, "weekdays", [5, 6]),
        ({"受入曜日": "月・水・金"}, "weekdays", [0, 2, 4]),
        ({"受入曜日": "火曜日"}, "weekdays", [1]),
        ({"受入曜日": "金〜月"}, "weekdays", [0, 4, 5, 6]),
        ({"受入曜日": "毎日"}, "weekdays", []),
        ({"大型バス駐車場": "可"}, "bus_parking", True),
        ({"大型バス駐車場": "不可"}, "bus_parking", False),
        ({"大型バス駐車場": "有"}, "bus_parking", True),
        ({"大型バス駐車場": "無"}, "bus_parking", False),
        ({"大型バス駐車場": "あり"}, "bus_parking", True),
        ({"大型バス駐車場": "なし"}, "bus_parking", False),
        ({"大型バス駐車場": "○"}, "bus_parking", True),
        ({"大型バス駐車場": "×"}, "bus_parking", False),
        ({"大型バス駐車場": "yes"}, "bus_parking", True),
        ({"大型バス駐車場": "No"}, "bus_parking", False),
        ({"大型バス駐車場": "1"}, "bus_parking", True),
        ({"大型バス駐車場": "０"}, "bus_parking", False),
        ({"大型バス駐車場": ""}, "bus_parking", None),
        ({"予約": "要"}, "reservation_required", True),
        ({"予約": "不要"}, "reservation_required", False),
        ({"車椅子": "◯"}, "wheelchair_access", True),
        ({"料金": "無料"}, "fee", (FeeKind.FREE, None)),
        ({"料金": "有料"}, "fee", (FeeKind.PAID, None)),
        ({"料金": "500"}, "fee", (FeeKind.PAID, 500)),
        ({"料金": "５００円"}, "fee", (FeeKind.PAID, 500)),
        ({"料金": "1,200円"}, "fee", (FeeKind.PAID, 1200)),
        ({"料金": "0円"}, "fee", (FeeKind.FREE, None)),
        ({"料金": ""}, "fee", (FeeKind.UNKNOWN, None)),
        ({"情報確認日": "2026-04-01"}, "confirmed_on", dt.date(2026, 4, 1)),
        ({"情報確認日": "2026/4/1"}, "confirmed_on", dt.date(2026, 4, 1)),
        ({"情報確認日": "令和8年4月1日"}, "confirmed_on", dt.date(2026, 4, 1)),
        ({"情報確認日": "令和元年5月1日"}, "confirmed_on", dt.date(2019, 5, 1)),
        ({"情報確認日": "平成31年4月30日"}, "confirmed_on", dt.date(2019, 4, 30)),
        ({"情報確認日": "２０２６年４月１日"}, "confirmed_on", dt.date(2026, 4, 1)),
        ({"情報確認日": ""}, "confirmed_on", None),
        ({"所要時間（分）": "９０"}, "duration_minutes", 90),
        ({"所要時間（分）": "約60分"}, "duration_minutes", 60),
        ({"所要時間（分）": "1時間30分"}, "duration_minutes", 90),
        ({"申込期限（日前）": "7日前"}, "lead_time_days", 7),
        ({"申込期限（日前）": "1週間前"}, "lead_time_days", 7),
        ({"受入人数（最少）": "　１０ "}, "group_min", 10),
        ({"受入人数（最多）": "40人"}, "group_max", 40),
        ({"郵便番号": "0600001"}, "postcode", "060-0001"),
        ({"郵便番号": "〒０６０－０００１"}, "postcode", "060-0001"),
        ({"電話": "０１１－２３４－５６７８"}, "phone", "011-234-5678"),
        ({"緯度": " ４３．０６２０８９ ", "経度": "141.354389"}, "latitude", Decimal("43.062089")),
        ({"施設名": "　北見　ﾊｯｶ工場 "}, "name", "北見 ハッカ工場"),
        ({"ウェブサイト": "ｗｗｗ．ｅｘａｍｐｌｅ．ｊｐ"}, "website", "https://www.example.jp"),
        ({"提供機関": "経済産業局"}, "provider", "北海道経済産業局"),
        ({"状態": "下書き"}, "status", ListingStatus.DRAFT),
        ({"状態": "審査待ち"}, "status", ListingStatus.PENDING_REVIEW),
        ({"状態": "公開中"}, "status", ListingStatus.PUBLISHED),
        ({"状態": "公開終了"}, "status", ListingStatus.ARCHIVED),
        ({"状態": "published"}, "status", ListingStatus.PUBLISHED),
    ],
)
def test_value_format(cells, field, expected):
    tour = import_one(cells)
    if field == "fee":
        assert (tour.fee_kind, tour.fee_amount) == expected
    elif field == "provider":
        assert tour.provider.name == expected
    else:
        assert getattr(tour, field) == expected


def test_headers_may_come_in_any_order_and_width():
    tour = import_one({"所要時間(分)": "45", " 受入人数（最少） ": "5"})
    assert (tour.duration_minutes, tour.group_min) == (45, 5)


def test_the_japanese_labels_are_those_of_the_catalogue():
    with translation.override("ja"):
        for choices, labels in (
            (Audience, AUDIENCE_LABELS_JA),
            (Industry, INDUSTRY_LABELS_JA),
            (ListingStatus, LISTING_STATUS_LABELS_JA),
        ):
            assert {value: str(label) for value, label in choices.choices} == labels


# --- Bad rows: one test per bad input, and a whole file of them ----------------------------------------

INDUSTRIES_JA = (
    "食品、飲料、菓子、乳製品、醸造、紙・パルプ、自動車、鉄鋼、機械、電子・電機、化学、木材・木製品、"
    "エネルギー、建設、造船、印刷、その他"
)
AUDIENCES_JA = "小学生、中学生、高校生、高専・大学生、教職員、保護者、一般・若者"
MONTHS_HELP = "が読めません（通年、4-10、4～10月、5,6,7 のように1〜12の月で入力してください）"
WEEKDAYS_HELP = "が読めません（月〜金、平日、土日、月・水・金 のように入力してください）"
DATE_HELP = "が日付として読めません（2026-04-01、2026/4/1、令和8年4月1日 のように入力してください）"
BOOLEAN_HELP = (
    "が読めません（可／不可、有／無、あり／なし、○／×、要／不要、yes／no、1／0 のいずれかで入力してください）"
)

BAD_CASES = [  # id, cells changed in a good row, the message (after 「N行目: 」)
    ("unknown_municipality", {"市町村": "札幌町"}, "市町村「札幌町」が見つかりません"),
    ("blank_municipality", {"市町村": ""}, "市町村が入力されていません"),
    ("unknown_industry", {"業種": "ロボット"}, f"業種「ロボット」は使えない値です（使える値: {INDUSTRIES_JA}）"),
    ("two_industries", {"業種": "醸造、飲料"}, "業種は1つだけ入力してください（「醸造、飲料」）"),
    ("blank_industry", {"業種": ""}, "業種が入力されていません"),
    ("unknown_audience", {"対象": "小学生、幼児"}, f"対象「幼児」は使えない値です（使える値: {AUDIENCES_JA}）"),
    (
        "group_min_above_max",
        {"受入人数（最少）": "50", "受入人数（最多）": "40"},
        "受入人数（最少）が受入人数（最多）より大きくなっています",
    ),
    ("negative_group_size", {"受入人数（最少）": "-5"}, "受入人数（最少）「-5」は0以上の整数で入力してください"),
    ("huge_group_size", {"受入人数（最多）": "40000"}, "受入人数（最多）「40000」は32767以下にしてください"),
    ("month_13", {"受入月": "13"}, f"受入月「13」{MONTHS_HELP}"),
    ("month_words", {"受入月": "夏休み"}, f"受入月「夏休み」{MONTHS_HELP}"),
    ("open_weekday_range", {"受入曜日": "月〜"}, f"受入曜日「月〜」{WEEKDAYS_HELP}"),
    ("weekday_words", {"受入曜日": "要相談"}, f"受入曜日「要相談」{WEEKDAYS_HELP}"),
    (
        "unknown_fee",
        {"料金": "高校生600円・中学生200円"},
        "料金「高校生600円・中学生200円」が読めません（無料、有料、500、500円 のように入力してください）",
    ),
    ("unknown_boolean", {"予約": "たぶん"}, f"予約「たぶん」{BOOLEAN_HELP}"),
    ("no_such_date", {"情報確認日": "2026/2/30"}, "情報確認日「2026/2/30」は存在しない日付です"),
    ("date_before_its_era", {"情報確認日": "令和1年4月1日"}, "情報確認日「令和1年4月1日」は存在しない日付です"),
    ("not_a_date", {"情報確認日": "来週"}, f"情報確認日「来週」{DATE_HELP}"),
    ("blank_name", {"施設名": ""}, "施設名が入力されていません"),
    ("blank_company", {"企業・団体名": ""}, "企業・団体名が入力されていません"),
    ("name_too_long", {"施設名": "工" * 121}, "施設名は120文字以内で入力してください（121文字あります）"),
    (
        "latitude_outside_hokkaido",
        {"緯度": "35.68", "経度": "139.76"},
        "緯度「35.68」は41〜46の範囲で入力してください",
    ),
    ("latitude_not_a_number", {"緯度": "北緯43度", "経度": "141.35"}, "緯度「北緯43度」は数値で入力してください"),
    ("latitude_without_longitude", {"緯度": "43.06"}, "緯度と経度は両方入力するか、両方とも空欄にしてください"),
    ("bad_postcode", {"郵便番号": "12345"}, "郵便番号「12345」は 060-0001 のように7桁で入力してください"),
    (
        "bad_website",
        {"ウェブサイト": "見学はこちら"},
        "ウェブサイト「見学はこちら」はURLとして正しくありません（https:// から入力してください）",
    ),
    ("bad_phone", {"電話": "お電話ください"}, "電話「お電話ください」は 011-123-4567 のように入力してください"),
    ("unknown_provider", {"提供機関": "北海道ロボット協会"}, "提供機関「北海道ロボット協会」が見つかりません"),
    (
        "unknown_status",
        {"状態": "公開"},
        "状態「公開」は使えない値です（使える値: 下書き、審査待ち、公開中、公開終了）",
    ),
    (
        "bad_duration",
        {"所要時間（分）": "半日"},
        "所要時間（分）「半日」が読めません（60、90分、1時間30分 のように入力してください）",
    ),
    (
        "bad_lead_time",
        {"申込期限（日前）": "早めに"},
        "申込期限（日前）「早めに」が読めません（7、7日前、1週間前 のように入力してください）",
    ),
    ("unknown_id", {"ID": "999999"}, "ID「999999」の見学先が見つかりません"),
    ("id_not_a_number", {"ID": "A-1"}, "ID「A-1」は0以上の整数で入力してください"),
]


@pytest.mark.parametrize(("cells", "message"), [case[1:] for case in BAD_CASES], ids=[case[0] for case in BAD_CASES])
def test_bad_row(cells, message):
    result = import_rows([{**GOOD_ROW, "施設名": "良い工場"}, {**GOOD_ROW, **cells}])
    assert result.messages() == [f"3行目: {message}"]
    assert FactoryTour.objects.count() == 0  # the good row on line 2 was not written either


def bad_file_rows() -> list[dict]:
    """tests/programmes/files/bad_rows.csv: a good row on line 2, then each bad case, one per line."""
    rows = [{"ID": "", **GOOD_ROW, "施設名": "良い工場"}]
    for number, (_id, cells, _message) in enumerate(BAD_CASES):
        rows.append({**GOOD_ROW, "施設名": f"テスト工場{number}", **cells})
    return rows


def test_the_bad_rows_file_is_up_to_date():
    assert (FILES / "bad_rows.csv").read_bytes() == csv_bytes(bad_file_rows())


def test_a_file_full_of_bad_rows_reports_each_with_its_line_and_writes_nothing():
    resource = FactoryTourResource(can_publish=True)
    result = resource.import_data(read_csv((FILES / "bad_rows.csv").read_bytes()))
    assert result.messages() == [f"{line}行目: {case[2]}" for line, case in enumerate(BAD_CASES, start=3)]
    assert FactoryTour.objects.count() == 0


def test_a_bad_file_in_the_admin_lists_every_problem_and_offers_no_confirmation(client, secretariat_user):
    client.force_login(secretariat_user)
    with (FILES / "bad_rows.csv").open("rb") as file:
        response = client.post(reverse(IMPORT_URL), {"resource": "0", "format": "0", "import_file": file})
    assert response.status_code == 200
    assert "confirm_form" not in response.context
    assert shown_messages(response) == [
        *(f"{line}行目: {case[2]}" for line, case in enumerate(BAD_CASES, start=3)),
        ja("Nothing was imported: correct the file and upload it again."),
    ]
    assert [row.number for row in response.context["result"].invalid_rows] == list(range(3, 3 + len(BAD_CASES)))
    assert FactoryTour.objects.count() == 0


def test_unknown_and_repeated_columns_are_reported_and_nothing_is_written():
    result = import_rows([{**GOOD_ROW, "備考": "メモ", "URL": "https://example.jp/"}])
    allowed = (
        "ID, 状態, 施設名, 施設名カナ, 企業・団体名, 提供機関, 市町村, 住所, 郵便番号, 緯度, 経度, 業種, 対象, "
        "見学内容, 所要時間（分）, 受入人数（最少）, 受入人数（最多）, 受入月, 受入曜日, 申込期限（日前）, 料金, "
        "予約, 大型バス駐車場, 車椅子, 冬期の注意, 電話, ウェブサイト, 情報確認日"
    )
    assert result.messages() == [
        f"1行目: 「備考」は使えない列です（使える列: {allowed}）",
        f"1行目: 「URL」は使えない列です（使える列: {allowed}）",
    ]
    assert FactoryTour.objects.count() == 0


def test_a_repeated_column_is_reported():
    data = "施設名,企業・団体名,提供機関,市町村,業種,市町村\r\nA,B,北海道経済産業局,札幌市,食品,函館市\r\n".encode()
    result = FactoryTourResource(can_publish=True).import_data(read_csv(data))
    assert result.messages() == ["1行目: 列「市町村」が2つ以上あります"]
    assert FactoryTour.objects.count() == 0


def test_the_same_tour_twice_in_a_file_is_reported():
    result = import_rows([GOOD_ROW, {**GOOD_ROW, "施設名": "別の工場"}, GOOD_ROW])
    assert result.messages() == ["4行目: 施設名と企業・団体名が2行目と同じです（同じ見学先を2回書いていませんか）"]
    assert FactoryTour.objects.count() == 0


def test_the_same_id_twice_in_a_file_is_reported():
    tour = FactoryTourFactory()
    result = import_rows([{**GOOD_ROW, "ID": str(tour.pk)}, {**GOOD_ROW, "ID": str(tour.pk), "施設名": "別"}])
    assert result.messages() == [f"3行目: ID「{tour.pk}」が2行目と重複しています"]


def test_blank_lines_are_skipped_and_keep_the_line_numbers():
    data = csv_bytes([GOOD_ROW, dict.fromkeys(GOOD_ROW, ""), {**GOOD_ROW, "施設名": "B", "市町村": "札幌町"}])
    result = FactoryTourResource(can_publish=True).import_data(read_csv(data))
    assert result.messages() == ["4行目: 市町村「札幌町」が見つかりません"]


# --- Which tour a row updates ----------------------------------------------------------------------------


def test_a_row_with_an_id_updates_that_tour():
    tour = FactoryTourFactory(name="旧名", group_max=20)
    result = import_rows([{**GOOD_ROW, "ID": str(tour.pk), "施設名": "新名", "受入人数（最多）": "30"}])
    assert result.messages() == []
    assert result.counts() == {"new": 0, "update": 1, "skip": 0}
    tour.refresh_from_db()
    assert (tour.name, tour.group_max, FactoryTour.objects.count()) == ("新名", 30, 1)


def test_a_row_without_id_updates_the_tour_with_the_same_name_and_company():
    tour = FactoryTourFactory(name="テスト工場", company_name="テスト株式会社", duration_minutes=30)
    result = import_rows([{**GOOD_ROW, "所要時間（分）": "45"}])
    assert result.counts() == {"new": 0, "update": 1, "skip": 0}
    tour.refresh_from_db()
    assert (tour.duration_minutes, FactoryTour.objects.count()) == (45, 1)


def test_a_missing_column_leaves_the_value_as_it_is():
    tour = FactoryTourFactory(name="テスト工場", company_name="テスト株式会社", group_max=25, phone="011-000-0000")
    import_rows([{**GOOD_ROW, "受入人数（最多）": "35"}])
    tour.refresh_from_db()
    assert (tour.group_max, tour.phone) == (35, "011-000-0000")


def test_an_unchanged_row_is_skipped_without_a_new_history_record():
    tour = import_one({})
    result = import_rows([GOOD_ROW])
    assert result.counts() == {"new": 0, "update": 0, "skip": 1}
    assert tour.history.count() == 1


# --- Who may do what ------------------------------------------------------------------------------------


def test_without_publish_permission_new_rows_are_drafts():
    tour = import_one({"状態": "公開中"}, can_publish=False)
    assert tour.status == ListingStatus.DRAFT


def test_without_publish_permission_existing_tours_keep_their_status():
    tour = FactoryTourFactory(name="テスト工場", company_name="テスト株式会社", status=ListingStatus.PUBLISHED)
    import_rows([{**GOOD_ROW, "状態": "下書き", "受入人数（最多）": "10"}], can_publish=False)
    tour.refresh_from_db()
    assert (tour.status, tour.group_max) == (ListingStatus.PUBLISHED, 10)


def test_a_new_row_without_provider_is_provided_by_the_default_organisation():
    organisation = OrganisationFactory()
    tour = import_one({"提供機関": ""}, default_provider=organisation)
    assert tour.provider == organisation


def test_a_new_row_without_provider_and_no_default_is_an_error():
    result = import_rows([{**GOOD_ROW, "提供機関": ""}])
    assert result.messages() == ["2行目: 提供機関が入力されていません"]


def test_an_organisation_import_forces_the_provider():
    organisation = OrganisationFactory()
    tour = import_one({"提供機関": "北海道経済産業局"}, organisation=organisation)
    assert tour.provider == organisation


def test_an_organisation_import_cannot_touch_another_organisations_tour():
    other = FactoryTourFactory(name="他機関の工場", group_max=20)
    result = import_rows(
        [{**GOOD_ROW, "ID": str(other.pk), "受入人数（最多）": "99"}], organisation=OrganisationFactory()
    )
    assert result.messages() == [f"2行目: ID「{other.pk}」の見学先が見つかりません"]
    other.refresh_from_db()
    assert other.group_max == 20


def test_an_organisation_import_does_not_match_another_organisations_tour_by_name():
    other = FactoryTourFactory(name="テスト工場", company_name="テスト株式会社", group_max=20)
    own = OrganisationFactory()
    result = import_rows([{**GOOD_ROW, "受入人数（最多）": "99"}], organisation=own)
    assert result.counts() == {"new": 1, "update": 0, "skip": 0}
    other.refresh_from_db()
    assert other.group_max == 20
    assert FactoryTour.objects.get(provider=own).group_max == 99


def test_partner_editor_imports_drafts_for_their_own_organisation_in_the_admin(client, partner_editor):
    client.force_login(partner_editor)
    data = csv_bytes([{**GOOD_ROW, "状態": "公開中", "提供機関": "北海道経済産業局"}])
    upload = SimpleUploadedFile("tours.csv", data, content_type="text/csv")
    response = client.post(reverse(IMPORT_URL), {"resource": "0", "format": "0", "import_file": upload})
    assert response.context["result"].messages() == []
    response = client.post(reverse(CONFIRM_URL), response.context["confirm_form"].initial)
    assert response.status_code == 302
    tour = FactoryTour.objects.get()
    assert (tour.provider_id, tour.status) == (partner_editor.organisation_id, ListingStatus.DRAFT)


def test_partner_editor_cannot_overwrite_another_organisations_tour_in_the_admin(client, partner_editor):
    other = FactoryTourFactory(name="他機関の工場", group_max=20)
    client.force_login(partner_editor)
    data = csv_bytes([{**GOOD_ROW, "ID": str(other.pk), "受入人数（最多）": "99"}])
    upload = SimpleUploadedFile("tours.csv", data, content_type="text/csv")
    response = client.post(reverse(IMPORT_URL), {"resource": "0", "format": "0", "import_file": upload})
    assert response.context["result"].messages() == [f"2行目: ID「{other.pk}」の見学先が見つかりません"]
    assert "confirm_form" not in response.context
    other.refresh_from_db()
    assert other.group_max == 20


def test_secretariat_keeps_the_files_status_in_the_admin(client, secretariat_user):
    client.force_login(secretariat_user)
    upload = SimpleUploadedFile("tours.csv", csv_bytes([{**GOOD_ROW, "状態": "公開中"}]), content_type="text/csv")
    response = client.post(reverse(IMPORT_URL), {"resource": "0", "format": "0", "import_file": upload})
    client.post(reverse(CONFIRM_URL), response.context["confirm_form"].initial)
    assert FactoryTour.objects.get().status == ListingStatus.PUBLISHED


def test_the_confirmation_is_all_or_nothing_too(client, secretariat_user):
    """A tour deleted between preview and confirm makes its row fail; the new row is not written either."""
    tour = FactoryTourFactory()
    tour_id = tour.pk
    client.force_login(secretariat_user)
    rows = [{**GOOD_ROW, "施設名": "新しい工場"}, {**GOOD_ROW, "ID": str(tour_id), "施設名": "更新"}]
    upload = SimpleUploadedFile("tours.csv", csv_bytes(rows), content_type="text/csv")
    response = client.post(reverse(IMPORT_URL), {"resource": "0", "format": "0", "import_file": upload})
    confirm = response.context["confirm_form"].initial
    tour.delete()
    response = client.post(reverse(CONFIRM_URL), confirm, follow=True)
    assert shown_messages(response) == [
        f"3行目: ID「{tour_id}」の見学先が見つかりません",
        ja("Nothing was imported: correct the file and upload it again."),
    ]
    assert FactoryTour.objects.count() == 0


# --- manage.py import_tours -----------------------------------------------------------------------------


def test_command_imports_a_file(capsys):
    import_tours(FILES / "tours_cp932.csv")
    assert capsys.readouterr().out == ja("%(new)d new, %(update)d updated, %(skip)d unchanged.") % COUNTS + "\n"
    assert stored_tours() == EXPECTED_TOURS


def test_command_dry_run_writes_nothing(capsys):
    import_tours(FILES / "tours.xlsx", "--dry-run")
    summary = ja("%(new)d new, %(update)d updated, %(skip)d unchanged.") % COUNTS
    assert capsys.readouterr().out == f"{ja('Dry run: nothing was written.')} {summary}\n"
    assert FactoryTour.objects.count() == 0


def test_command_with_errors_prints_them_exits_1_and_writes_nothing(capsys):
    with pytest.raises(CommandError) as error:
        import_tours(FILES / "bad_rows.csv")
    assert error.value.returncode == 1
    assert str(error.value) == ja("%(count)d problems: nothing was imported.") % {"count": len(BAD_CASES)}
    assert capsys.readouterr().err.splitlines() == [
        f"{line}行目: {case[2]}" for line, case in enumerate(BAD_CASES, start=3)
    ]
    assert FactoryTour.objects.count() == 0


def test_command_with_an_undecodable_file_prints_a_japanese_error(capsys):
    with pytest.raises(CommandError) as error:
        import_tours(FILES / "undecodable.csv")
    assert str(error.value) == ja("Nothing was imported.")
    assert capsys.readouterr().err.startswith("ファイルの文字コードを判別できません。")


def test_command_for_one_organisation(tmp_path):
    file = tmp_path / "tours.csv"
    file.write_bytes(csv_bytes([{**GOOD_ROW, "提供機関": "北海道労働局"}]))
    import_tours(file, "--organisation", "職業能力開発協会")
    assert FactoryTour.objects.get().provider == Organisation.objects.get(name="北海道職業能力開発協会")


def test_command_with_an_unknown_organisation_fails():
    with pytest.raises(CommandError) as error:
        import_tours(FILES / "tours_utf8.csv", "--organisation", "どこか")
    assert str(error.value) == "提供機関「どこか」が見つかりません"


def test_command_help_describes_the_options():
    text = " ".join(ImportToursCommand().create_parser("manage.py", "import_tours").format_help().split())
    assert "--dry-run" in text
    assert "--organisation NAME" in text
    assert "All or nothing" in text
