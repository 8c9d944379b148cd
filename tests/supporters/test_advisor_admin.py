"""The senior advisors' admin: the Japanese spreadsheet import (each encoding, values as people type them,
bad rows reported by line with nothing written, preview then confirm), export → import round trip, the
status actions, search, and trade groups."""

import codecs
import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from portal.choices import Industry
from portal.importing import read_csv, read_xlsx, write_xlsx
from portal.models import Municipality, Subprefecture
from supporters.advisor_resources import COLUMNS, SeniorAdvisorResource
from supporters.models import AdvisorActivity, AdvisorStatus, SeniorAdvisor, TradeGroup

pytestmark = pytest.mark.django_db

IMPORT_URL = "admin:supporters_senioradvisor_import"
CONFIRM_URL = "admin:supporters_senioradvisor_process_import"
CHANGELIST = "admin:supporters_senioradvisor_changelist"

GOOD_ROWS = [
    {
        "氏名": "　佐藤　正雄 ",
        "フリガナ": "ｻﾄｳ ﾏｻｵ",
        "メールアドレス": "sato@example.jp",
        "電話番号": "０９０－１２３４－５６７８",
        "住所": "北見市本町1丁目",
        "居住市町村": "北見市",
        "対応地域": "オホーツク・十勝総合振興局",
        "移動可能距離（km）": "１００km",
        "職種": "旋盤、フライス盤・ＮＣ加工",
        "資格": "技能検定1級/ものづくりマイスター",
        "元の業種": "機械",
        "元の勤務先": "北見精機株式会社",
        "経験年数": "４０年",
        "活動内容": "実技指導、検定指導",
        "対応曜日": "平日",
        "対応月": "4～10月",
        "備考": "冬期は近隣のみ",
        "連絡可": "可",
        "状態": "活動中",
        "公開用紹介文": "元 農業機械メーカー 機械加工 40年・技能検定1級",
        "公開承認": "○",
    },
    {
        "氏名": "高橋 幸子",
        "フリガナ": "タカハシ サチコ",
        "メールアドレス": "takahashi@example.jp",
        "居住市町村": "札幌市",
        "対応地域": "石狩",
        "職種": "製菓",
        "元の業種": "製菓",
        "活動内容": "職業講話",
        "対応曜日": "土日",
        "対応月": "通年",
        "連絡可": "不可",
        "状態": "審査待ち",
        "公開承認": "不可",
    },
]


def csv_bytes(rows, encoding="utf-8"):
    headers = list(dict.fromkeys(key for row in rows for key in row))
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows([row.get(header, "") for header in headers] for row in rows)
    return text.getvalue().encode(encoding)


def xlsx_bytes(rows):
    import tablib

    headers = list(dict.fromkeys(key for row in rows for key in row))
    dataset = tablib.Dataset(headers=headers)
    for row in rows:
        dataset.append([row.get(header, "") for header in headers])
    return write_xlsx(dataset)


GOOD_FILES = {
    "utf8.csv": csv_bytes(GOOD_ROWS),
    "utf8-bom.csv": codecs.BOM_UTF8 + csv_bytes(GOOD_ROWS),
    "cp932.csv": csv_bytes(GOOD_ROWS, "cp932"),
    "advisors.xlsx": xlsx_bytes(GOOD_ROWS),
}


def check_stored():
    sato = SeniorAdvisor.objects.get(email="sato@example.jp")
    assert sato.name == "佐藤 正雄"
    assert sato.name_kana == "サトウ マサオ"
    assert sato.phone == "090-1234-5678"
    assert sato.home_municipality.code == "012084"
    assert sorted(area.name for area in sato.areas.all()) == sorted(["オホーツク総合振興局", "十勝総合振興局"])
    assert sato.travel_radius_km == 100
    assert sato.trades == ["旋盤", "フライス盤", "NC加工"]
    assert sato.qualifications == ["技能検定1級", "ものづくりマイスター"]
    assert sato.former_industry == Industry.MACHINERY
    assert sato.years_of_experience == 40
    assert sato.activities == [AdvisorActivity.HANDS_ON, AdvisorActivity.EXAM_COACHING]
    assert sato.available_weekdays == [0, 1, 2, 3, 4]
    assert sato.available_months == [4, 5, 6, 7, 8, 9, 10]
    assert sato.consent_to_contact is True
    assert sato.status == AdvisorStatus.ACTIVE
    assert sato.summary_approved is True
    takahashi = SeniorAdvisor.objects.get(email="takahashi@example.jp")
    assert takahashi.available_weekdays == [5, 6]
    assert takahashi.available_months == []
    assert takahashi.former_industry == Industry.CONFECTIONERY
    assert takahashi.status == AdvisorStatus.APPLIED
    assert takahashi.consent_to_contact is False
    assert takahashi.travel_radius_km == 50


@pytest.mark.parametrize("file_name", list(GOOD_FILES))
def test_admin_previews_then_imports_a_good_file(client, secretariat_user, file_name):
    client.force_login(secretariat_user)
    file_format = "1" if file_name.endswith(".xlsx") else "0"
    upload = SimpleUploadedFile(file_name, GOOD_FILES[file_name])
    response = client.post(reverse(IMPORT_URL), {"resource": "0", "format": file_format, "import_file": upload})
    assert response.status_code == 200
    result = response.context["result"]
    assert result.messages() == []
    assert [row.import_type for row in result.valid_rows()] == ["new", "new"]
    assert not SeniorAdvisor.objects.exists()  # the preview writes nothing
    response = client.post(reverse(CONFIRM_URL), response.context["confirm_form"].initial)
    assert response.status_code == 302
    assert response.url == reverse(CHANGELIST)
    check_stored()


BAD_ROWS = [
    GOOD_ROWS[0],
    {**GOOD_ROWS[1], "居住市町村": "札幌町"},
    {**GOOD_ROWS[1], "メールアドレス": "other@example.jp", "連絡可": "たぶん", "対応月": "13月"},
    {**GOOD_ROWS[1], "メールアドレス": "third@example.jp", "対応地域": "関東", "活動内容": "料理"},
    {**GOOD_ROWS[1], "メールアドレス": "メールではない", "氏名": ""},
    {**GOOD_ROWS[1], "メールアドレス": "fifth@example.jp", "ID": "99999"},
]


def test_a_file_of_bad_rows_reports_each_line_in_japanese_and_writes_nothing(client, secretariat_user):
    client.force_login(secretariat_user)
    upload = SimpleUploadedFile("bad.csv", csv_bytes(BAD_ROWS, "cp932"))
    response = client.post(reverse(IMPORT_URL), {"resource": "0", "format": "0", "import_file": upload})
    assert response.status_code == 200
    lines = response.context["result"].messages()
    assert lines == [
        "3行目: 居住市町村「札幌町」が見つかりません",
        "4行目: 対応月「13月」が読めません（通年、4-10、4～10月、5,6,7 のように1〜12の月で入力してください）",
        "4行目: 連絡可「たぶん」が読めません（可／不可、有／無、あり／なし、○／×、要／不要、yes／no、1／0 の"
        "いずれかで入力してください）",
        "5行目: 対応地域「関東」が見つかりません（振興局名で入力してください。例: 石狩、上川）",
        "5行目: 活動内容「料理」は使えない値です（使える値: 実技指導、職業講話、企業への技術指導、検定指導、出前講座）",
        "6行目: 氏名が入力されていません",
        "6行目: メールアドレス「メールではない」はメールアドレスとして正しくありません",
        "7行目: ID「99999」のアドバイザーが見つかりません",
    ]
    with translation.override("ja"):
        shown = [str(message) for message in response.context["messages"]]
    assert shown[: len(lines)] == lines
    assert "confirm_form" not in response.context
    assert not SeniorAdvisor.objects.exists()


def test_unknown_and_repeated_columns_are_file_problems():
    rows = [{**GOOD_ROWS[0], "趣味": "釣り"}, GOOD_ROWS[0]]
    result = SeniorAdvisorResource().import_data(read_csv(csv_bytes(rows)), dry_run=True)
    messages = result.messages()
    assert messages[0].startswith("1行目: 「趣味」は使えない列です")
    assert messages[1] == "3行目: メールアドレス「sato@example.jp」が2行目と重複しています"
    assert not SeniorAdvisor.objects.exists()


def test_export_then_import_gives_the_same_data_back(client, secretariat_user):
    SeniorAdvisorResource().import_data(read_csv(csv_bytes(GOOD_ROWS)))
    before = sorted(SeniorAdvisorResource().export().dict, key=lambda row: row["ID"])
    client.force_login(secretariat_user)
    for file_format, reader in (("0", read_csv), ("1", read_xlsx)):
        response = client.post(
            reverse("admin:supporters_senioradvisor_export"),
            {"format": file_format, **{f"senioradvisorresource_{key}": "on" for key in COLUMNS}},
        )
        assert response.status_code == 200
        data = b"".join(response.streaming_content) if response.streaming else response.content
        dataset = reader(data)
        assert dataset.headers == list(COLUMNS.values())
        result = SeniorAdvisorResource().import_data(dataset)
        assert result.messages() == []
        assert result.counts() == {"new": 0, "update": 0, "skip": 2}
        after = sorted(SeniorAdvisorResource().export().dict, key=lambda row: row["ID"])
        assert after == before
    check_stored()


def test_import_updates_by_id_and_by_email():
    SeniorAdvisorResource().import_data(read_csv(csv_bytes(GOOD_ROWS)))
    sato = SeniorAdvisor.objects.get(email="sato@example.jp")
    for rows in (
        [{"ID": str(sato.pk), "状態": "休止中"}],
        [{"メールアドレス": "TAKAHASHI@example.jp", "備考": "午前のみ"}],
    ):
        result = SeniorAdvisorResource().import_data(read_csv(csv_bytes(rows)))
        assert result.messages() == []
    assert SeniorAdvisor.objects.get(pk=sato.pk).status == AdvisorStatus.PAUSED
    assert SeniorAdvisor.objects.get(email__iexact="takahashi@example.jp").availability_note == "午前のみ"
    assert SeniorAdvisor.objects.count() == 2


# --- The admin pages ------------------------------------------------------------------------------------


def make(name, **fields):
    return SeniorAdvisor.objects.create(
        name=name,
        email=f"{name}@example.jp",
        home_municipality=Municipality.objects.get(code="012084"),
        **fields,
    )


def test_changelist_search_by_name_kana_and_trade(client, secretariat_user):
    make("山田", name_kana="ヤマダ", trades=["TIG溶接"])
    make("川口", name_kana="カワグチ", trades=["製パン"])
    client.force_login(secretariat_user)
    for term, expected in (("山田", ["山田"]), ("カワグチ", ["川口"]), ("溶接", ["山田"]), ("製パン", ["川口"])):
        response = client.get(reverse(CHANGELIST), {"q": term})
        assert response.status_code == 200
        assert [advisor.name for advisor in response.context["cl"].result_list] == expected


def test_approve_and_pause_actions_are_in_the_history(client, secretariat_user):
    applied = make("応募者", status=AdvisorStatus.APPLIED)
    client.force_login(secretariat_user)
    url = reverse(CHANGELIST)
    client.post(url, {"action": "approve_application", "_selected_action": [applied.pk]})
    applied.refresh_from_db()
    assert applied.status == AdvisorStatus.ACTIVE
    client.post(url, {"action": "pause", "_selected_action": [applied.pk]})
    applied.refresh_from_db()
    assert applied.status == AdvisorStatus.PAUSED
    assert applied.history.count() == 3
    response = client.get(reverse("admin:supporters_senioradvisor_history", args=[applied.pk]))
    assert response.status_code == 200


def test_admin_pages_open_and_are_staff_only(client, secretariat_user):
    advisor = make("表示確認", status=AdvisorStatus.ACTIVE)
    TradeGroup.objects.create(name="機械加工", trades=["旋盤", "フライス盤"])
    assert client.get(reverse(CHANGELIST)).status_code == 302
    client.force_login(secretariat_user)
    for url in (
        reverse(CHANGELIST),
        reverse("admin:supporters_senioradvisor_change", args=[advisor.pk]),
        reverse("admin:supporters_senioradvisor_add"),
        reverse(IMPORT_URL),
        reverse("admin:supporters_tradegroup_changelist"),
        reverse("admin:supporters_advisoroffer_changelist"),
    ):
        assert client.get(url).status_code == 200, url
    assert Subprefecture.objects.exists()
