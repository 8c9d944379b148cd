"""The micro-cache of public pages (portal/pagecache.py): anonymous GETs are rendered once per PAGE_CACHE_SECONDS
and process; signed-in users, visitors with a session or a pending message, and form pages always get fresh ones."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from portal.models import Municipality
from tests.factories import FactoryTourFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 30
    caches["pages"].clear()
    yield
    caches["pages"].clear()


def queries_of(client, path, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **extra)
    assert response.status_code == 200, path
    return response, len(queries)


def _tour(name):
    return FactoryTourFactory(name=name, status="published", municipality=Municipality.objects.get(code="012084"))


def test_an_anonymous_page_is_rendered_once_then_served_from_the_cache(page_cache):
    _tour("北見の工場")
    client = Client()
    first, rendered = queries_of(client, "/tours/?month=10")
    assert rendered > 0
    again, cached = queries_of(client, "/tours/?month=10")
    assert cached == 0
    assert again.content == first.content
    assert "max-age=30" in again["Cache-Control"]
    # another query string or language is another page
    assert queries_of(client, "/tours/?month=11")[1] > 0
    assert queries_of(client, "/en/tours/?month=10")[1] > 0


def test_a_change_shows_once_the_cached_page_expires(page_cache):
    client = Client()
    assert "新しい工場" not in client.get("/tours/").content.decode()
    _tour("新しい工場")
    assert "新しい工場" not in client.get("/tours/").content.decode()  # within PAGE_CACHE_SECONDS
    caches["pages"].clear()  # what expiry does
    assert "新しい工場" in client.get("/tours/").content.decode()


def test_signed_in_users_and_visitors_with_a_session_or_a_message_get_fresh_pages(page_cache, secretariat_user):
    queries_of(Client(), "/tours/")
    staff = Client()
    staff.force_login(secretariat_user)
    assert queries_of(staff, "/tours/")[1] > 0
    assert queries_of(Client(), "/tours/", HTTP_COOKIE="messages=abc")[1] > 0
    assert queries_of(Client(), "/tours/")[1] == 0


def test_form_pages_are_never_cached(page_cache):
    tour = _tour("北見の工場")
    client = Client()
    queries_of(client, f"/tours/{tour.pk}/request/")
    assert queries_of(client, f"/tours/{tour.pk}/request/")[1] > 0


def test_off_by_default_in_development(settings):
    assert settings.PAGE_CACHE_SECONDS == 0  # the tests run with DEBUG's defaults
    client = Client()
    queries_of(client, "/tours/")
    assert queries_of(client, "/tours/")[1] > 0
