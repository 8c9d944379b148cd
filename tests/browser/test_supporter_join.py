"""A company's HR person joins the supporters' club on a phone in chromium: one page (the postcode fills the
address), at most 12 things to fill in, then the e-mail's link; axe finds nothing, errors included."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import cache

from supporters.models import SupporterCompany, SupporterStatus
from tests.browser.test_accessibility import AXE_OPTIONS, describe

browser_test = pytest.mark.django_db(transaction=True, serialized_rollback=True)

FOCUSED_ID = "() => document.activeElement && document.activeElement.id"
VERIFY_LINK = re.compile(r"https?://[^/\s]+(/supporters/join/verify/[^/\s]+/)")
MAX_FIELDS = 12


def assert_no_axe_violations(page, what):
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    assert not violations, f"{what}: {describe(violations)}"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.browser
@browser_test
def test_a_company_joins_in_one_page_and_one_click(browser, live_server, mailoutbox, artifacts):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        assert page.goto("/supporters/join/").status == 200
        assert_no_axe_violations(page, "join form")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390  # fits the phone

        # Sent empty: the error summary takes the focus and links to each field to fill.
        page.locator("form.form button[type=submit]").click()
        page.wait_for_load_state()
        assert page.evaluate(FOCUSED_ID) == "error-summary"
        assert page.locator("#error-summary a").count() == 10
        assert_no_axe_violations(page, "join form with errors")
        page.screenshot(path=str(artifacts / "supporter-join-errors-phone.png"), full_page=True)

        filled = []

        def fill(selector, value):
            page.fill(selector, value)
            filled.append(selector)

        def check(selector):
            page.check(selector)
            filled.append(selector)

        fill("#id_name", "株式会社北海道精機")
        fill("#id_name_kana", "ほっかいどうせいき")
        fill("#id_postcode", "０６０－０００１")
        page.get_by_role("button", name=re.compile("郵便番号|postcode")).click()  # a click, not a field
        page.wait_for_function("() => document.getElementById('id_address').value !== ''")
        assert page.input_value("#id_address") == "北海道札幌市中央区北一条西"
        assert page.input_value("#id_municipality") == "011011"
        assert page.input_value("#id_postcode") == "060-0001"
        page.select_option("#id_industry", "machinery")
        filled.append("#id_industry")
        check("#id_offers_0")
        fill("#id_contact_name", "山田花子")
        fill("#id_email", "hanako@seiki.example.jp")
        fill("#id_password", "kita-no-monozukuri-2026")
        fill("#id_password_again", "kita-no-monozukuri-2026")
        check("#id_consent")
        assert len(filled) <= MAX_FIELDS, filled

        page.locator("form.form button[type=submit]").click()
        page.wait_for_url("**/supporters/join/sent/")
        assert_no_axe_violations(page, "check your e-mail page")
        company = SupporterCompany.objects.get()
        assert (company.name_kana, company.municipality_id, company.status) == (
            "ホッカイドウセイキ",
            "011011",
            SupporterStatus.UNVERIFIED,
        )

        # The one e-mail click: the link confirms the address and signs the person in.
        message = next(m for m in mailoutbox if m.to == ["hanako@seiki.example.jp"])
        path = VERIFY_LINK.search(message.body).group(1)
        assert page.goto(path).status == 200
        assert_no_axe_violations(page, "verified page")
        page.screenshot(path=str(artifacts / "supporter-join-verified-phone.png"), full_page=True)
        company.refresh_from_db()
        assert company.status == SupporterStatus.PENDING_REVIEW
    finally:
        context.close()
