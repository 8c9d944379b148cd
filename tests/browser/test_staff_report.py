"""The staff report (/staff/) in chromium, signed in as the secretariat: axe finds nothing, in Japanese and in
English, with every folded table opened too; the year form and the organisation form work without script."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django_otp import DEVICE_ID_SESSION_KEY

from tests.browser.test_accessibility import AXE_OPTIONS, describe
from tests.conftest import confirmed_device
from tests.portal.test_reports import world  # noqa: F401 - the fixture with both fiscal years' data

browser_test = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def sign_in_with_second_factor(page, live_server, user):
    """The session cookie of a staff user signed in with password and authenticator app."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = confirmed_device(user).persistent_id
    session.save()
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": live_server.url}]
    )


def assert_no_axe_violations(page, what):
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    assert not violations, f"{what}: {describe(violations)}"


@pytest.mark.browser
@browser_test
def test_the_staff_report_has_no_axe_violations(page, live_server, world, secretariat_user, artifacts):  # noqa: F811
    sign_in_with_second_factor(page, live_server, secretariat_user)
    for path in ("/staff/?year=2026", "/en/staff/?year=2026", "/en/staff/?year=nonsense"):
        response = page.goto(path)
        assert response.status == 200, path
        assert_no_axe_violations(page, path)
        page.evaluate("() => document.querySelectorAll('details').forEach((details) => { details.open = true; })")
        assert_no_axe_violations(page, f"{path} with every table open")
    page.screenshot(path=str(artifacts / "staff-report.png"), full_page=True)

    # choosing another year and one organisation: a plain GET form
    page.goto("/en/staff/?year=2026")
    page.select_option("#report-year", "2025")
    page.select_option("#report-organisation", str(world.org_b.pk))
    page.get_by_role("button", name="Show the report").click()
    page.wait_for_url(f"**/en/staff/?year=2025&organisation={world.org_b.pk}")
    assert page.locator("h1").inner_text() == "Staff report FY2025 (Reiwa 7)"
    assert_no_axe_violations(page, "FY2025, one organisation")
