"""Senior advisors in chromium: the anonymised cards, filtered; a school asks for an advisor (errors first,
then sent); axe finds nothing on the list, the join form and the request form (also with its errors)."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import cache

from portal.enquiries.models import Enquiry
from portal.models import Municipality, Subprefecture, WorkingGroup
from supporters.advisor_forms import advisor_request_details
from supporters.models import AdvisorStatus, SeniorAdvisor
from tests.browser.test_accessibility import AXE_OPTIONS, describe
from tests.factories import OrganisationFactory, UserFactory

browser_test = pytest.mark.django_db(transaction=True, serialized_rollback=True)

FOCUSED_ID = "() => document.activeElement && document.activeElement.id"


def assert_no_axe_violations(page, what):
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    assert not violations, f"{what}: {describe(violations)}"


def make_advisor(summary: str, trades: list[str], area: str, **fields) -> SeniorAdvisor:
    advisor = SeniorAdvisor.objects.create(
        name=f"秘密 {summary}",
        email=f"secret{len(summary)}@private.example.jp",
        phone="0157-99-0000",
        former_employer="秘密製作所",
        home_municipality=Municipality.objects.get(code="012084"),
        trades=trades,
        qualifications=["技能検定1級"],
        former_industry="machinery",
        years_of_experience=40,
        activities=["hands_on", "career_talk"],
        consent_to_contact=True,
        status=AdvisorStatus.ACTIVE,
        public_summary=summary,
        summary_approved=True,
        **fields,
    )
    advisor.areas.set(Subprefecture.objects.filter(slug=area))
    return advisor


@pytest.fixture
def advisors():
    cache.clear()
    organisation = OrganisationFactory()
    UserFactory(is_staff=True, organisation=organisation, email="jimukyoku@wg.example.jp")
    group = WorkingGroup.load()
    group.secretariat = organisation
    group.save()
    return [
        make_advisor("元 機械メーカー 旋盤 40年", ["旋盤"], "okhotsk"),
        make_advisor("元 製紙メーカー 設備保全 35年", ["設備保全"], "kushiro"),
    ]


@pytest.mark.browser
@browser_test
def test_advisor_list_and_a_request(page, advisors, mailoutbox, artifacts):
    # The cards, filtered to Okhotsk: one anonymised card, no name anywhere.
    assert page.goto("/advisors/").status == 200
    assert_no_axe_violations(page, "advisor list")
    assert page.locator(".advisor-card h3").all_inner_texts() == [
        "元 機械メーカー 旋盤 40年",
        "元 製紙メーカー 設備保全 35年",
    ]
    page.select_option("#id_subprefecture", "okhotsk")
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_url(re.compile(r"subprefecture=okhotsk"))
    assert page.locator(".advisor-card h3").all_inner_texts() == ["元 機械メーカー 旋盤 40年"]
    assert "秘密" not in page.content()
    assert_no_axe_violations(page, "filtered advisor list")
    page.screenshot(path=str(artifacts / "advisor-list.png"), full_page=True)

    # The join form passes axe too.
    assert page.goto("/advisors/join/").status == 200
    assert_no_axe_violations(page, "advisor join form")

    # A school asks for an advisor: sent empty, the error summary takes the focus and links to each field.
    assert page.goto("/advisors/").status == 200
    page.locator("a.button[href$='/advisors/request/']").click()
    page.wait_for_url("**/advisors/request/")
    assert_no_axe_violations(page, "request form")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.evaluate(FOCUSED_ID) == "error-summary"
    links = page.locator("#error-summary a")
    assert links.count() == 10
    assert_no_axe_violations(page, "request form with errors")
    page.screenshot(path=str(artifacts / "advisor-request-errors.png"), full_page=True)
    links.first.click()
    assert page.evaluate(FOCUSED_ID) == "id_school_name"

    page.fill("#id_school_name", "北見市立北中学校")
    page.fill("#id_teacher_name", "佐藤 花子")
    page.fill("#id_email", "sato@school.example.jp")
    page.fill("#id_phone", "０１５７－１１－２２２２")
    page.select_option("#id_purpose", "career_talk")
    page.fill("#id_trade", "旋盤")
    page.select_option("#id_audience", "junior_high")
    page.fill("#id_pupils", "38")
    page.select_option("#id_municipality", "012084")
    page.check("#id_months_9")  # October
    page.check("#id_weekdays_2")  # Wednesday
    page.check("#id_consent")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/enquiries/[A-Za-z0-9_-]{43}/$"))
    assert_no_axe_violations(page, "request status page")

    enquiry = Enquiry.objects.get()
    assert (enquiry.school_name, enquiry.phone, enquiry.pupils) == ("北見市立北中学校", "0157-11-2222", 38)
    details = advisor_request_details(enquiry)
    assert (details["purpose"], details["trade"], details["municipality"]) == ("career_talk", "旋盤", "012084")
    assert (details["months"], details["weekdays"]) == ([10], [2])
    assert sorted(address for message in mailoutbox for address in message.to) == [
        "jimukyoku@wg.example.jp",
        "sato@school.example.jp",
    ]
