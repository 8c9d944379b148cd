"""/calendar.ics: the upcoming events and seminars of every app as one iCalendar feed (RFC 5545).

An app takes part through its AppConfig (this module never imports an app):

    class ProgrammesConfig(AppConfig):
        def calendar_events(self, request) -> list[dict]:
            return [{"uid": "…@host", "start": aware datetime, "end": aware datetime, "summary": "…",
                     "location": "…", "description": "…", "url": "https://…", "updated": aware datetime}]

``uid``, ``start``, ``end`` and ``summary`` are required; the others may be left out or empty.
The text is written here (no iCalendar library is installed): CRLF line ends, lines folded at 75
octets without splitting a UTF-8 character, TEXT values escaped, times in UTC with "Z".
"""

import datetime as dt

from django.apps import apps
from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import get_language

PRODUCT_ID = "-//Hokkaido Monozukuri Portal//Calendar//JA"
MAX_OCTETS = 75


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and line breaks escaped."""
    value = str(value).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line into pieces of at most 75 octets, continuation lines starting with a space
    (§3.1), never inside a multi-octet UTF-8 character."""
    pieces, current, size, limit = [], [], 0, MAX_OCTETS
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > limit:
            pieces.append("".join(current))
            current, size, limit = [], 0, MAX_OCTETS - 1  # the leading space counts
        current.append(char)
        size += octets
    pieces.append("".join(current))
    return "\r\n ".join(pieces)


def utc_stamp(value: dt.datetime) -> str:
    """20260509T010000Z: a DATE-TIME in UTC (form #2, §3.3.5)."""
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def vevent_lines(event: dict, stamp: dt.datetime) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{escape_text(event['uid'])}",
        f"DTSTAMP:{utc_stamp(event.get('updated') or stamp)}",
        f"DTSTART:{utc_stamp(event['start'])}",
        f"DTEND:{utc_stamp(event['end'])}",
        f"SUMMARY:{escape_text(event['summary'])}",
    ]
    if event.get("location"):
        lines.append(f"LOCATION:{escape_text(event['location'])}")
    if event.get("description"):
        lines.append(f"DESCRIPTION:{escape_text(event['description'])}")
    if event.get("url"):
        lines.append(f"URL:{event['url']}")  # a URI value: not escaped as TEXT
    lines.append("END:VEVENT")
    return lines


def collect_events(request) -> list[dict]:
    """Every app's calendar events, sorted by start."""
    events = [
        event
        for config in apps.get_app_configs()
        if hasattr(config, "calendar_events")
        for event in config.calendar_events(request)
    ]
    return sorted(events, key=lambda event: (event["start"], event["uid"]))


def render_calendar(events: list[dict], *, name: str, stamp: dt.datetime | None = None) -> str:
    stamp = stamp or timezone.now()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT_ID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        "X-WR-TIMEZONE:Asia/Tokyo",
    ]
    for event in events:
        lines += vevent_lines(event, stamp)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def calendar_ics(request):
    """/calendar.ics: upcoming public events and seminars; subscribe to it in a calendar app."""
    text = render_calendar(collect_events(request), name=str(settings.PORTAL_NAME))
    response = HttpResponse(text.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="monozukuri-portal.ics"'
    response["Content-Language"] = get_language() or "ja"
    return response
