"""The certificate of registration (登録証) and its check: a real WeasyPrint PDF read back with poppler
(pdffonts, pdftotext, pdftoppm) and zbarimg, and /supporters/verify/<code>/ (valid, withdrawn, unknown)."""

import datetime as dt
import subprocess

import pytest
from django.utils import timezone

from portal import dates
from portal.models import WorkingGroup
from supporters.models import SupporterStatus
from tests.factories import SupporterCompanyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def company():
    return SupporterCompanyFactory(
        name="北見精密工業株式会社",
        registration_number="2026-0042",
        approved_at=timezone.make_aware(dt.datetime(2026, 5, 9, 10, 0)),
    )


def run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True, timeout=60).stdout


def get_pdf(client, path: str, tmp_path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    file = tmp_path / "certificate.pdf"
    file.write_bytes(response.content)
    return response, file


def test_certificate_is_one_a4_page_named_after_the_number(client, company, tmp_path):
    response, file = get_pdf(client, f"/supporters/{company.pk}/certificate.pdf", tmp_path)
    day = dates.today()
    assert response["Content-Disposition"] == f'inline; filename="supporter-certificate-2026-0042-{day:%Y%m%d}.pdf"'
    info = run("pdfinfo", str(file))
    assert "Pages:           1" in info
    assert "pts (A4)" in info


def test_certificate_has_name_number_date_fiscal_year_and_working_group(client, company, tmp_path):
    _response, file = get_pdf(client, f"/supporters/{company.pk}/certificate.pdf", tmp_path)
    text = run("pdftotext", "-enc", "UTF-8", str(file), "-")
    for fact in [
        "北見精密工業株式会社",
        "2026-0042",
        "次世代人材育成応援企業",
        "令和8年5月9日",  # approval date, in the era
        "2026年度 (令和8年度)",  # its fiscal year
        WorkingGroup.load().name,
    ]:
        assert fact in text, fact
    # the verify link, also in words (the line may break inside it)
    assert f"http://testserver/supporters/verify/{company.certificate_code}/" in text.replace("\n", "")


def test_certificate_in_an_embedded_japanese_font(client, company, tmp_path):
    _response, file = get_pdf(client, f"/supporters/{company.pk}/certificate.pdf", tmp_path)
    rows = [line.split() for line in run("pdffonts", str(file)).splitlines()[2:]]
    fonts = {row[0].split("+", 1)[-1] for row in rows}
    assert rows
    assert all(row[-5] == "yes" for row in rows), rows  # every font embedded
    assert "BIZ-UDPGothic" in fonts


def test_certificate_qr_code_scans_to_the_verify_page(client, company, tmp_path):
    _response, file = get_pdf(client, f"/supporters/{company.pk}/certificate.pdf", tmp_path)
    run("pdftoppm", "-png", "-r", "150", str(file), str(tmp_path / "page"))
    [image] = tmp_path.glob("page*.png")
    codes = run("zbarimg", "--quiet", "--raw", str(image)).split()
    assert codes == [f"http://testserver/supporters/verify/{company.certificate_code}/"]
    # and that page says the certificate is valid
    assert client.get(codes[0]).context["valid"] is True


def test_english_certificate(client, company, tmp_path):
    _response, file = get_pdf(client, f"/en/supporters/{company.pk}/certificate.pdf", tmp_path)
    text = run("pdftotext", "-enc", "UTF-8", str(file), "-")
    assert "Certificate of registration" in text
    assert "FY2026 (Reiwa 8)" in text
    assert "北見精密工業株式会社" in text
    run("pdftoppm", "-png", "-r", "150", str(file), str(tmp_path / "page"))
    [image] = tmp_path.glob("page*.png")
    assert run("zbarimg", "--quiet", "--raw", str(image)).split() == [
        f"http://testserver/en/supporters/verify/{company.certificate_code}/"
    ]


@pytest.mark.parametrize(
    "status", [SupporterStatus.PENDING_REVIEW, SupporterStatus.UNVERIFIED, SupporterStatus.WITHDRAWN]
)
def test_no_certificate_unless_approved(client, status):
    company = SupporterCompanyFactory(status=status)
    assert client.get(f"/supporters/{company.pk}/certificate.pdf").status_code == 404


def test_certificate_needs_no_login(client, company):
    client.logout()
    assert client.get(f"/supporters/{company.pk}/certificate.pdf").status_code == 200


# --- /supporters/verify/<code>/ ---------------------------------------------------------------------


def test_verify_a_valid_certificate(client, company):
    response = client.get(f"/supporters/verify/{company.certificate_code}/")
    assert response.status_code == 200
    assert response.context["valid"] is True
    html = response.content.decode()
    assert "北見精密工業株式会社" in html
    assert "2026-0042" in html
    assert "2026年5月9日" in html
    assert f'href="/supporters/{company.pk}/"' in html


def test_verify_a_withdrawn_supporter(client):
    company = SupporterCompanyFactory(
        name="退会工業株式会社",
        status=SupporterStatus.WITHDRAWN,
        registration_number="2026-0007",
        withdrawn_at=timezone.make_aware(dt.datetime(2026, 8, 31, 12, 0)),
    )
    response = client.get(f"/supporters/verify/{company.certificate_code}/")
    assert response.status_code == 200
    assert response.context["valid"] is False
    html = response.content.decode()
    assert "退会工業株式会社" in html
    assert "2026年8月31日" in html
    assert f'href="/supporters/{company.pk}/"' not in html  # its profile is gone


@pytest.mark.parametrize("status", [SupporterStatus.PENDING_REVIEW, SupporterStatus.UNVERIFIED])
def test_verify_a_code_never_approved_is_404(client, status):
    company = SupporterCompanyFactory(status=status, registration_number=None)
    assert client.get(f"/supporters/verify/{company.certificate_code}/").status_code == 404


@pytest.mark.parametrize("code", ["unknown-code", "A" * 16, "%00"])
def test_verify_an_unknown_code_is_404(client, company, code):
    assert client.get(f"/supporters/verify/{code}/").status_code == 404
