"""Writes of the programmes app, one function per user action. Only these assign ``status``."""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction

from portal import dates
from portal.choices import ListingStatus
from programmes.models import FactoryTour

ALLOWED_TRANSITIONS = {
    ListingStatus.PENDING_REVIEW: {ListingStatus.DRAFT},
    ListingStatus.PUBLISHED: {ListingStatus.DRAFT, ListingStatus.PENDING_REVIEW, ListingStatus.ARCHIVED},
    ListingStatus.ARCHIVED: {ListingStatus.DRAFT, ListingStatus.PENDING_REVIEW, ListingStatus.PUBLISHED},
    ListingStatus.DRAFT: {ListingStatus.PENDING_REVIEW, ListingStatus.PUBLISHED, ListingStatus.ARCHIVED},
}


def _change_status(tours: Iterable[FactoryTour], to: str) -> int:
    changed = 0
    with transaction.atomic():
        for tour in tours:
            if tour.status in ALLOWED_TRANSITIONS[to]:
                tour.status = to
                tour.save(update_fields=["status", "updated_at"])
                changed += 1
    return changed


def submit_tours_for_review(*, tours: Iterable[FactoryTour]) -> int:
    """Drafts go to the secretariat's review queue. Returns how many changed."""
    return _change_status(tours, ListingStatus.PENDING_REVIEW)


def publish_tours(*, tours: Iterable[FactoryTour]) -> int:
    """Make tours public. Returns how many changed."""
    return _change_status(tours, ListingStatus.PUBLISHED)


def archive_tours(*, tours: Iterable[FactoryTour]) -> int:
    """Take tours off the public list, keeping them for the record. Returns how many changed."""
    return _change_status(tours, ListingStatus.ARCHIVED)


def return_tours_to_draft(*, tours: Iterable[FactoryTour]) -> int:
    return _change_status(tours, ListingStatus.DRAFT)


def confirm_tours(*, tours: Iterable[FactoryTour], on: dt.date | None = None) -> int:
    """Record that the host confirmed the information (情報確認日), today by default."""
    day = on or dates.today()
    changed = 0
    with transaction.atomic():
        for tour in tours:
            tour.confirmed_on = day
            tour.save(update_fields=["confirmed_on", "updated_at"])
            changed += 1
    return changed
