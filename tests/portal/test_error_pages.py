"""Custom error pages (400, 403, CSRF failure, 404, 500) in Japanese and English, in the portal's layout."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.utils import translation
from django.views import defaults

pytestmark = pytest.mark.django_db


def _render(view, path, language, **kwargs):
    request = RequestFactory().get(path)
    request.LANGUAGE_CODE = language
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    with translation.override(language):
        return view(request, **kwargs)


@pytest.mark.parametrize(
    ("language", "heading"),
    [("ja", "このページを見る権限がありません"), ("en", "You do not have access to this page")],
)
def test_403_page_in_both_languages(language, heading):
    response = _render(defaults.permission_denied, "/", language, exception=PermissionDenied())
    html = response.content.decode()
    assert response.status_code == 403
    assert heading in html
    assert f'<html lang="{language}"' in html
    assert '<a class="skip-link"' in html or 'href="#main"' in html  # the portal's layout, with its skip link


@pytest.mark.parametrize(
    ("language", "heading"),
    [("ja", "リクエストを処理できませんでした"), ("en", "We could not understand this request")],
)
def test_400_page_in_both_languages(language, heading):
    response = _render(defaults.bad_request, "/", language, exception=ValueError())
    assert response.status_code == 400
    assert heading in response.content.decode()


def test_a_form_sent_without_its_csrf_token_gets_a_polite_page_and_nothing_is_saved(settings):
    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True)
    response = client.post("/en/supporters/join/", {"name": "Test"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "The form could not be sent" in html
    assert "Nothing was saved" in html
    response = client.post("/supporters/join/", {"name": "Test"})
    assert "送信できませんでした" in response.content.decode()


def test_500_page_stands_alone_in_both_languages_without_inline_styles_or_scripts():
    response = defaults.server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "エラーが発生しました" in html
    assert 'lang="en"' in html
    assert "Sorry, something went wrong" in html
    assert not re.search(r"\sstyle=", html)
    assert "<script" not in html
    assert re.search(r'<link rel="stylesheet" href="/static/css/portal[^"]*\.css">', html)


def test_a_disallowed_host_gets_the_400_page(settings):
    settings.DEBUG = False
    response = Client().get("/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert "リクエストを処理できませんでした" in response.content.decode()
