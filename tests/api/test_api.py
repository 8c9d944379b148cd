"""/api/ itself: the root, the OpenAPI schema (valid, generated without warnings), the documentation page (no
inline script), the browsable pages, the answer's language and the anonymous rate limit."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import caches
from django.core.management import call_command
from openapi_spec_validator import validate

from tests.api.conftest import api_get
from tests.factories import FactoryTourFactory

pytestmark = pytest.mark.django_db

# the filters of the URL contract (DESIGN.md), which the API documents too
TOUR_FILTERS = [
    *("q", "subprefecture", "municipality", "industry", "audience", "month", "group_size"),
    *("bus_parking", "wheelchair", "free", "near", "page"),
]
EVENT_FILTERS = ["q", "subprefecture", "municipality", "audience", "from", "to", "available", "page"]
SEMINAR_FILTERS = ["q", "kind", "subprefecture", "audience", "from", "to", "available", "page"]
SUPPORTER_FILTERS = ["q", "subprefecture", "industry", "offer", "page"]
ENDPOINTS = ["tours", "events", "supporters", "seminars", "lectures", "municipalities", "subprefectures"]


def test_root_lists_every_endpoint_the_schema_and_the_docs(client):
    response = api_get(client, "/api/")
    assert response.status_code == 200
    data = response.json()
    assert list(data["endpoints"]) == ENDPOINTS
    assert data["endpoints"]["tours"] == "http://testserver/api/tours/"
    assert (data["schema"], data["docs"]) == ("http://testserver/api/schema/", "http://testserver/api/docs/")
    assert data["licence"]["name"] == "CC BY 4.0"
    assert data["rate_limit"] == "120/min"
    for url in data["endpoints"].values():
        assert client.get(url, headers={"accept": "application/json"}).status_code == 200, url


def test_schema_is_valid_openapi(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate(schema)
    assert schema["info"]["license"]["name"] == "CC BY 4.0"
    assert sorted(schema["paths"]) == sorted(
        [f"/api/{name}/" for name in ENDPOINTS]
        + [f"/api/{name}/{{id}}/" for name in ENDPOINTS[:5]]
        + ["/api/municipalities/{code}/", "/api/subprefectures/{slug}/"]
    )
    tours = schema["paths"]["/api/tours/"]["get"]
    parameters = {parameter["name"]: parameter["schema"] for parameter in tours["parameters"]}
    assert set(TOUR_FILTERS) <= set(parameters)
    assert parameters["month"]["enum"] == sorted([str(month) for month in range(1, 13)], key=str)
    assert parameters["near"]["pattern"] == "^01[0-9]{4}$"
    assert parameters["bus_parking"] == {"type": "boolean"}
    assert set(tours["responses"]) == {"200", "400", "404", "429"}
    events = {parameter["name"] for parameter in schema["paths"]["/api/events/"]["get"]["parameters"]}
    assert set(EVENT_FILTERS) <= events
    seminars = {parameter["name"] for parameter in schema["paths"]["/api/seminars/"]["get"]["parameters"]}
    assert set(SEMINAR_FILTERS) <= seminars
    supporters = {parameter["name"] for parameter in schema["paths"]["/api/supporters/"]["get"]["parameters"]}
    assert set(SUPPORTER_FILTERS) <= supporters


def test_schema_yaml_is_the_default(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert response.content.startswith(b"openapi: 3.")


def test_schema_generates_without_warnings(tmp_path):
    """`manage.py spectacular --validate --fail-on-warn` stops at the first warning or invalid schema."""
    call_command("spectacular", "--validate", "--fail-on-warn", "--lang", "en", "--file", str(tmp_path / "api.yaml"))
    assert (tmp_path / "api.yaml").read_text().startswith("openapi: 3.")


def test_docs_page_has_no_inline_script_or_style(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S)
    assert len(scripts) == 3
    assert all('src="' in attributes and not body.strip() for attributes, body in scripts)
    assert "<style" not in html
    assert not re.search(r"\son[a-z]+=", html)  # no inline event handlers
    assert '<html lang="en">' in html
    for url in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        assert finders.find(url.removeprefix("/static/")), url  # Swagger UI comes from the sidecar package
    start = re.findall(r'<script src="([^"]+)"', html)[-1].replace("&amp;", "&")
    script = client.get(start)
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content
    assert b"/api/schema/" in script.content


def test_docs_page_in_japanese(client):
    response = client.get("/api/docs/", headers={"accept-language": "ja"})
    assert '<html lang="ja">' in response.content.decode()


def test_a_browser_gets_json_and_the_docs_page_is_linked_from_the_root(client):
    FactoryTourFactory()
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    for path in ("/api/", "/api/tours/", "/api/tours/?month=13", "/api/municipalities/011002/"):
        response = client.get(path, headers={"accept": browser})
        assert response["Content-Type"] == "application/json", path
        assert response.status_code == (400 if "month=13" in path else 200), path
    assert "/api/docs/" in client.get("/api/").content.decode()


def test_english_by_default(client):
    response = api_get(client, "/api/tours/", "month=13")
    assert response["Content-Language"] == "en"
    assert response.json()["detail"] == "The query parameter month has an invalid value."
    assert api_get(client, "/api/tours/", accept_language="fr, de;q=0.5")["Content-Language"] == "en"
    assert api_get(client, "/api/tours/", accept_language="fr, ja;q=0.5")["Content-Language"] == "ja"
    assert api_get(client, "/api/tours/", accept_language="ja;q=0, en")["Content-Language"] == "en"


def test_anonymous_rate_limit(client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "3/min"}}
    caches["shared"].clear()
    statuses = [api_get(client, "/api/subprefectures/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    throttled = api_get(client, "/api/tours/")
    assert throttled.status_code == 429
    assert 0 < int(throttled["Retry-After"]) <= 60
    assert throttled.json()["detail"].startswith("Request was throttled.")
    # another client address has its own count
    assert client.get("/api/tours/", REMOTE_ADDR="192.0.2.7").status_code == 200
    caches["shared"].clear()
    assert api_get(client, "/api/tours/").status_code == 200
