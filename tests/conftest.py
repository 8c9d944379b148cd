"""Shared fixtures. Tests run against real PostgreSQL (the development cluster, or DATABASE_URL).

The test database is created by running every migration, so the regions, the working group and the
role groups loaded by data migrations are there in every test.
"""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client, override_settings
from django.utils import translation

from portal.roles import PARTNER_EDITOR, SECRETARIAT
from tests.factories import OrganisationFactory, UserFactory


def pytest_configure(config):
    """Tasks (mail, reminders, draws) run at once in the tests, as DESIGN.md asks; before any is enqueued."""
    # override_settings sends setting_changed, which makes django.tasks drop the backends it has cached
    override_settings(TASKS={"default": {"BACKEND": settings.TASKS_BACKENDS["immediate"]}}).enable()


def pytest_fixture_post_finalizer(fixturedef, request):
    """After the flush that ends a serialized-rollback test (the browser tests, the concurrency tests, the backup
    test), load the reference data back.

    Serialized rollback only restores that data when the *next* serialized-rollback test starts, so
    without this the tests after the last of them (and a test database kept with --reuse-db)
    would find no subprefectures. Runs once the function-scoped ``_django_db_helper`` is finished,
    while the test database still exists.
    """
    if fixturedef.argname != "_django_db_helper":
        return
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("serialized_rollback"):
        return  # rolled back, or flushed and given fresh content types by post_migrate: leave it
    from django.db import connections

    with request.getfixturevalue("django_db_blocker").unblock():
        for connection in connections.all():
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents:
                connection.creation.deserialize_db_from_string(contents)


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the site's language, whatever language an earlier test's request activated."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Test users need a password, not a slow one: MD5 instead of PBKDF2's many rounds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def confirmed_device(user):
    """The user's confirmed authenticator app (django-otp's TOTP device), created when they have none."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="default", confirmed=True)


@pytest.fixture(autouse=True)
def staff_sign_in_with_second_factor(monkeypatch):
    """``client.force_login(staff_user)`` signs in as the two-factor sign-in does (password and the code of a
    confirmed authenticator app), so that tests of staff pages test those pages. The sign-in itself is tested
    through its form (tests/portal/test_two_factor.py), and ``force_login(user, otp=False)`` stops at the password.
    """
    from django_otp import DEVICE_ID_SESSION_KEY

    original = Client.force_login

    def force_login(self, user, backend=None, *, otp=True):
        original(self, user, backend)
        if otp and user.is_staff:
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = confirmed_device(user).persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def fresh_rate_limits(request, django_db_blocker):
    """Each test that uses the database starts with no rate-limit counts (they live in the shared cache, a
    PostgreSQL table that neither rollbacks of other tests nor flushes empty)."""
    uses_db = request.node.get_closest_marker("django_db") is not None or {
        "db",
        "transactional_db",
        "live_server",
    } & set(request.fixturenames)
    if uses_db:
        from django.core.cache import caches

        request.getfixturevalue("django_db_setup")
        with django_db_blocker.unblock():
            caches["shared"].clear()
    yield


@pytest.fixture
def organisation(db):
    return OrganisationFactory()


@pytest.fixture
def secretariat_user(db, organisation):
    user = UserFactory(is_staff=True, organisation=organisation)
    user.groups.add(Group.objects.get(name=SECRETARIAT))
    return user


@pytest.fixture
def partner_editor(db, organisation):
    user = UserFactory(is_staff=True, organisation=organisation)
    user.groups.add(Group.objects.get(name=PARTNER_EDITOR))
    return user


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    """client.post, then run what the view left for after the commit (the mails), as a real request would."""

    def post(client, path, data=None, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path, data or {}, **kwargs)

    return post
