"""/api/supporters/: approved companies only, their public profile and never their contact person, the filters
of /supporters/ with the same results and order, 400 for bad values, constant queries per page."""

import pytest

from portal.choices import ListingStatus
from supporters.models import Recognition, RecognitionKind, SupporterStatus
from tests.api.conftest import LectureOfferFactory, api_get, api_ids, count_queries, page_ids
from tests.factories import FactoryTourFactory, SupporterCompanyFactory

pytestmark = pytest.mark.django_db

LIST = "/api/supporters/"


@pytest.fixture
def supporters():
    """Three approved supporters in three areas and industries, and one of each non-public status."""
    return {
        "kitami": SupporterCompanyFactory(
            name="北見精密工業株式会社",
            name_kana="キタミセイミツコウギョウ",
            corporate_number="1234567890123",
            industry="machinery",
            offers=["workplace_experience", "internship"],
            pr_message="旋盤の仕事を体験してください。",
            postcode="090-0001",
            address="北見市大通西1丁目",
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
            name="審査中工業株式会社", status=SupporterStatus.PENDING_REVIEW, registration_number=None, approved_at=None
        ),
        "withdrawn": SupporterCompanyFactory(name="退会工業株式会社", status=SupporterStatus.WITHDRAWN),
    }


def test_only_approved_supporters_with_their_public_profile(client, supporters):
    company = supporters["kitami"]
    tour = FactoryTourFactory(name="精密加工見学", supporter=company)
    FactoryTourFactory(name="下書き見学", supporter=company, status=ListingStatus.DRAFT)
    lecture = LectureOfferFactory(title="旋盤の話", supporter=company)
    Recognition.objects.create(company=company, fiscal_year=2026, kind=RecognitionKind.AWARD, title="優良企業賞")
    assert sorted(api_ids(client, LIST)) == sorted(supporters[name].pk for name in ("kitami", "otaru", "tokachi"))
    for hidden in ("pending", "withdrawn"):
        assert api_get(client, f"{LIST}{supporters[hidden].pk}/").status_code == 404
    data = api_get(client, f"{LIST}{company.pk}/").json()
    assert data == {
        "id": company.pk,
        "url": f"http://testserver/supporters/{company.pk}/",
        "name": "北見精密工業株式会社",
        "name_kana": "キタミセイミツコウギョウ",
        "registration_number": company.registration_number,
        "since": data["since"],
        "industry": "machinery",
        "offers": ["workplace_experience", "internship"],
        "municipality": {"code": "012084", "name": "北見市", "name_en": "Kitami", "subprefecture": "okhotsk"},
        "postcode": "090-0001",
        "address": "北見市大通西1丁目",
        "website": "",
        "pr_message": "旋盤の仕事を体験してください。",
        "logo": None,
        "tours": [{"id": tour.pk, "name": "精密加工見学", "name_en": "", "url": f"http://testserver/tours/{tour.pk}/"}],
        "lectures": [
            {
                "id": lecture.pk,
                "title": "旋盤の話",
                "title_en": "",
                "url": f"http://testserver/seminars/lectures/{lecture.pk}/",
            }
        ],
        "recognitions": [{"fiscal_year": 2026, "kind": "award", "title": "優良企業賞", "awarded_on": None}],
        "is_demo": False,
    }


def test_the_contact_person_never_appears(client, supporters):
    """Leak test: the contact person's name, e-mail and phone (created first) are in no answer of the API."""
    pages = [
        api_get(client, LIST, "page_size=200"),
        *(api_get(client, f"{LIST}{company.pk}/") for company in supporters.values()),
        api_get(client, LIST, "q=秘密担当者"),
    ]
    content = "".join(page.content.decode() for page in pages)
    for company in supporters.values():
        for private in (company.contact_name, company.contact_email, company.contact_phone, company.certificate_code):
            assert private not in content
    assert "1234567890123" not in content  # the corporate number is not on the profile page either
    assert api_ids(client, LIST, "q=秘密担当者") == []  # search reads public fields only


@pytest.mark.parametrize(
    "query",
    [
        "",
        "subprefecture=okhotsk",
        "industry=brewing",
        "offer=factory_tour",
        "q=酒蔵",
        "q=帯広",
        "q=キタミ",
        "subprefecture=tokachi&offer=outreach_lecture",
    ],
)
def test_filters_give_the_pages_results_in_its_order(client, supporters, query):
    api = api_ids(client, LIST, query)
    assert api == page_ids(client, "/supporters/", query, "supporters")
    assert api


@pytest.mark.parametrize(
    ("query", "names"),
    [("offer=money", ["offer"]), ("industry=magic&subprefecture=nowhere", ["industry", "subprefecture"])],
)
def test_a_bad_value_is_a_400_that_names_it(client, supporters, query, names):
    response = api_get(client, LIST, query)
    assert response.status_code == 400
    assert sorted(response.json()["errors"]) == names


def test_query_count_is_constant_per_page(client):
    SupporterCompanyFactory()
    few = count_queries(client, LIST)
    for _number in range(8):
        company = SupporterCompanyFactory()
        FactoryTourFactory(supporter=company)
        LectureOfferFactory(supporter=company)
        Recognition.objects.create(company=company, fiscal_year=2026, kind=RecognitionKind.AWARD, title="賞")
    assert count_queries(client, LIST) == few
    assert len(api_get(client, LIST).json()["results"]) == 9
