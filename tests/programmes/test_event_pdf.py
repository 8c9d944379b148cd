"""/events/pdf/ and /events/<id>/flyer.pdf: the filtered list with sessions, embedded fonts, QR codes.

pdffonts, pdftotext and pdftoppm come from poppler-utils, zbarimg from zbar-tools (scripts/system-deps).
"""

import subprocess

import pytest

from portal import dates
from portal.choices import ListingStatus
from tests.factories import ExperienceEventFactory, SessionFactory

pytestmark = pytest.mark.django_db


def run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True, timeout=60).stdout


def get_pdf(client, path: str, tmp_path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    file = tmp_path / "events.pdf"
    file.write_bytes(response.content)
    return response, file


def text_of(file) -> str:
    return run("pdftotext", "-enc", "UTF-8", str(file), "-")


def qr_codes(file, tmp_path) -> list[str]:
    run("pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", str(file), str(tmp_path / "page"))
    [image] = tmp_path.glob("page*.png")
    return run("zbarimg", "--quiet", "--raw", str(image)).split()


@pytest.fixture
def events():
    lathe = ExperienceEventFactory(
        title="旋盤で文鎮づくり", grades="小学4〜6年", what_to_bring="運動靴", fee_kind="free", description="真ちゅう"
    )
    weld = ExperienceEventFactory(title="溶接教室", audiences=["junior_high"])
    draft = ExperienceEventFactory(title="下書きの体験会", status=ListingStatus.DRAFT)
    SessionFactory(offering=lathe, days=5, municipality_code="011011", venue_name="札幌会場")
    SessionFactory(offering=lathe, days=12, municipality_code="011011", venue_name="札幌第二会場")
    SessionFactory(offering=weld, days=3, municipality_code="012050", venue_name="室蘭会場")
    SessionFactory(offering=draft, days=3, municipality_code="012050")
    return {"lathe": lathe, "weld": weld, "draft": draft}


def test_list_pdf_named_after_the_day(client, events, tmp_path):
    response, _file = get_pdf(client, "/events/pdf/", tmp_path)
    assert response["Content-Disposition"] == f'inline; filename="experience-events-{dates.today():%Y%m%d}.pdf"'


def test_japanese_text_in_an_embedded_japanese_font(client, events, tmp_path):
    _response, file = get_pdf(client, "/events/pdf/", tmp_path)
    rows = [line.split() for line in run("pdffonts", str(file)).splitlines()[2:]]
    assert rows, "no font in the PDF"
    assert all(row[-5] == "yes" for row in rows), rows
    assert "BIZ-UDPGothic" in {row[0].split("+", 1)[-1] for row in rows}


def test_list_has_the_published_events_with_their_sessions(client, events, tmp_path):
    _response, file = get_pdf(client, "/events/pdf/", tmp_path)
    text = text_of(file)
    assert text.index("溶接教室") < text.index("旋盤で文鎮づくり")  # by next session
    for fact in ("札幌会場", "札幌第二会場", "室蘭会場", "小学4〜6年", "運動靴"):
        assert fact in text, fact
    assert "下書きの体験会" not in text


def test_list_is_filtered_like_the_page(client, events, tmp_path):
    _response, file = get_pdf(client, "/events/pdf/?subprefecture=iburi&audience=robots", tmp_path)
    text = text_of(file)
    assert "溶接教室" in text
    assert "旋盤で文鎮づくり" not in text
    assert "robots" in text  # the ignored value is said
    assert qr_codes(file, tmp_path) == [f"http://testserver/events/{events['weld'].pk}/"]


def test_nothing_matches(client, events, tmp_path):
    _response, file = get_pdf(client, "/en/events/pdf/?q=nothing-like-this", tmp_path)
    assert "No upcoming event matches" in text_of(file)


def test_flyer_has_the_facts_and_a_qr_code_to_the_event(client, events, tmp_path):
    event = events["lathe"]
    response, file = get_pdf(client, f"/events/{event.pk}/flyer.pdf", tmp_path)
    assert response["Content-Disposition"] == f'inline; filename="event-{event.pk}-flyer-{dates.today():%Y%m%d}.pdf"'
    text = text_of(file)
    for fact in ("旋盤で文鎮づくり", "真ちゅう", "札幌会場", "札幌第二会場", "運動靴", event.provider.name):
        assert fact in text, fact
    assert run("pdfinfo", str(file)).count("Pages:") == 1
    assert "Pages:           1" in run("pdfinfo", str(file))
    assert qr_codes(file, tmp_path) == [f"http://testserver/events/{event.pk}/"]


def test_flyer_of_a_draft_is_404(client, events):
    assert client.get(f"/events/{events['draft'].pk}/flyer.pdf").status_code == 404
    assert client.get("/events/999999/flyer.pdf").status_code == 404
