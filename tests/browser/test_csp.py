"""The Content-Security-Policy holds in a real browser: no page (public, forms in their error state, the map with
its tiles and clusters, the staff sign-in, the admin) makes chromium refuse a script or a style."""

import pytest

from portal.models import Municipality
from tests.browser.conftest import sign_in
from tests.factories import FactoryTourFactory

browser_test = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def violations_on(page, path, *, submit_empty_form=False):
    seen = []
    page.on("console", lambda message: seen.append(message.text) if "Content Security Policy" in message.text else None)
    page.goto(path)
    if submit_empty_form:
        page.locator("main form[method=post] button[type=submit]").first.click()
        page.wait_for_load_state()
    page.wait_for_timeout(300)  # late violations (scripts that run after load)
    return seen


@pytest.mark.browser
@browser_test
def test_public_pages_and_forms_break_no_rule(page):
    tour = FactoryTourFactory(status="published", municipality=Municipality.objects.get(code="012084"))
    for path, submit in [
        ("/", False),
        ("/tours/?month=10", False),
        (f"/tours/{tour.pk}/", False),
        (f"/tours/{tour.pk}/request/", True),
        ("/supporters/join/", True),
        ("/map/", False),
        ("/en/events/", False),
        ("/account/login/", False),
    ]:
        assert violations_on(page, path, submit_empty_form=submit) == [], path


@pytest.mark.browser
@browser_test
def test_the_admin_breaks_no_rule(page, live_server, secretariat_user):
    tour = FactoryTourFactory(status="published", municipality=Municipality.objects.get(code="012084"))
    sign_in(page, live_server, secretariat_user)
    for path in [
        "/admin/",
        "/admin/programmes/factorytour/",
        f"/admin/programmes/factorytour/{tour.pk}/change/",
        "/admin/programmes/factorytour/import/",
        "/admin/portal/enquiry/",
    ]:
        assert violations_on(page, path) == [], path
        assert page.locator("#content").count() == 1, path  # the admin page itself, not the sign-in
