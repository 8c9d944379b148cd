"""A family finds an experience event in chromium, signs up, follows the e-mail's link and cancels.

axe finds nothing on the list, the detail page, the sign-up form (also with its errors), the registration
page and the cancel page; the form works on a phone-sized screen.
"""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from portal.booking.models import Registration
from portal.choices import RegistrationStatus
from tests.browser.test_accessibility import AXE_OPTIONS, describe
from tests.factories import ExperienceEventFactory, SessionFactory

browser_test = pytest.mark.django_db(transaction=True, serialized_rollback=True)

FOCUSED_ID = "() => document.activeElement && document.activeElement.id"
PRIVATE_LINK = re.compile(r"https?://[^/\s]+(/registrations/[A-Za-z0-9_-]{43}/)")


def assert_no_axe_violations(page, what):
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    assert not violations, f"{what}: {describe(violations)}"


@pytest.fixture
def events():
    lathe = ExperienceEventFactory(title="親子で旋盤体験", trade="旋盤", grades="小学4〜6年")
    SessionFactory(offering=lathe, capacity=12, label="午前の部", municipality_code="012084")  # 北見市
    full = ExperienceEventFactory(title="満席の溶接教室", trade="溶接")
    SessionFactory(offering=full, capacity=1, waitlist_enabled=False, seats_taken=1, municipality_code="011002")
    return {"lathe": lathe, "full": full}


@pytest.mark.browser
@browser_test
def test_a_family_signs_up_and_cancels(browser, live_server, events, mailoutbox, artifacts):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        # The list, filtered to Okhotsk sessions with free seats: only the lathe workshop in 北見市.
        assert page.goto("/events/").status == 200
        assert_no_axe_violations(page, "event list")
        # On a phone the results come first: the search conditions open from their summary.
        assert page.locator("#id_subprefecture").is_hidden()
        page.locator("details.filters-panel > summary").click()
        page.select_option("#id_subprefecture", "okhotsk")
        page.check("#id_available")
        page.locator("form.filters button[type=submit]").click()
        page.wait_for_url(re.compile(r"available=on"))
        assert page.locator("h3 a").all_inner_texts() == ["親子で旋盤体験"]
        # the results first again; the summary counts the conditions, the chips show them
        assert page.locator("#id_subprefecture").is_hidden()
        assert "検索条件（2件指定中）" in page.locator("details.filters-panel > summary").inner_text()
        assert "残り12席" in page.content()
        page.screenshot(path=str(artifacts / "events-phone.png"), full_page=True)

        page.get_by_role("link", name="親子で旋盤体験").click()
        page.wait_for_url(f"**/events/{events['lathe'].pk}/")
        assert_no_axe_violations(page, "event detail")
        page.get_by_role("link", name="申し込む").click()
        page.wait_for_url(re.compile(r"/sessions/\d+/signup/$"))
        assert_no_axe_violations(page, "sign-up form")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390  # fits the phone

        # Sent empty: the error summary takes the focus and links to the fields.
        page.locator("form.form button[type=submit]").click()
        page.wait_for_load_state()
        assert page.evaluate(FOCUSED_ID) == "error-summary"
        assert page.locator("#error-summary a").count() == 6
        assert_no_axe_violations(page, "sign-up form with errors")
        page.screenshot(path=str(artifacts / "signup-errors-phone.png"), full_page=True)

        # The school group's fields are hidden for a family, and come back for a school.
        assert page.locator("#party-school").is_hidden()
        page.check("#id_kind_1")
        assert page.locator("#party-school").is_visible()
        page.check("#id_kind_0")

        page.fill("#id_contact_name", "山田 花子")
        page.fill("#id_contact_kana", "やまだ　はなこ")  # hiragana and a full-width space: fine
        page.fill("#id_email", "Hanako@Example.jp")
        page.fill("#id_phone", "０９０－１２３４－５６７８")
        page.select_option("#id_child_1", "e5")
        page.select_option("#id_child_2", "e2")
        page.fill("#id_adults", "1")
        page.check("#id_consent")
        page.locator("form.form button[type=submit]").click()
        page.wait_for_url(re.compile(r"/registrations/[A-Za-z0-9_-]{43}/$"))

        registration = Registration.objects.get()
        assert (registration.status, registration.seats, registration.email) == (
            RegistrationStatus.CONFIRMED,
            3,
            "hanako@example.jp",
        )
        assert (registration.contact_kana, registration.phone) == ("ヤマダ\u3000ハナコ", "090-1234-5678")
        assert page.locator(".messages").count() == 1
        assert_no_axe_violations(page, "registration page")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(artifacts / "registration-phone.png"), full_page=True)

        # The confirmation e-mail's private link opens the same page (in a fresh browser: no session).
        confirmation = next(message for message in mailoutbox if message.to == ["hanako@example.jp"])
        path = PRIVATE_LINK.search(confirmation.body).group(1)
        stranger = browser.new_context(base_url=live_server.url).new_page()
        assert stranger.goto(path).status == 200
        assert "山田 花子" in stranger.content()

        # Cancel, with a confirmation step; then the page says so and offers no second cancel.
        stranger.get_by_role("link", name="この申込みを取り消す").click()
        stranger.wait_for_url(f"**{path}cancel/")
        assert_no_axe_violations(stranger, "cancel page")
        stranger.get_by_role("button", name="はい、申込みを取り消します").click()
        stranger.wait_for_url(f"**{path}")
        registration.refresh_from_db()
        assert registration.status == RegistrationStatus.CANCELLED
        assert stranger.get_by_role("link", name="この申込みを取り消す").count() == 0
        assert registration.session.__class__.objects.get(pk=registration.session_id).seats_taken == 0
        stranger.context.close()
    finally:
        context.close()
