"""The status workflow every listing shares (DESIGN.md, data rules): draft → pending review → published →
archived; only published is public. Staff move listings with ``change_status``; nothing else assigns it."""

from collections.abc import Iterable

from django.db import transaction

from portal.choices import ListingStatus

#: to-status -> the statuses a listing may come from
ALLOWED_TRANSITIONS = {
    ListingStatus.PENDING_REVIEW: {ListingStatus.DRAFT},
    ListingStatus.PUBLISHED: {ListingStatus.DRAFT, ListingStatus.PENDING_REVIEW, ListingStatus.ARCHIVED},
    ListingStatus.ARCHIVED: {ListingStatus.DRAFT, ListingStatus.PENDING_REVIEW, ListingStatus.PUBLISHED},
    ListingStatus.DRAFT: {ListingStatus.PENDING_REVIEW, ListingStatus.PUBLISHED, ListingStatus.ARCHIVED},
}


def change_status(listings: Iterable, to: str) -> int:
    """Move each listing that may go to ``to`` (the others stay as they are); returns how many moved."""
    changed = 0
    with transaction.atomic():
        for listing in listings:
            if listing.status in ALLOWED_TRANSITIONS[to]:
                listing.status = to
                listing.save(update_fields=["status", "updated_at"])
                changed += 1
    return changed


def public_url(listing) -> str:
    """The public page of a listing while it is published (its get_absolute_url), else "": a private page
    (an enquiry's, a registration's) links to what was asked for only while that is public."""
    if listing is None or getattr(listing, "status", ListingStatus.PUBLISHED) != ListingStatus.PUBLISHED:
        return ""
    get_absolute_url = getattr(listing, "get_absolute_url", None)
    return get_absolute_url() if get_absolute_url else ""
