"""Sessions of the booking engine in words: when, and whether there are seats (残り3席, キャンセル待ち…)."""

from django import template
from django.utils import timezone
from django.utils.translation import get_language, gettext, ngettext

from portal import dates

register = template.Library()


@register.filter
def session_when(session) -> str:
    """2026年5月9日(土) 10:00〜12:00 / Sat 9 May 2026 10:00–12:00 (Tokyo time)."""
    starts, ends = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
    separator = "〜" if (get_language() or "ja").startswith("ja") else "–"
    if starts.date() == ends.date():
        return f"{dates.format_date(starts)} {starts:%H:%M}{separator}{ends:%H:%M}"
    return f"{dates.format_date(starts)} {starts:%H:%M}{separator}{dates.format_date(ends)} {ends:%H:%M}"


def seats_label(session) -> tuple[str, str]:
    """(state, words) of a session for lists: seats left, waiting list, full, not open yet, closed…"""
    state = session.availability()
    if state == "seats":
        left = session.seats_left
        text = ngettext("%(seats)s seat left", "%(seats)s seats left", left) % {"seats": left}
    elif state == "lottery":
        text = gettext("Lottery: apply by %(date)s") % {"date": dates.format_date(session.closes_at)}
    else:
        text = {
            "waitlist": gettext("Full: waiting list"),
            "full": gettext("Full"),
            "not_open_yet": gettext("Sign-up not open yet"),
            "closed": gettext("Sign-up closed"),
            "past": gettext("Finished"),
            "cancelled": gettext("Cancelled"),
        }[state]
    return state, text


@register.filter
def seats_text(session) -> str:
    return seats_label(session)[1]


@register.filter
def seats_state(session) -> str:
    return seats_label(session)[0]
