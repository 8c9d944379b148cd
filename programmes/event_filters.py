"""The one FilterSet of the experience events: it drives /events/, its PDF and the map (DESIGN.md).

Place, dates and "seats available" are facts of an event's sessions: an event matches when ONE of its
upcoming scheduled sessions meets all of them together (portal.booking.filters, shared with the seminars).
"""

import datetime as dt

from portal.booking.filters import SessionListingFilter, by_next_session, open_for_signup, upcoming_sessions_of
from programmes.models import ExperienceEvent

__all__ = ["ExperienceEventFilter", "by_next_session", "open_for_signup", "upcoming_event_sessions"]


def upcoming_event_sessions(now: dt.datetime | None = None):
    """The upcoming scheduled sessions of experience events."""
    return upcoming_sessions_of(ExperienceEvent, now)


class ExperienceEventFilter(SessionListingFilter):
    """``q subprefecture municipality audience from to available``."""

    class Meta(SessionListingFilter.Meta):
        model = ExperienceEvent
