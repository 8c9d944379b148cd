"""Writes of the programmes app, one function per user action. Only these assign ``status``."""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext

from portal import dates
from portal.choices import EnquiryKind, ListingStatus
from portal.enquiries.services import submit_enquiry
from programmes.models import FactoryTour


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


# --- Requests from schools (the shared enquiry workflow in portal.enquiries) --------------------------


def tour_request_notes(*, tour: FactoryTour, data: dict) -> list[str]:
    """What does not match the tour's usual conditions: shown to the school and the host, never blocking."""
    notes = []
    group = (data.get("pupils") or 0) + (data.get("adults") or 0)
    if (tour.group_min and group < tour.group_min) or (tour.group_max and group > tour.group_max):
        notes.append(
            gettext(
                "Your group of %(group)d people (pupils and adults) is outside the group size this tour usually "
                "takes (%(size)s). The host will tell you what is possible."
            )
            % {"group": group, "size": tour.group_size_display}
        )
    for number in (1, 2, 3):
        day = data.get(f"preferred_date_{number}")
        if day is None:
            continue
        params = {"number": number, "date": dates.format_date(day)}
        if tour.months and day.month not in tour.months:
            notes.append(
                gettext(
                    "Preferred date %(number)d (%(date)s) is in a month this tour does not usually take "
                    "(it takes visits in %(months)s)."
                )
                % {**params, "months": tour.months_display}
            )
        if tour.weekdays and day.weekday() not in tour.weekdays:
            notes.append(
                gettext(
                    "Preferred date %(number)d (%(date)s) is on a day of the week this tour does not usually "
                    "take (%(days)s)."
                )
                % {**params, "days": tour.weekdays_display}
            )
    return notes


def request_tour(*, tour: FactoryTour, data: dict, base_url: str | None = None, language: str | None = None):
    """A school asks to visit a published tour: an enquiry for the tour's providing organisation.

    ``data`` is TourRequestForm.enquiry_data(). Returns the Enquiry (with ``access_token`` for the redirect).
    """
    if tour.status != ListingStatus.PUBLISHED:
        raise ValueError("Only published tours can be requested.")
    return submit_enquiry(
        kind=EnquiryKind.TOUR,
        subject=tour,
        data=data,
        provider=tour.provider,
        municipality=tour.municipality,
        notes=tour_request_notes(tour=tour, data=data),
        base_url=base_url,
        language=language,
    )
