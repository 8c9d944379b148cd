"""Writes of the experience events, one function per user action. Only these assign an event's ``status``
(sessions and registrations are written by portal.booking.services)."""

from collections.abc import Iterable

from django.db import transaction

from portal.choices import ListingStatus
from programmes.models import ExperienceEvent
from programmes.services import ALLOWED_TRANSITIONS


def _change_status(events: Iterable[ExperienceEvent], to: str) -> int:
    changed = 0
    with transaction.atomic():
        for event in events:
            if event.status in ALLOWED_TRANSITIONS[to]:
                event.status = to
                event.save(update_fields=["status", "updated_at"])
                changed += 1
    return changed


def submit_events_for_review(*, events: Iterable[ExperienceEvent]) -> int:
    return _change_status(events, ListingStatus.PENDING_REVIEW)


def publish_events(*, events: Iterable[ExperienceEvent]) -> int:
    return _change_status(events, ListingStatus.PUBLISHED)


def archive_events(*, events: Iterable[ExperienceEvent]) -> int:
    return _change_status(events, ListingStatus.ARCHIVED)


def return_events_to_draft(*, events: Iterable[ExperienceEvent]) -> int:
    return _change_status(events, ListingStatus.DRAFT)
