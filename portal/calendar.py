"""/calendar.ics: the upcoming events and seminars of every app as one iCalendar feed (RFC 5545).

An app takes part through its AppConfig (this module never imports an app):

    class ProgrammesConfig(AppConfig):
        def calendar_events(self, request) -> list[dict]:
            return [{"uid": "…@host", "start": aware datetime, "end": aware datetime, "summary": "…",
                     "location": "…", "description": "…", "url": "https://…", "updated": aware datetime}]

``uid``, ``start``, ``end`` and ``summary`` are required; the others may be left out or empty.
``status`` (CONFIRMED, TENTATIVE, CANCELLED) and ``geo`` ((latitude, longitude)) are optional too.
The `icalendar` library writes the text (CRLF, lines folded at 75 octets, TEXT escaped); times go out in
UTC with "Z", so no VTIMEZONE is needed.
"""

import datetime as dt

import icalendar
from django.apps import apps
from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import get_language

PRODUCT_ID = "-//Hokkaido Monozukuri Portal//Calendar//JA"


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC)


def vevent(event: dict, stamp: dt.datetime) -> icalendar.Event:
    component = icalendar.Event()
    component.add("uid", event["uid"])
    component.add("dtstamp", _utc(event.get("updated") or stamp))
    component.add("dtstart", _utc(event["start"]))
    component.add("dtend", _utc(event["end"]))
    component.add("summary", event["summary"])
    for key in ("location", "description", "url", "status"):
        if event.get(key):
            component.add(key, event[key])
    if event.get("geo"):
        component.add("geo", tuple(float(part) for part in event["geo"]))
    return component


def collect_events(request) -> list[dict]:
    """Every app's calendar events, sorted by start."""
    events = [
        event
        for config in apps.get_app_configs()
        if hasattr(config, "calendar_events")
        for event in config.calendar_events(request)
    ]
    return sorted(events, key=lambda event: (event["start"], event["uid"]))


def render_calendar(events: list[dict], *, name: str, stamp: dt.datetime | None = None) -> bytes:
    """An iCalendar document (UTF-8 bytes) of ``events`` (dicts as described above)."""
    stamp = stamp or timezone.now()
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Tokyo")
    for event in events:
        calendar.add_component(vevent(event, stamp))
    return calendar.to_ical()


def ics_response(body: bytes, *, filename: str, attachment: bool = False) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'{"attachment" if attachment else "inline"}; filename="{filename}"'
    response["Content-Language"] = get_language() or settings.LANGUAGE_CODE
    return response


def calendar_ics(request):
    """/calendar.ics: upcoming public events and seminars; subscribe to it in a calendar app."""
    body = render_calendar(collect_events(request), name=str(settings.PORTAL_NAME))
    return ics_response(body, filename="monozukuri-portal.ics")
