"""/seminars/pdf/: the filtered list with sessions, in an embedded Japanese font, with QR codes.

pdffonts, pdftotext and pdftoppm come from poppler-utils, zbarimg from zbar-tools (scripts/system-deps).
"""

import subprocess

import pytest

from portal import dates
from portal.choices import ListingStatus
from tests.factories import SeminarFactory, SessionFactory

pytestmark = pytest.mark.django_db


def run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True, timeout=60).stdout


def get_pdf(client, path: str, tmp_path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    file = tmp_path / "seminars.pdf"
    file.write_bytes(response.content)
    return response, file


def text_of(file) -> str:
    return run("pdftotext", "-enc", "UTF-8", str(file), "-")


def qr_codes(file, tmp_path) -> list[str]:
    run("pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", str(file), str(tmp_path / "page"))
    [image] = tmp_path.glob("page*.png")
    return run("zbarimg", "--quiet", "--raw", str(image)).split()


@pytest.fixture
def seminars():
    parent = SeminarFactory(
        title="保護者のための進路セミナー", kind="parent", speaker="進路相談員", what_to_bring="筆記用具"
    )
    course = SeminarFactory(
        title="はじめてのPLC制御", kind="skill_up", audiences=["general"], school_name="札幌高等技術専門学院"
    )
    draft = SeminarFactory(title="下書きのセミナー", status=ListingStatus.DRAFT)
    SessionFactory(offering=parent, days=5, municipality_code="011011", venue_name="札幌会場")
    SessionFactory(offering=parent, days=12, municipality_code="011011", venue_name="札幌第二会場")
    SessionFactory(offering=course, days=3, municipality_code="012050", venue_name="室蘭会場")
    SessionFactory(offering=draft, days=3, municipality_code="012050")
    return {"parent": parent, "course": course, "draft": draft}


def test_list_pdf_named_after_the_day(client, seminars, tmp_path):
    response, _file = get_pdf(client, "/seminars/pdf/", tmp_path)
    assert response["Content-Disposition"] == f'inline; filename="seminars-{dates.today():%Y%m%d}.pdf"'


def test_japanese_text_in_an_embedded_japanese_font(client, seminars, tmp_path):
    _response, file = get_pdf(client, "/seminars/pdf/", tmp_path)
    rows = [line.split() for line in run("pdffonts", str(file)).splitlines()[2:]]
    assert rows, "no font in the PDF"
    assert all(row[-5] == "yes" for row in rows), rows
    assert "BIZ-UDPGothic" in {row[0].split("+", 1)[-1] for row in rows}


def test_list_has_the_published_seminars_with_their_sessions(client, seminars, tmp_path):
    _response, file = get_pdf(client, "/seminars/pdf/", tmp_path)
    text = text_of(file)
    assert text.index("はじめてのPLC制御") < text.index("保護者のための進路セミナー")  # by next session
    for fact in ("札幌会場", "札幌第二会場", "室蘭会場", "進路相談員", "筆記用具"):
        assert fact in text, fact
    assert "下書きのセミナー" not in text


def test_list_is_filtered_like_the_page(client, seminars, tmp_path):
    _response, file = get_pdf(client, "/seminars/pdf/?kind=skill_up&audience=robots", tmp_path)
    text = text_of(file)
    assert "はじめてのPLC制御" in text
    assert "保護者のための進路セミナー" not in text
    assert "robots" in text  # the ignored value is said
    assert qr_codes(file, tmp_path) == [f"http://testserver/seminars/{seminars['course'].pk}/"]


def test_nothing_matches(client, seminars, tmp_path):
    _response, file = get_pdf(client, "/en/seminars/pdf/?q=nothing-like-this", tmp_path)
    assert "No upcoming seminar matches" in text_of(file)
