"""/calendar.ics: valid iCalendar (RFC 5545) of the upcoming public sessions; folding and escaping."""

import datetime as dt
import re

import pytest
from django.test import RequestFactory
from django.utils import timezone

from portal import calendar
from portal.choices import ListingStatus, SessionStatus
from tests.factories import ExperienceEventFactory, SessionFactory

pytestmark = pytest.mark.django_db


def unfold(text: str) -> list[str]:
    """The content lines of an iCalendar text (RFC 5545 §3.1), checking the line ends and the fold widths."""
    assert text.endswith("\r\n")
    physical = text[:-2].split("\r\n")
    assert all("\n" not in line and "\r" not in line for line in physical)
    assert all(len(line.encode("utf-8")) <= 75 for line in physical), [
        line for line in physical if len(line.encode()) > 75
    ]
    lines: list[str] = []
    for line in physical:
        if line.startswith(" "):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    return lines


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def vevents(text: str) -> list[dict]:
    events, current = [], None
    for line in unfold(text):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            name, _colon, value = line.partition(":")
            current[name] = value
    return events


@pytest.fixture
def sessions():
    event = ExperienceEventFactory(
        title="旋盤で文鎮づくり, 親子で挑戦; 特別編 \\ 七十五オクテットを超えて折り返されることを確かめる",
        description="一行目\n二行目, 持ち物; 軍手",
    )
    draft = ExperienceEventFactory(title="下書きの体験会", status=ListingStatus.DRAFT)
    return {
        "open": SessionFactory(offering=event, days=5, venue_name="札幌会場", label="午前の部"),
        "later": SessionFactory(offering=event, days=9, venue_name="第二会場"),
        "past": SessionFactory(offering=event, days=-2, venue_name="過去の会場"),
        "cancelled": SessionFactory(offering=event, days=6, venue_name="中止の会場", status=SessionStatus.CANCELLED),
        "draft": SessionFactory(offering=draft, days=4, venue_name="下書きの会場"),
    }


def test_calendar_is_valid_icalendar(client, sessions):
    response = client.get("/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    text = response.content.decode("utf-8")
    lines = unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR"
    assert lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines
    assert any(line.startswith("PRODID:") for line in lines)


def test_only_upcoming_sessions_of_published_events(client, sessions):
    events = vevents(client.get("/calendar.ics").content.decode())
    assert [unescape(event["LOCATION"]).split("（")[0] for event in events] == ["札幌会場", "第二会場"]
    assert len({event["UID"] for event in events}) == 2


def test_times_are_utc_and_fields_escaped(client, sessions):
    [first, _second] = vevents(client.get("/calendar.ics").content.decode())
    session = sessions["open"]
    assert first["DTSTART"] == session.starts_at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert first["DTEND"] == session.ends_at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert first["DTSTART"].endswith("010000Z")  # 10:00 in Tokyo
    assert re.fullmatch(r"\d{8}T\d{6}Z", first["DTSTAMP"])
    assert "\\;" in first["SUMMARY"] and "\\," in first["SUMMARY"] and "\\\\" in first["SUMMARY"]
    assert unescape(first["SUMMARY"]) == f"{session.offering.title}（午前の部）"
    assert unescape(first["DESCRIPTION"]) == "一行目\n二行目, 持ち物; 軍手"
    assert first["URL"] == f"http://testserver/events/{session.offering_id}/"


def test_long_japanese_lines_are_folded_between_characters_and_text_is_escaped():
    start = timezone.now() + dt.timedelta(days=3)
    event = {
        "uid": "x@testserver",
        "start": start,
        "end": start + dt.timedelta(hours=2),
        "summary": "あ" * 60 + "a, b; c\\d",
        "description": "一行目\n二行目",
    }
    raw = calendar.render_calendar([event], name="テスト")
    physical = raw.split(b"\r\n")
    assert all(len(line) <= 75 for line in physical)
    for line in physical:
        line.decode("utf-8")  # each physical line is whole characters
    (vevent,) = vevents(raw.decode())
    assert vevent["SUMMARY"] == "あ" * 60 + "a\\, b\\; c\\\\d"
    assert vevent["DESCRIPTION"] == "一行目\\n二行目"


def test_empty_calendar_is_still_valid(client):
    text = client.get("/calendar.ics").content.decode()
    assert unfold(text)[0] == "BEGIN:VCALENDAR"
    assert vevents(text) == []


def test_apps_contribute_through_their_config(sessions):
    request = RequestFactory().get("/calendar.ics")
    uids = [event["uid"] for event in calendar.collect_events(request)]
    assert uids == [
        f"event-session-{sessions['open'].pk}@testserver",
        f"event-session-{sessions['later'].pk}@testserver",
    ]
