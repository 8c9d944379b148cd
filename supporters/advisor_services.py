"""Offering a request (an Enquiry of kind advisor) to senior advisors, one after another, and its outcome.

    offer = offer_request(enquiry=enquiry, advisor=advisor, by=request.user, base_url=...)  # mails the advisor
    accept_offer(offer=offer)   # from the advisor's private link: the request is accepted, the requester told
    decline_offer(offer=offer)  # staff are told to offer it to the next candidate
    record_outcome(enquiry=enquiry, participants=35, by=request.user)  # done, with the people reached

The advisor's link carries a token derived from the offer's nonce (portal/tokens.py); the database keeps the
nonce and the token's digest, never the token. The advisor gets the request's details (what, school, audience
and size, dates, the requester's description), never the requester's name, e-mail or phone.
Every e-mail goes out after the commit.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal import mail, tokens
from portal.choices import EnquiryKind, EnquiryStatus
from portal.enquiries import services as enquiry_services
from supporters.models import AdvisorOffer, AdvisorStatus, OfferStatus
from supporters.models.advisor import OFFER_TOKEN_PURPOSE

ADVISOR_LANGUAGE = "ja"  # advisors and staff read Japanese
STAFF_LANGUAGE = "ja"
OPEN_REQUEST_STATUSES = (EnquiryStatus.NEW, EnquiryStatus.IN_PROGRESS)


class OfferError(ValidationError):
    """An offer that cannot be made or answered; the message is for the person acting."""


class AlreadyAnswered(OfferError):
    """The offer was accepted, declined or withdrawn before."""


class RequestTaken(OfferError):
    """Another advisor has accepted the request already, or it is no longer open."""


def _base_url(base_url: str | None) -> str:
    return enquiry_services._base_url(base_url)


def offer_url(offer: AdvisorOffer, *, base_url: str) -> str:
    with translation.override(ADVISOR_LANGUAGE):
        return base_url + reverse("supporters:advisor-offer", kwargs={"token": offer.access_token})


def _admin_url(enquiry, base_url: str) -> str:
    return base_url + reverse("admin:portal_enquiry_change", args=[enquiry.pk])


def _staff(enquiry) -> list[str]:
    return mail.secretariat_recipients(enquiry.provider_id)


def send_offer(*, offer: AdvisorOffer, base_url: str) -> None:
    enquiry = offer.enquiry
    with translation.override(ADVISOR_LANGUAGE):
        subject = gettext("A request for a senior advisor: %(school)s") % {"school": enquiry.school_name}
    mail.send_templated(
        template="supporters/email/advisor_offer",
        context={
            "offer": offer,
            "advisor": offer.advisor,
            "enquiry": enquiry,
            "offer_url": offer_url(offer, base_url=base_url),
        },
        to=[offer.advisor.email],
        subject=subject,
        language=ADVISOR_LANGUAGE,
    )


def send_answer_to_staff(*, offer: AdvisorOffer, base_url: str) -> None:
    enquiry = offer.enquiry
    accepted = offer.status == OfferStatus.ACCEPTED
    with translation.override(STAFF_LANGUAGE):
        template = (
            "Advisor accepted: %(subject)s (%(school)s)" if accepted else "Advisor declined: %(subject)s (%(school)s)"
        )
        subject = gettext(template) % {"subject": enquiry.subject_name, "school": enquiry.school_name}
    mail.send_templated(
        template=f"supporters/email/advisor_{'accepted' if accepted else 'declined'}",
        context={
            "offer": offer,
            "advisor": offer.advisor,
            "enquiry": enquiry,
            "admin_url": _admin_url(enquiry, base_url),
        },
        to=_staff(enquiry),
        subject=subject,
        language=STAFF_LANGUAGE,
    )


def offer_request(*, enquiry, advisor, by, base_url: str | None = None) -> AdvisorOffer:
    """Offer ``enquiry`` to ``advisor``: a new offer with its private link, mailed to the advisor.

    A new request moves to "in progress". Refused (OfferError) for a request that is not an open advisor
    request, an advisor who is not active or has not agreed to be contacted, or a second offer to the same
    advisor for the same request.
    """
    base = _base_url(base_url)
    if enquiry.kind != EnquiryKind.ADVISOR:
        raise OfferError(_("Only requests for a senior advisor can be offered to advisors."), code="kind")
    if advisor.status != AdvisorStatus.ACTIVE or not advisor.consent_to_contact:
        raise OfferError(_("This advisor is not active or has not agreed to be contacted."), code="advisor")
    with transaction.atomic():
        if enquiry.status not in OPEN_REQUEST_STATUSES:
            raise OfferError(_("This request is no longer open."), code="closed")
        if AdvisorOffer.objects.filter(enquiry=enquiry, advisor=advisor).exists():
            raise OfferError(_("This request has already been offered to this advisor."), code="repeated")
        nonce = tokens.new_nonce()
        offer = AdvisorOffer(
            enquiry=enquiry,
            advisor=advisor,
            token_nonce=nonce,
            token_digest=tokens.token_digest(tokens.derived_token(OFFER_TOKEN_PURPOSE, nonce)),
        )
        offer.save()
        if enquiry.status == EnquiryStatus.NEW:
            enquiry_services.change_enquiry_status(enquiry=enquiry, to=EnquiryStatus.IN_PROGRESS, by=by)
        with translation.override(STAFF_LANGUAGE):
            note = gettext("Offered to senior advisor %(advisor)s.") % {"advisor": advisor.name}
        enquiry_services.add_enquiry_note(enquiry=enquiry, by=by, note=note)
        transaction.on_commit(lambda: send_offer(offer=offer, base_url=base), robust=True)
    return offer


def _lock(offer: AdvisorOffer) -> AdvisorOffer:
    locked = AdvisorOffer.objects.select_for_update().select_related("enquiry", "advisor").get(pk=offer.pk)
    if locked.status != OfferStatus.OFFERED:
        raise AlreadyAnswered(_("This offer has already been answered. Thank you."), code="answered")
    return locked


def accept_offer(*, offer: AdvisorOffer, base_url: str | None = None) -> AdvisorOffer:
    """The advisor accepts: the request is accepted (the requester is told by the enquiry workflow's mail),
    the other open offers are withdrawn and staff are told. Only one acceptance per request (a database
    constraint); a second one raises RequestTaken."""
    base = _base_url(base_url)
    try:
        with transaction.atomic():
            locked = _lock(offer)
            enquiry = locked.enquiry.__class__.objects.select_for_update().get(pk=locked.enquiry_id)
            taken = AdvisorOffer.objects.filter(enquiry=enquiry, status=OfferStatus.ACCEPTED).exists()
            if taken or enquiry.status not in OPEN_REQUEST_STATUSES:
                raise RequestTaken(
                    _("Thank you: this request has already been settled, so there is nothing more to do."),
                    code="taken",
                )
            locked.status = OfferStatus.ACCEPTED
            locked.answered_at = timezone.now()
            locked.save(update_fields=["status", "answered_at"])
            with translation.override(STAFF_LANGUAGE):
                note = gettext("Accepted by senior advisor %(advisor)s.") % {"advisor": locked.advisor.name}
            if enquiry.status == EnquiryStatus.NEW:
                enquiry_services.change_enquiry_status(enquiry=enquiry, to=EnquiryStatus.IN_PROGRESS, by=None)
            enquiry_services.change_enquiry_status(enquiry=enquiry, to=EnquiryStatus.ACCEPTED, by=None, note=note)
            AdvisorOffer.objects.filter(enquiry=enquiry, status=OfferStatus.OFFERED).update(
                status=OfferStatus.WITHDRAWN, answered_at=timezone.now()
            )
            locked.enquiry = enquiry
            transaction.on_commit(lambda: send_answer_to_staff(offer=locked, base_url=base), robust=True)
    except IntegrityError:  # a concurrent acceptance won the race (advisor_offer_one_accepted_per_request)
        raise RequestTaken(
            _("Thank you: this request has already been settled, so there is nothing more to do."), code="taken"
        ) from None
    offer.status, offer.answered_at = locked.status, locked.answered_at
    return offer


def decline_offer(*, offer: AdvisorOffer, base_url: str | None = None) -> AdvisorOffer:
    """The advisor declines: staff are told, to offer the request to the next candidate."""
    base = _base_url(base_url)
    with transaction.atomic():
        locked = _lock(offer)
        locked.status = OfferStatus.DECLINED
        locked.answered_at = timezone.now()
        locked.save(update_fields=["status", "answered_at"])
        with translation.override(STAFF_LANGUAGE):
            note = gettext("Declined by senior advisor %(advisor)s.") % {"advisor": locked.advisor.name}
        enquiry_services.add_enquiry_note(enquiry=locked.enquiry, by=None, note=note)
        transaction.on_commit(lambda: send_answer_to_staff(offer=locked, base_url=base), robust=True)
    offer.status, offer.answered_at = locked.status, locked.answered_at
    return offer


def record_outcome(*, enquiry, participants: int, by):
    """The dispatch took place: an accepted request becomes done, with the number of people reached
    (counted per fiscal year in the reports). A done request only has its number recorded (again)."""
    with transaction.atomic():
        if enquiry.status == EnquiryStatus.ACCEPTED:
            enquiry_services.change_enquiry_status(enquiry=enquiry, to=EnquiryStatus.DONE, by=by)
        return enquiry_services.record_participants(enquiry=enquiry, count=participants, by=by)
