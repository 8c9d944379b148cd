"""A supporter company's user in chromium: opens the dashboard, edits the profile, answers a school's request;
axe finds nothing on the dashboard's pages."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from portal.choices import EnquiryKind, EnquiryStatus
from portal.enquiries.models import Enquiry
from supporters.models import SupporterCompany
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import AXE_OPTIONS, describe
from tests.factories import FactoryTourFactory
from tests.supporters.test_dashboard import make_company, make_enquiry, make_member

browser_test = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def assert_no_axe_violations(page, what):
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    assert not violations, f"{what}: {describe(violations)}"


@pytest.mark.browser
@browser_test
def test_dashboard_profile_and_answer(page, live_server, mailoutbox, artifacts):
    company = make_company()
    user = make_member(company, "owner@kitami.example.jp")
    tour = FactoryTourFactory(name="北見製作所の工場", supporter=company)
    enquiry = make_enquiry(tour, kind=EnquiryKind.TOUR)
    sign_in(page, live_server, user)

    assert page.goto("/supporters/dashboard/").status == 200
    assert "2026-0001" in page.content()
    assert_no_axe_violations(page, "overview")
    page.screenshot(path=str(artifacts / "supporter-dashboard.png"), full_page=True)

    # The profile: a bad website first (the error summary takes focus), then a new PR message.
    page.locator('main a[href="/supporters/dashboard/profile/"]').first.click()
    page.wait_for_url("**/supporters/dashboard/profile/")
    assert_no_axe_violations(page, "profile form")
    page.fill("#id_website", "not a url")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.evaluate("() => document.activeElement.id") == "error-summary"
    assert_no_axe_violations(page, "profile form with errors")
    page.fill("#id_website", "https://kitami.example.jp/")
    page.fill("#id_pr_message", "若い人に工場の魅力を伝えます。")
    page.check("#id_offers_1")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url("**/supporters/dashboard/")
    assert page.locator(".messages").count() == 1
    company = SupporterCompany.objects.get(pk=company.pk)
    assert company.pending_changes["pr_message"] == "若い人に工場の魅力を伝えます。"
    assert company.pr_message == "ものづくりの楽しさを伝えます。"

    # The school's request: accept it with a message.
    for path in ("/supporters/dashboard/tours/", "/supporters/dashboard/tours/new/", "/supporters/dashboard/activity/"):
        assert page.goto(path).status == 200
        assert_no_axe_violations(page, path)
    page.goto("/supporters/dashboard/enquiries/")
    assert_no_axe_violations(page, "enquiry list")
    page.get_by_role("link", name="北見市立北中学校").click()
    page.wait_for_url(f"**/supporters/dashboard/enquiries/{enquiry.pk}/")
    assert_no_axe_violations(page, "enquiry detail")
    page.check("#id_answer_0")
    page.fill("#id_message", "5月20日の10時にお待ちしています。")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()
    assert Enquiry.objects.get(pk=enquiry.pk).status == EnquiryStatus.ACCEPTED
    assert "5月20日の10時にお待ちしています。" in page.content()
    assert_no_axe_violations(page, "answered enquiry")
    page.screenshot(path=str(artifacts / "supporter-dashboard-enquiry.png"), full_page=True)
    assert any(message.to == ["yamada@school.example.jp"] for message in mailoutbox)
