"""/tours/pdf/: the same filtered list as /tours/ as an A4 PDF (real WeasyPrint, read back with poppler).

pdffonts, pdftotext and pdftoppm come from poppler-utils, zbarimg from zbar-tools (scripts/system-deps);
the font is BIZ UDPGothic (scripts/pdf-fonts).
"""

import base64
import datetime as dt
import re
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from PIL import Image

from portal import dates, pdf
from portal.choices import FeeKind, ListingStatus
from portal.models import WorkingGroup
from programmes import views
from tests.factories import FactoryTourFactory

pytestmark = pytest.mark.django_db

NAMES = ["製紙工場見学", "ヨウセツ体験工房", "牧場とチーズ工房", "ビール工場"]


@pytest.fixture
def tours():
    """Four published tours around Hokkaido and one draft (as in test_tour_list.py)."""
    return {
        "paper": FactoryTourFactory(
            name="製紙工場見学",
            company_name="王子製紙株式会社",
            municipality_id="012131",  # 苫小牧市 (胆振)
            industry="paper",
            group_min=10,
            group_max=40,
            months=[5, 6, 7, 8, 9, 10],
            bus_parking=True,
            fee_kind=FeeKind.FREE,
            confirmed_on=dt.date(2026, 5, 1),
        ),
        "weld": FactoryTourFactory(
            name="ヨウセツ体験工房",
            company_name="北見溶接工業株式会社",
            municipality_id="012084",  # 北見市 (オホーツク)
            industry="machinery",
            group_min=5,
            group_max=20,
            months=[],
            weekdays=[0, 1, 2, 3, 4],
            duration_minutes=90,
            reservation_required=True,
            lead_time_days=14,
            bus_parking=False,
            wheelchair_access=True,
            fee_kind=FeeKind.PAID,
            fee_amount=500,
            phone="0157-23-4567",
            website="https://www.example.jp/weld/",
            confirmed_on=dt.date(2026, 9, 1),
        ),
        "dairy": FactoryTourFactory(
            name="牧場とチーズ工房",
            company_name="十勝乳業",
            municipality_id="016373",  # 芽室町 (十勝)
            industry="dairy",
            months=[7, 8],
            fee_kind=FeeKind.FREE,
            is_demo=True,
        ),
        "sapporo": FactoryTourFactory(
            name="ビール工場",
            company_name="札幌麦酒株式会社",
            municipality_id="011037",  # 札幌市東区
            industry="brewing",
            group_max=100,
            bus_parking=True,
            confirmed_on=dt.date(2025, 4, 1),
        ),
        "draft": FactoryTourFactory(
            name="下書きの製紙工場", municipality_id="012131", industry="paper", status=ListingStatus.DRAFT
        ),
    }


def run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True, timeout=60).stdout


def get_pdf(client, path: str, tmp_path) -> tuple:
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    file = tmp_path / "tours.pdf"
    file.write_bytes(response.content)
    return response, file


def text_of(file) -> str:
    """The PDF's text as pdftotext reads it, with line breaks inside the margins kept."""
    return run("pdftotext", "-enc", "UTF-8", str(file), "-")


def printed_names(text: str) -> list[str]:
    """The test tours named in the PDF, in order (each tour's name starts a block)."""
    return re.findall("|".join([*NAMES, "下書きの製紙工場"]), text)


def test_inline_pdf_named_after_the_day(client, tours, tmp_path):
    response, _file = get_pdf(client, "/tours/pdf/", tmp_path)
    day = dates.today()
    assert response["Content-Disposition"] == f'inline; filename="factory-tours-{day:%Y%m%d}.pdf"'


def test_japanese_text_in_an_embedded_japanese_font(client, tours, tmp_path):
    _response, file = get_pdf(client, "/tours/pdf/", tmp_path)
    rows = [line.split() for line in run("pdffonts", str(file)).splitlines()[2:]]
    fonts = {row[0].split("+", 1)[-1]: row for row in rows}
    assert fonts, "no font in the PDF"
    # name type… emb sub uni object ID: emb is the 5th column from the end
    assert all(row[-5] == "yes" for row in rows), rows
    assert "BIZ-UDPGothic" in fonts  # the fast TrueType font, not a slower fallback
    assert "BIZ-UDPGothic-Bold" in fonts


def test_every_published_tour_and_never_a_draft(client, tours, tmp_path):
    _response, file = get_pdf(client, "/tours/pdf/", tmp_path)
    text = text_of(file)
    # the list's order: recently confirmed first, then the never-confirmed tour
    assert printed_names(text) == ["ヨウセツ体験工房", "製紙工場見学", "ビール工場", "牧場とチーズ工房"]
    assert "4件" in text
    assert "下書き" not in text


def test_filtered_list_has_the_same_tours_as_the_page(client, tours, tmp_path):
    query = "group_size=38&month=10&bus_parking=1"
    page = client.get(f"/tours/?{query}")
    _response, file = get_pdf(client, f"/tours/pdf/?{query}", tmp_path)
    text = text_of(file)
    assert printed_names(text) == [tour.name for tour, _fit in page.context["tours"]] == ["製紙工場見学", "ビール工場"]
    assert "2件" in text


def test_title_says_the_filters_in_words_and_the_date(client, tours, tmp_path):
    _response, file = get_pdf(client, "/tours/pdf/?group_size=38&month=10&bus_parking=1", tmp_path)
    text = text_of(file)
    with translation.override("ja"):
        conditions = translation.gettext("Conditions: %(conditions)s") % {
            "conditions": "見学する月 10月、人数 38、大型バス駐車場あり"
        }
    assert conditions in text
    assert text.index("工場見学") < text.index(conditions)  # the title, then the conditions
    assert dates.format_date(dates.today(), "ja") in text


def test_no_filter_says_so(client, tours, tmp_path):
    _response, file = get_pdf(client, "/tours/pdf/", tmp_path)
    with translation.override("ja"):
        assert translation.gettext("Conditions: none (the whole list)") in text_of(file)


def test_drafts_are_never_printed_even_when_they_match(client, tours, tmp_path):
    _response, file = get_pdf(client, "/tours/pdf/?q=製紙", tmp_path)
    text = text_of(file)
    assert printed_names(text) == ["製紙工場見学"]
    assert "下書き" not in text


def test_key_facts_of_a_tour(client, tours, tmp_path):
    _response, file = get_pdf(client, "/tours/pdf/?industry=machinery", tmp_path)
    text = text_of(file)
    for fact in [
        "ヨウセツ体験工房",
        "北見溶接工業株式会社",
        "北見市（オホーツク）",
        "機械",  # industry
        "5〜20人",
        "通年",
        "月・火・水・木・金",
        "90分",
        "500円",
        "14日前までに申込み",
        "大型バス駐車場なし",
        "0157-23-4567",
        "https://www.example.jp/weld/",
        "情報確認日",
        "2026年9月1日(火)",
    ]:
        assert fact in text, fact


def test_near_orders_by_distance_and_prints_it(client, tours, tmp_path):
    _response, file = get_pdf(client, "/tours/pdf/?near=012084", tmp_path)  # 北見市
    text = text_of(file)
    assert printed_names(text) == ["ヨウセツ体験工房", "牧場とチーズ工房", "ビール工場", "製紙工場見学"]
    assert "約0 km" in text


def test_unconfirmed_and_demo_tours_are_marked(client, tours, tmp_path):
    _response, file = get_pdf(client, "/tours/pdf/?industry=dairy", tmp_path)
    text = text_of(file)
    assert "未確認" in text  # 情報確認日: not yet confirmed
    assert "デモデータ" in text


def test_header_footer_and_page_numbers(client, tours, tmp_path):
    for n in range(30):
        FactoryTourFactory(name=f"追加工場{n}")
    _response, file = get_pdf(client, "/tours/pdf/", tmp_path)
    pages = text_of(file).split("\f")[:-1]
    assert len(pages) >= 3
    working_group = WorkingGroup.load()
    for number, page in enumerate(pages, start=1):
        assert working_group.name in page
        assert re.search(rf"^{number} ?/ ?{len(pages)}$", page, re.MULTILINE), page[-200:]


def test_qr_codes_scan_to_the_tour_pages(client, tours, tmp_path):
    _response, file = get_pdf(client, "/tours/pdf/?subprefecture=okhotsk", tmp_path)
    run("pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", str(file), str(tmp_path / "page"))
    [image] = tmp_path.glob("page*.png")
    codes = run("zbarimg", "--quiet", "--raw", str(image)).split()
    assert codes == [f"http://testserver/tours/{tours['weld'].pk}/"]


def test_english_version(client, tours, tmp_path):
    _response, file = get_pdf(client, "/en/tours/pdf/?industry=paper", tmp_path)
    text = text_of(file)
    assert "Factory tours" in text
    assert "Conditions: Industry Paper and pulp" in text
    assert dates.format_date(dates.today(), "en") in text
    assert "製紙工場見学" in text  # the Japanese name, in the embedded font
    assert "10–40 people" in text
    assert "Bus parking" in text
    assert "1 tour" in text
    run("pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", str(file), str(tmp_path / "page"))
    [image] = tmp_path.glob("page*.png")
    assert run("zbarimg", "--quiet", "--raw", str(image)).split() == [
        f"http://testserver/en/tours/{tours['paper'].pk}/"
    ]


@pytest.mark.parametrize(
    ("query", "label", "value"),
    [
        ("group_size=abc", "人数", "abc"),
        ("group_size=-3", "人数", "-3"),
        ("month=13", "見学する月", "13"),
        ("subprefecture=atlantis", "地域", "atlantis"),
        ("municipality=999999", "市町村", "999999"),
        ("near=0", None, "0"),
        ("industry=spaceships", "業種", "spaceships"),
        ("sort=random", None, "random"),
        ("q=" + "あ" * 101, "キーワード", "あ" * 40),
    ],
)
def test_bad_filter_values_are_ignored_and_said_so(client, tours, tmp_path, query, label, value):
    _response, file = get_pdf(client, f"/tours/pdf/?{query}", tmp_path)
    text = "".join(text_of(file).split())  # long values wrap
    assert "無視しました" in text
    assert f"「{value}」" in text
    if label:
        assert f"{label}「{value}」" in text
    assert len(printed_names(text)) == 4  # the list, unfiltered by the bad value


def test_harmless_extra_parameters_are_not_reported(client, tours, tmp_path):
    _response, file = get_pdf(client, "/tours/pdf/?page=abc&unknown=1&month=", tmp_path)
    text = text_of(file)
    assert "無視しました" not in text
    assert len(printed_names(text)) == 4


def test_nothing_matches(client, tours, tmp_path):
    _response, file = get_pdf(client, "/tours/pdf/?q=存在しない工場", tmp_path)
    text = text_of(file)
    assert "0件" in text
    assert printed_names(text) == []


def test_long_lists_are_cut_and_say_so(client, tours, tmp_path, monkeypatch):
    monkeypatch.setattr(views, "PDF_MAX_TOURS", 2)
    _response, file = get_pdf(client, "/tours/pdf/", tmp_path)
    text = " ".join(text_of(file).split())
    assert printed_names(text) == ["ヨウセツ体験工房", "製紙工場見学"]
    assert "4件" in text  # the whole count
    with translation.override("ja"):
        notice = translation.gettext(
            "Only the first %(shown)s tours are printed. Narrow the conditions on the website to print the others."
        ) % {"shown": 2}
    assert " ".join(notice.split()) in text


def test_query_count_does_not_grow_with_rows(client, tours):
    path = "/tours/pdf/?near=012084&group_size=10&month=6&q=工場"
    with CaptureQueriesContext(connection) as few:
        assert client.get(path).status_code == 200
    for n in range(25):
        FactoryTourFactory(name=f"追加工場{n}", group_min=5, group_max=20, months=[6])
    with CaptureQueriesContext(connection) as many:
        response = client.get(path)
    assert response.status_code == 200
    assert len(many) == len(few) <= 5


# --- portal/pdf.py ----------------------------------------------------------------------------------


def test_css_strings_cannot_break_out():
    assert pdf.css_string("北海道 WG 1") == '"北海道 WG 1"'
    hostile = pdf.css_string('a"; } @page { content: url(http://x/) } </style>\\\n')
    # inside the quotes: letters, digits, spaces, non-ASCII text and hex escapes only
    assert re.fullmatch(r'"(?:[A-Za-z0-9 ]|[^\x00-\x7f]|\\[0-9a-f]+ )*"', hostile), hostile
    assert hostile.startswith('"a\\22 \\3b  \\7d ')


def test_pdfs_fetch_nothing_but_data_uris():
    fetcher = pdf.DataURLFetcher()
    assert fetcher.fetch("data:text/plain,hello%20world").read() == b"hello world"
    for url in ["file:///etc/passwd", "http://127.0.0.1/", "https://example.jp/x.png"]:
        with pytest.raises(ValueError, match="only load data"):
            fetcher.fetch(url)


def test_file_names():
    assert pdf.pdf_filename("factory-tours", dt.date(2026, 11, 26)) == "factory-tours-20261126.pdf"
    assert pdf.pdf_filename("Seminars & Lectures!", dt.date(2027, 1, 5)) == "seminars-lectures-20270105.pdf"


def test_qr_code_png_scans(tmp_path):
    uri = pdf.qr_png_data_uri("https://monozukuri.example.jp/tours/123/")
    assert uri.startswith("data:image/png;base64,")
    image = tmp_path / "qr.png"
    image.write_bytes(base64.b64decode(uri.split(",", 1)[1]))
    # one pixel per module is too small for a camera: scale it up as the PDF does when printed
    Image.open(image).resize((330, 330), Image.Resampling.NEAREST).save(image)
    assert run("zbarimg", "--quiet", "--raw", str(image)).split() == ["https://monozukuri.example.jp/tours/123/"]
