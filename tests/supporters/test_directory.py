"""/supporters/: the public directory, a profile, its PDF, the supporter mark, the recognitions, the demo data.

Only approved supporters are public; the contact person's fields are never shown (leak tests below create
that data first, then look for it everywhere public)."""

import datetime as dt
import io
import subprocess
import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command

from portal.choices import ListingStatus
from portal.enquiries.models import Enquiry
from seminars.models import LectureOffer
from supporters.models import Recognition, RecognitionKind, SupporterCompany, SupporterStatus
from tests.factories import FactoryTourFactory, OrganisationFactory, SupporterCompanyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def supporters():
    """Three approved supporters in three areas and industries, and one of each non-public status."""
    return {
        "kitami": SupporterCompanyFactory(
            name="北見精密工業株式会社",
            name_kana="キタミセイミツコウギョウ",
            industry="machinery",
            offers=["workplace_experience", "internship"],
            pr_message="旋盤の仕事を体験してください。",
        ),
        "otaru": SupporterCompanyFactory(
            name="小樽酒造株式会社",
            name_kana="オタルシュゾウ",
            municipality_code="012033",  # 小樽市 (後志)
            industry="brewing",
            offers=["factory_tour"],
            pr_message="酒蔵を見に来てください。",
        ),
        "tokachi": SupporterCompanyFactory(
            name="とかち乳業株式会社",
            name_kana="トカチニュウギョウ",
            municipality_code="012076",  # 帯広市 (十勝)
            industry="dairy",
            offers=["factory_tour", "outreach_lecture"],
        ),
        "pending": SupporterCompanyFactory(
            name="審査中工業株式会社",
            status=SupporterStatus.PENDING_REVIEW,
            registration_number=None,
            approved_at=None,
        ),
        "unverified": SupporterCompanyFactory(
            name="未確認工業株式会社",
            status=SupporterStatus.UNVERIFIED,
            registration_number=None,
            approved_at=None,
        ),
        "changes": SupporterCompanyFactory(
            name="修正依頼工業株式会社",
            status=SupporterStatus.CHANGES_REQUESTED,
            registration_number=None,
            approved_at=None,
        ),
        "withdrawn": SupporterCompanyFactory(name="退会工業株式会社", status=SupporterStatus.WITHDRAWN),
    }


PUBLIC = ["北見精密工業株式会社", "小樽酒造株式会社", "とかち乳業株式会社"]
NOT_PUBLIC = ["審査中工業株式会社", "未確認工業株式会社", "修正依頼工業株式会社", "退会工業株式会社"]


def names(response) -> list[str]:
    return [company.name for company in response.context["supporters"]]


def private_values(companies) -> list[str]:
    return [
        value
        for company in companies
        for value in (company.contact_name, company.contact_email, company.contact_phone)
        if value
    ]


# --- the directory ----------------------------------------------------------------------------------


def test_directory_lists_only_approved_supporters_in_kana_order(client, supporters):
    response = client.get("/supporters/")
    assert response.status_code == 200
    assert names(response) == ["小樽酒造株式会社", "北見精密工業株式会社", "とかち乳業株式会社"]
    html = response.content.decode()
    for name in NOT_PUBLIC:
        assert name not in html


def test_card_shows_industry_area_offers_message_and_number(client, supporters):
    html = client.get("/supporters/?industry=machinery").content.decode()
    company = supporters["kitami"]
    assert "北見精密工業株式会社" in html
    assert "北見市（オホーツク）" in html
    assert "機械" in html  # industry in Japanese
    assert "職場体験" in html and "インターンシップ" in html
    assert "旋盤の仕事を体験してください。" in html
    assert company.registration_number in html
    assert f'href="/supporters/{company.pk}/"' in html


def test_card_lists_published_tours_only(client, supporters):
    FactoryTourFactory(name="公開の酒蔵見学", supporter=supporters["otaru"])
    FactoryTourFactory(name="下書きの酒蔵見学", supporter=supporters["otaru"], status=ListingStatus.DRAFT)
    response = client.get("/supporters/?industry=brewing")
    [company] = response.context["supporters"]
    assert [tour.name for tour in company.published_tours] == ["公開の酒蔵見学"]
    html = response.content.decode()
    assert "公開の酒蔵見学" in html
    assert "下書きの酒蔵見学" not in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("industry=brewing", ["小樽酒造株式会社"]),
        ("subprefecture=tokachi", ["とかち乳業株式会社"]),
        ("offer=factory_tour", ["小樽酒造株式会社", "とかち乳業株式会社"]),
        ("offer=internship", ["北見精密工業株式会社"]),
        ("q=精密", ["北見精密工業株式会社"]),
        ("q=ｼｭｿﾞｳ", ["小樽酒造株式会社"]),  # half-width katakana of the reading
        ("q=帯広", ["とかち乳業株式会社"]),  # the municipality's name
        ("q=旋盤", ["北見精密工業株式会社"]),  # the PR message
        ("offer=factory_tour&subprefecture=shiribeshi", ["小樽酒造株式会社"]),
        ("q=審査中", []),  # a pending company is never found
    ],
)
def test_filters(client, supporters, query, expected):
    response = client.get(f"/supporters/?{query}")
    assert response.status_code == 200
    assert names(response) == expected
    assert response.context["filter"].ignored() == []


@pytest.mark.parametrize(
    ("query", "name", "value"),
    [
        ("industry=spaceships", "industry", "spaceships"),
        ("subprefecture=atlantis", "subprefecture", "atlantis"),
        ("offer=free_lunch", "offer", "free_lunch"),
        ("q=" + "あ" * 101, "q", "あ" * 101),
    ],
)
def test_bad_filter_values_are_ignored_and_reported(client, supporters, query, name, value):
    response = client.get(f"/supporters/?{query}")
    assert response.status_code == 200
    assert len(names(response)) == 3
    [ignored] = response.context["filter"].ignored()
    assert (ignored["name"], ignored["value"]) == (name, value)
    assert "ignored" in response.content.decode() or "無視" in response.content.decode()


@pytest.mark.parametrize("page", ["abc", "-1", "999"])
def test_bad_page_numbers_do_not_fail(client, supporters, page):
    response = client.get(f"/supporters/?page={page}")
    assert response.status_code == 200


def test_contact_person_is_not_searchable(client, supporters):
    assert names(client.get(f"/supporters/?q={supporters['kitami'].contact_name}")) == []
    assert names(client.get("/supporters/?q=private-contact")) == []


def test_query_count_does_not_grow_with_rows(client, django_assert_max_num_queries):
    def count_for(number: int) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        for _n in range(number):
            company = SupporterCompanyFactory()
            FactoryTourFactory(supporter=company)
            FactoryTourFactory(supporter=company)
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/supporters/?offer=factory_tour&subprefecture=okhotsk")
        assert response.status_code == 200
        return len(queries)

    three = count_for(3)
    thirty = count_for(27)
    assert three == thirty
    with django_assert_max_num_queries(8):
        response = client.get("/supporters/?offer=factory_tour&subprefecture=okhotsk")
    assert len(response.context["supporters"]) == 20


# --- a profile --------------------------------------------------------------------------------------


def test_profile_of_an_approved_supporter(client, supporters):
    company = supporters["otaru"]
    FactoryTourFactory(name="公開の酒蔵見学", supporter=company)
    FactoryTourFactory(name="下書きの酒蔵見学", supporter=company, status=ListingStatus.DRAFT)
    FactoryTourFactory(name="よその工場", supporter=supporters["kitami"])
    Recognition.objects.create(company=company, fiscal_year=2026, kind=RecognitionKind.AWARD, title="応援企業感謝状")
    response = client.get(f"/supporters/{company.pk}/")
    assert response.status_code == 200
    assert [tour.name for tour in response.context["tours"]] == ["公開の酒蔵見学"]
    html = response.content.decode()
    for text in [
        "小樽酒造株式会社",
        "オタルシュゾウ",
        "酒蔵を見に来てください。",
        company.registration_number,
        "応援企業感謝状",
    ]:
        assert text in html, text
    assert "下書きの酒蔵見学" not in html
    assert "よその工場" not in html
    assert f"/supporters/{company.pk}/certificate.pdf" in html


def test_profile_lists_published_lecture_offers(client, supporters):
    company = supporters["tokachi"]
    provider = OrganisationFactory()
    LectureOffer.objects.create(
        title="乳製品ができるまで", provider=provider, supporter=company, status=ListingStatus.PUBLISHED
    )
    LectureOffer.objects.create(title="準備中の講座", provider=provider, supporter=company, status=ListingStatus.DRAFT)
    response = client.get(f"/supporters/{company.pk}/")
    assert [lecture.title for lecture in response.context["lectures"]] == ["乳製品ができるまで"]
    assert "準備中の講座" not in response.content.decode()


@pytest.mark.parametrize("key", ["pending", "unverified", "changes", "withdrawn"])
def test_profile_certificate_and_mark_of_a_non_approved_supporter_are_404(client, supporters, key):
    company = supporters[key]
    assert client.get(f"/supporters/{company.pk}/").status_code == 404
    assert client.get(f"/supporters/{company.pk}/certificate.pdf").status_code == 404
    assert client.get(f"/supporters/{company.pk}/mark.svg").status_code == 404


def test_unknown_profile_is_404(client, supporters):
    assert client.get("/supporters/999999/").status_code == 404


def test_mark_snippet_links_to_the_profile_with_absolute_urls(client, supporters):
    company = supporters["kitami"]
    response = client.get(f"/supporters/{company.pk}/")
    snippet = response.context["mark_snippet"]
    assert snippet.startswith(f'<a href="http://testserver/supporters/{company.pk}/">')
    assert f'src="http://testserver/supporters/{company.pk}/mark.svg"' in snippet
    html = response.content.decode()
    # shown escaped, for copying, in a labelled text area
    assert f"&lt;a href=&quot;http://testserver/supporters/{company.pk}/&quot;&gt;" in html
    assert '<label for="mark-snippet">' in html


# --- the supporter mark -----------------------------------------------------------------------------


def test_mark_is_valid_svg_with_name_number_and_portal(client, supporters):
    company = supporters["kitami"]
    response = client.get(f"/supporters/{company.pk}/mark.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    root = ET.fromstring(response.content)  # noqa: S314 (our own response)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = [element.text for element in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "次世代人材育成応援企業" in texts
    assert "北見精密工業株式会社" in texts
    assert f"No. {company.registration_number}" in texts
    assert "北海道ものづくりポータル" in texts or "Hokkaido Monozukuri Portal" in texts


def test_mark_escapes_the_name(client):
    company = SupporterCompanyFactory(name="<script>alert(1)</script> & \"Sons\" 'Co'")
    response = client.get(f"/supporters/{company.pk}/mark.svg")
    assert b"<script>" not in response.content
    root = ET.fromstring(response.content)  # noqa: S314 (our own response), still well-formed XML
    texts = [element.text for element in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "<script>alert(1)</script> & \"Sons\" 'Co'" in texts


# --- recognitions -----------------------------------------------------------------------------------


def test_recognitions_per_fiscal_year_newest_first_approved_only(client, supporters):
    Recognition.objects.create(
        company=supporters["kitami"], fiscal_year=2025, kind=RecognitionKind.CERTIFICATION, title="職場体験認証"
    )
    Recognition.objects.create(
        company=supporters["otaru"],
        fiscal_year=2026,
        kind=RecognitionKind.AWARD,
        title="応援企業感謝状",
        awarded_on=dt.date(2026, 11, 5),
    )
    Recognition.objects.create(
        company=supporters["withdrawn"], fiscal_year=2026, kind=RecognitionKind.AWARD, title="退会企業の表彰"
    )
    Recognition.objects.create(
        company=supporters["pending"], fiscal_year=2026, kind=RecognitionKind.AWARD, title="審査中企業の表彰"
    )
    response = client.get("/supporters/recognitions/")
    assert response.status_code == 200
    assert [(year, [r.title for r in records]) for year, records in response.context["years"]] == [
        (2026, ["応援企業感謝状"]),
        (2025, ["職場体験認証"]),
    ]
    html = response.content.decode()
    assert html.index("2026年度") < html.index("2025年度")
    assert "令和8年度" in html
    assert "退会企業の表彰" not in html and "審査中企業の表彰" not in html
    assert "2026年11月5日" in html


def test_recognitions_page_without_any(client):
    assert client.get("/supporters/recognitions/").status_code == 200


# --- the directory PDF ------------------------------------------------------------------------------


def pdf_text(content: bytes, tmp_path) -> str:
    file = tmp_path / "directory.pdf"
    file.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(file), "-"], check=True, capture_output=True, text=True, timeout=60
    ).stdout


def test_directory_pdf_lists_the_same_supporters_as_the_page(client, supporters, tmp_path):
    FactoryTourFactory(name="公開の酒蔵見学", supporter=supporters["otaru"])
    response = client.get("/supporters/pdf/?offer=factory_tour")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert "小樽酒造株式会社" in text
    assert "とかち乳業株式会社" in text
    assert "北見精密工業株式会社" not in text  # filtered out
    assert "公開の酒蔵見学" in text
    assert supporters["otaru"].registration_number in text
    for name in NOT_PUBLIC:
        assert name not in text


def test_directory_pdf_reports_ignored_values(client, supporters, tmp_path):
    response = client.get("/supporters/pdf/?industry=spaceships")
    assert response.status_code == 200
    text = pdf_text(response.content, tmp_path)
    assert "spaceships" in text
    assert "北見精密工業株式会社" in text


# --- leak test: the contact person never shows -------------------------------------------------------


def test_no_private_field_on_any_public_page(client, supporters, tmp_path):
    companies = list(SupporterCompany.objects.all())
    secrets = private_values(companies)
    assert len(secrets) == 3 * len(companies)
    approved = supporters["kitami"]
    Recognition.objects.create(company=approved, fiscal_year=2026, kind=RecognitionKind.AWARD, title="感謝状")
    pages = [
        client.get("/supporters/").content.decode(),
        client.get(f"/supporters/?q={approved.name}").content.decode(),
        client.get(f"/supporters/{approved.pk}/").content.decode(),
        client.get(f"/supporters/{approved.pk}/mark.svg").content.decode(),
        client.get(f"/supporters/verify/{approved.certificate_code}/").content.decode(),
        client.get(f"/supporters/verify/{supporters['withdrawn'].certificate_code}/").content.decode(),
        client.get("/supporters/recognitions/").content.decode(),
        pdf_text(client.get("/supporters/pdf/").content, tmp_path),
        pdf_text(client.get(f"/supporters/{approved.pk}/certificate.pdf").content, tmp_path),
    ]
    for number, page in enumerate(pages):
        for secret in secrets:
            assert secret not in page, (number, secret)
        assert "private-contact" not in page
        assert "秘密担当者" not in page


# --- navigation and demo data -----------------------------------------------------------------------


def test_header_links_to_the_directory(client):
    html = client.get("/").content.decode()
    assert 'href="/supporters/"' in html


def test_seed_demo_is_idempotent(db):
    def run() -> str:
        out = io.StringIO()
        call_command("seed_demo", stdout=out)
        return out.getvalue()

    run()
    counts = (SupporterCompany.objects.count(), Enquiry.objects.count(), Recognition.objects.count())
    demo = SupporterCompany.objects.filter(is_demo=True)
    statuses = set(demo.values_list("status", flat=True))
    assert {SupporterStatus.APPROVED, SupporterStatus.PENDING_REVIEW, SupporterStatus.WITHDRAWN} <= statuses
    approved = demo.filter(status=SupporterStatus.APPROVED)
    assert all(company.registration_number for company in approved)
    assert all(company.contact_email.endswith("@example.jp") for company in demo)
    linked = [tour for company in approved for tour in company.tours.filter(is_demo=True)]
    assert len(linked) >= 2
    assert Enquiry.objects.filter(subject_id__in=[tour.pk for tour in linked]).count() >= 2
    assert Recognition.objects.filter(company__is_demo=True).exists()

    second = run()
    assert (SupporterCompany.objects.count(), Enquiry.objects.count(), Recognition.objects.count()) == counts
    assert "0 demo companies added, 0 demo tours linked, 0 enquiries, 0 recognitions" in second
