"""Structured logs: a JSON line per request with its id, status and duration, and nothing personal."""

import json
import logging
import logging.config

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def _json_formatter():
    config = settings.LOGGING["formatters"]["json"]
    from pythonjsonlogger.json import JsonFormatter

    return JsonFormatter(config["format"], rename_fields=config["rename_fields"])


def test_each_request_is_one_json_line_with_its_id_and_no_query_string(client, caplog):
    with caplog.at_level(logging.INFO, logger="portal.request"):
        response = client.get("/tours/?q=secret-search&month=10", HTTP_X_REQUEST_ID="lb-0123456789abcdef")
    assert response["X-Request-ID"] == "lb-0123456789abcdef"
    [record] = [r for r in caplog.records if r.name == "portal.request"]
    record.request_id = "lb-0123456789abcdef"  # what portal.logs.RequestIdFilter adds in the handler
    line = json.loads(_json_formatter().format(record))
    assert line["level"] == "INFO"
    assert line["logger"] == "portal.request"
    assert line["request_id"] == "lb-0123456789abcdef"
    assert line["path"] == "/tours/"
    assert line["status"] == 200
    assert line["method"] == "GET"
    assert line["duration_ms"] > 0
    assert "secret-search" not in json.dumps(line)
    assert line["time"]


def test_a_request_id_that_is_not_sane_is_replaced(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="<script>alert(1)</script>")
    assert response["X-Request-ID"] != "<script>alert(1)</script>"
    assert len(response["X-Request-ID"]) == 16


def test_records_logged_while_handling_a_request_carry_its_id(client, caplog):
    from portal.logs import RequestIdFilter

    seen = []

    class Remember(logging.Handler):
        def emit(self, record):
            seen.append(record.request_id)

    handler = Remember()
    handler.addFilter(RequestIdFilter())
    request_logger = logging.getLogger("portal.request")
    request_logger.addHandler(handler)
    try:
        response = client.get("/about/")
    finally:
        request_logger.removeHandler(handler)
    assert seen == [response["X-Request-ID"]]


def test_the_log_format_is_checked():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import django, os; django.setup()"],
        env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "portal.settings", "LOG_FORMAT": "xml"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "LOG_FORMAT must be 'json' or 'text'" in result.stderr
