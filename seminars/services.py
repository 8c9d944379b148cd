"""Writes of the seminars app's outreach lectures, one function per user action.

A school's request for a lecture enters the ONE request workflow (portal.enquiries) exactly as a tour
request does; the place of the lecture, which the Enquiry has no field for, is written at the top of the
enquiry's message, labelled, so that staff see it in the admin (and the retention purge clears it).
"""

from django.utils import translation
from django.utils.translation import gettext

from portal import dates
from portal.choices import EnquiryKind, ListingStatus
from portal.enquiries.services import STAFF_LANGUAGE, submit_enquiry
from seminars.models import LectureOffer


def lecture_request_notes(*, offer: LectureOffer, data: dict, municipality=None) -> list[str]:
    """What does not match the offer's usual conditions: shown to the school and the provider, never blocking."""
    notes = []
    if municipality is not None:
        areas = list(offer.areas.all())
        if areas and municipality.subprefecture_id not in {area.pk for area in areas}:
            notes.append(
                gettext(
                    "%(place)s is outside the areas this lecture is usually given in (%(areas)s). "
                    "The provider will tell you what is possible."
                )
                % {"place": municipality.display_name, "areas": offer.areas_display()}
            )
    for number in (1, 2, 3):
        day = data.get(f"preferred_date_{number}")
        if day is None or not offer.months or day.month in offer.months:
            continue
        notes.append(
            gettext(
                "Preferred date %(number)d (%(date)s) is in a month this lecture is not usually given "
                "(it is given in %(months)s)."
            )
            % {"number": number, "date": dates.format_date(day), "months": offer.months_display}
        )
    return notes


def lecture_place_text(*, municipality, detail: str) -> str:
    """The labelled place, in the staff's language: 【実施場所】北見市 北1条西1丁目 … 体育館."""
    with translation.override(STAFF_LANGUAGE):
        label = gettext("Place of the lecture")
        return f"【{label}】{municipality.name} {detail}".strip()


def request_lecture(
    *,
    offer: LectureOffer,
    data: dict,
    place_municipality,
    place_detail: str,
    base_url: str | None = None,
    language: str | None = None,
):
    """A school asks for a published outreach lecture: an enquiry for the offer's providing organisation.

    ``data`` is LectureRequestForm.enquiry_data(); the place is written at the top of the message.
    Returns the Enquiry (with ``access_token`` for the redirect).
    """
    if offer.status != ListingStatus.PUBLISHED:
        raise ValueError("Only published lectures can be requested.")
    place = lecture_place_text(municipality=place_municipality, detail=place_detail)
    message = (data.get("message") or "").strip()
    data = {**data, "coming_by_bus": False, "message": f"{place}\n\n{message}" if message else place}
    return submit_enquiry(
        kind=EnquiryKind.LECTURE,
        subject=offer,
        data=data,
        provider=offer.provider,
        municipality=place_municipality,
        notes=lecture_request_notes(offer=offer, data=data, municipality=place_municipality),
        base_url=base_url,
        language=language,
    )
