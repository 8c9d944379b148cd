"""Shared fixtures. Tests run against real PostgreSQL (the development cluster, or DATABASE_URL).

The test database is created by running every migration, so the regions, the working group and the
role groups loaded by data migrations are there in every test.
"""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import override_settings
from django.utils import translation

from portal.roles import PARTNER_EDITOR, SECRETARIAT
from tests.factories import OrganisationFactory, UserFactory


def pytest_configure(config):
    """Tasks (mail, reminders, draws) run at once in the tests, as DESIGN.md asks; before any is enqueued."""
    # override_settings sends setting_changed, which makes django.tasks drop the backends it has cached
    override_settings(TASKS={"default": {"BACKEND": settings.TASKS_BACKENDS["immediate"]}}).enable()


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
