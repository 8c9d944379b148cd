"""A school requests a tour in chromium: the error summary takes focus, axe finds nothing, the status page opens."""

import datetime as dt
import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from portal import dates
from portal.models import Enquiry
from tests.browser.test_accessibility import AXE_OPTIONS, describe
from tests.factories import FactoryTourFactory

browser_test = pytest.mark.django_db(transaction=True, serialized_rollback=True)

FOCUSED_ID = "() => document.activeElement && document.activeElement.id"


def assert_no_axe_violations(page, what):
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    assert not violations, f"{what}: {describe(violations)}"


@pytest.mark.browser
@browser_test
def test_request_a_tour(page, mailoutbox, artifacts):
    tour = FactoryTourFactory(name="製紙工場見学", group_min=10, group_max=50, lead_time_days=14)
    FactoryTourFactory(name="小さな工房", group_min=2, group_max=10)
    day = dates.today() + dt.timedelta(days=30)

    # A teacher filters the list for a class of 38, opens the one tour that fits and asks for a visit.
    assert page.goto("/tours/").status == 200
    page.fill("#id_group_size", "38")
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_url(re.compile(r"group_size=38"))
    assert page.locator(".tour-card h3").all_inner_texts() == ["製紙工場見学"]
    page.get_by_role("link", name="製紙工場見学").click()
    page.wait_for_url(f"**/tours/{tour.pk}/")
    page.get_by_role("link", name="見学を申し込む").click()
    page.wait_for_url(f"**/tours/{tour.pk}/request/")
    assert_no_axe_violations(page, "request form")

    # Sent empty: the error summary at the top takes the focus and links to each field.
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.evaluate(FOCUSED_ID) == "error-summary"
    links = page.locator("#error-summary a")
    assert links.count() == 9
    assert_no_axe_violations(page, "request form with errors")
    page.screenshot(path=str(artifacts / "tour-request-errors.png"), full_page=True)
    links.first.click()
    assert page.evaluate(FOCUSED_ID) == "id_school_name"

    page.fill("#id_school_name", "北見市立北中学校")
    page.fill("#id_teacher_name", "山田花子")
    page.fill("#id_email", "yamada@school.example.jp")
    page.fill("#id_phone", "０１５８－４２－１２３４")
    page.fill("#id_grade", "中学2年")
    page.fill("#id_pupils", "38")
    page.fill("#id_adults", "3")
    page.fill("#id_preferred_date_1", day.isoformat())
    page.check("#id_coming_by_bus")
    page.check("#id_consent")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/enquiries/[A-Za-z0-9_-]{43}/$"))

    enquiry = Enquiry.objects.get()
    assert (enquiry.school_name, enquiry.phone, enquiry.pupils, enquiry.preferred_date_1) == (
        "北見市立北中学校",
        "0158-42-1234",
        38,
        day,
    )
    assert page.locator(".messages").count() == 1
    assert "北見市立北中学校" in page.content()
    assert_no_axe_violations(page, "status page")
    page.screenshot(path=str(artifacts / "tour-request-status.png"), full_page=True)

    # The receipt's link opens the same page (mail goes out after the commit, in the server's thread).
    receipt = next(message for message in mailoutbox if message.to == ["yamada@school.example.jp"])
    assert page.url in receipt.body
