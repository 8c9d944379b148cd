"""Browser tests: Playwright's sync API drives Debian's chromium against pytest-django's live_server.

Playwright cannot download its own browser here, so the tests launch /usr/bin/chromium. Without it they
are skipped with a reason, or fail when the CI environment variable is set (CI must not go green by
skipping them).

Three things to know:

- Playwright's sync API keeps an asyncio event loop running in the test thread from the start of the
  browser to the end of the session. Django then refuses ORM calls in that thread unless
  DJANGO_ALLOW_ASYNC_UNSAFE is set, and keeps its database connections in a context-local store instead
  of the thread-local one (new connection objects). The ``browser`` fixture deals with both.
- So that no other test runs with that variable set (``check --deploy`` warns about it), the tests in
  this directory run last (``pytest_collection_modifyitems`` below).
- live_server needs transactional tests, and those end with a flush of the whole test database. The
  reference data loaded by data migrations (regions, the working group, role groups) would be lost, so
  every browser test is marked ``@pytest.mark.django_db(transaction=True, serialized_rollback=True)``,
  and after each such test's flush ``pytest_fixture_post_finalizer`` (tests/conftest.py) loads that data back.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE.parent / "artifacts"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Run this directory's tests after all others, in file order (after pytest-django's reordering).

    A test function with ``run_last = True`` goes to the very end (it checks what the others leave behind).
    """
    here = [item for item in items if HERE in Path(item.path).parents]

    def order(item):
        run_last = getattr(getattr(item, "function", None), "run_last", False)
        return run_last, str(item.path), item.reportinfo()[1] or 0

    here.sort(key=order)
    items[:] = [item for item in items if HERE not in Path(item.path).parents] + here


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists() or not os.access(CHROMIUM, os.X_OK):
        message = (
            f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium); "
            "the browser and accessibility tests need it."
        )
        if os.environ.get("CI"):
            pytest.fail(message + " CI is set, so this is a failure, not a skip.", pytrace=False)
        pytest.skip(message)
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # The test database's serialized contents (for serialized rollback) hang on the connection objects,
    # which Django replaces once Playwright's event loop runs: carry them over.
    serialized = {
        connection.alias: connection._test_serialized_contents
        for connection in connections.all()
        if hasattr(connection, "_test_serialized_contents")
    }
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        for alias, contents in serialized.items():
            connections[alias]._test_serialized_contents = contents
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        connections.close_all()  # the connections opened while the loop ran, before they become unreachable
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context and page per test, on a desktop-sized viewport, with live_server as base URL."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def artifacts():
    """tests/artifacts/ (git-ignored): screenshots for a human to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def sign_in(page, live_server, user):
    """The session cookie of a signed-in user (as client.force_login), set in the browser; a staff user is also
    verified with their authenticator app (tests/conftest.py makes the device)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY

    from tests.conftest import confirmed_device

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if user.is_staff:
        session[DEVICE_ID_SESSION_KEY] = confirmed_device(user).persistent_id
    session.save()
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": live_server.url}]
    )
