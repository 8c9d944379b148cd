"""Security headers on every kind of page: a Content-Security-Policy with no inline scripts or styles, and pages
that need none (no inline <script>, no on…= handlers, no style= attributes)."""

import re

import pytest
from django.test import Client

from portal.models import Municipality
from tests.programmes.factories import FactoryTourFactory

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.I)


def _directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.fixture
def pages(db):
    tour = FactoryTourFactory(status="published", municipality=Municipality.objects.get(code="012084"))
    return [
        "/",
        "/en/",
        "/tours/",
        f"/tours/{tour.pk}/",
        f"/tours/{tour.pk}/request/",
        "/events/",
        "/seminars/",
        "/supporters/",
        "/supporters/join/",
        "/advisors/",
        "/map/",
        "/opendata/",
        "/about/",
        "/privacy/",
        "/no-such-page/",
        "/account/login/",
    ]


def test_every_page_has_a_strict_policy_and_needs_no_inline_code(pages):
    client = Client()
    for path in pages:
        response = client.get(path)
        assert response.status_code in (200, 404), path
        policy = _directives(response["Content-Security-Policy"])
        assert policy["script-src"] == ["'self'"], path
        assert policy["style-src"] == ["'self'"], path
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), (path, INLINE_SCRIPT.search(html).group(0))
        assert not HANDLER.search(html), (path, HANDLER.search(html).group(0))
        assert not STYLE_ATTRIBUTE.search(html), (path, STYLE_ATTRIBUTE.search(html).group(0))
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"


def test_a_form_with_errors_needs_no_inline_script(pages):
    response = Client().post(pages[4], {})  # the tour request form, sent empty
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert not INLINE_SCRIPT.search(html)
    assert "js/portal" in html  # the shared script focuses the summary
