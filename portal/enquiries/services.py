"""Writes of the request workflow, one function per action. Only these create enquiries and change status.

    enquiry = submit_enquiry(kind=EnquiryKind.TOUR, subject=tour, data=form.enquiry_data(), base_url=...)
    change_enquiry_status(enquiry=enquiry, to=EnquiryStatus.ACCEPTED, by=request.user, note="…")
    add_enquiry_note(enquiry=enquiry, by=request.user, note="…", visible_to_requester=False)

Mail goes out after the commit (``on_commit``, robust: a mail server failure never loses a request).
"""

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal import mail, tokens
from portal.choices import EnquiryStatus
from portal.enquiries.models import REQUESTER_FIELDS, Enquiry, EnquiryEvent

STAFF_LANGUAGE = "ja"

ALLOWED_TRANSITIONS: dict[str, tuple[str, ...]] = {
    EnquiryStatus.NEW: (EnquiryStatus.IN_PROGRESS,),
    EnquiryStatus.IN_PROGRESS: (EnquiryStatus.ACCEPTED, EnquiryStatus.DECLINED),
    EnquiryStatus.ACCEPTED: (EnquiryStatus.DONE,),
    EnquiryStatus.DECLINED: (EnquiryStatus.DONE,),
    EnquiryStatus.DONE: (),
}
# The requester hears by e-mail when the answer is in and when the request is closed.
STATUSES_MAILED_TO_REQUESTER = (EnquiryStatus.ACCEPTED, EnquiryStatus.DECLINED, EnquiryStatus.DONE)


class TransitionNotAllowed(ValidationError):
    """A status change the workflow does not allow (e.g. new → done, or anything after done)."""


def allowed_transitions(status: str) -> tuple[str, ...]:
    return ALLOWED_TRANSITIONS[status]


def _base_url(base_url: str | None) -> str:
    """Scheme and host for links in e-mails: given by the caller (the request), else PORTAL_BASE_URL."""
    url = base_url or getattr(settings, "PORTAL_BASE_URL", "")
    if not url:
        raise ValueError("Pass base_url (e.g. request.build_absolute_uri('/')) or set PORTAL_BASE_URL.")
    return url.rstrip("/")


def status_url(*, token: str, base_url: str, language: str) -> str:
    """https://…/enquiries/<token>/ (or /en/enquiries/…/): the requester's private page."""
    with translation.override(language):
        return base_url + reverse("enquiry-status", kwargs={"token": token})


def _send(*, template: str, **kwargs) -> None:
    mail.send_templated(template=f"portal/enquiries/email/{template}", **kwargs)


def staff_recipients(enquiry: Enquiry) -> list[str]:
    """Who hears of a new enquiry: the providing organisation's active staff, else the secretariat (then
    settings.ADMINS, then SERVER_EMAIL), so that a request is never left unseen."""
    return mail.secretariat_recipients(enquiry.provider_id)


def send_receipt(*, enquiry: Enquiry, token: str, base_url: str, notes: str) -> None:
    with translation.override(enquiry.language):
        link = status_url(token=token, base_url=base_url, language=enquiry.language)
        subject = gettext("We have received your request: %(subject)s") % {"subject": enquiry.subject_name}
    _send(
        template="receipt",
        context={"enquiry": enquiry, "status_url": link, "notes": notes},
        to=[enquiry.email],
        subject=subject,
        language=enquiry.language,
    )


def send_staff_notification(*, enquiry: Enquiry, base_url: str, notes: str) -> None:
    admin_url = base_url + reverse("admin:portal_enquiry_change", args=[enquiry.pk])
    with translation.override(STAFF_LANGUAGE):
        subject = gettext("New request: %(subject)s (%(school)s)") % {
            "subject": enquiry.subject_name,
            "school": enquiry.school_name,
        }
    _send(
        template="notification",
        context={"enquiry": enquiry, "admin_url": admin_url, "notes": notes},
        to=staff_recipients(enquiry),
        subject=subject,
        language=STAFF_LANGUAGE,
    )


def send_status_change(*, enquiry: Enquiry, event: EnquiryEvent) -> None:
    with translation.override(enquiry.language):
        subject = gettext("Your request: %(status)s – %(subject)s") % {
            "status": enquiry.get_status_display(),
            "subject": enquiry.subject_name,
        }
    _send(
        template="status_changed",
        context={"enquiry": enquiry, "event": event},
        to=[enquiry.email],
        subject=subject,
        language=enquiry.language,
    )


def submit_enquiry(
    *,
    kind: str,
    subject,
    data: dict,
    provider=None,
    municipality=None,
    notes: Iterable[str] = (),
    base_url: str | None = None,
    language: str | None = None,
) -> Enquiry:
    """Record a request for ``subject`` and, once committed, mail the receipt and notify the provider's staff.

    ``data`` holds the requester's fields (REQUESTER_FIELDS) only; kind, status, provider and token come
    from here. ``provider`` defaults to ``subject.provider``. ``notes`` are remarks that do not block the
    request (e.g. a date outside the months a tour takes): kept in the history, shown to the requester
    and in both e-mails. ``municipality`` is where the visit, lecture or dispatch takes place, when known
    (counted in the staff reports). The returned instance carries the plain token as ``access_token``.
    """
    unknown = set(data) - set(REQUESTER_FIELDS)
    if unknown:
        raise ValueError(f"Not requester fields: {', '.join(sorted(unknown))}")
    base = _base_url(base_url)
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    note = "\n".join(str(line) for line in notes)
    token, digest = tokens.new_token()

    with transaction.atomic():
        enquiry = Enquiry(
            kind=kind,
            status=EnquiryStatus.NEW,
            subject=subject,
            subject_name=str(subject)[:200],
            provider=provider if provider is not None else subject.provider,
            municipality=municipality,
            language=language,
            token_digest=digest,
            **data,
        )
        enquiry.full_clean()
        enquiry.save()
        event = EnquiryEvent(enquiry=enquiry, to_status=EnquiryStatus.NEW, note=note, visible_to_requester=bool(note))
        event.full_clean()
        event.save()
        transaction.on_commit(
            lambda: send_receipt(enquiry=enquiry, token=token, base_url=base, notes=note), robust=True
        )
        transaction.on_commit(lambda: send_staff_notification(enquiry=enquiry, base_url=base, notes=note), robust=True)
    enquiry.access_token = token
    return enquiry


def change_enquiry_status(
    *, enquiry: Enquiry, to: str, by, note: str = "", visible_to_requester: bool = False
) -> Enquiry:
    """Move an enquiry one allowed step on; the requester is mailed when it is accepted, declined or done.

    Raises TransitionNotAllowed (a ValidationError) for any other step, checked against the status in the
    database (locked), not the caller's copy. ``visible_to_requester`` shows the note to the requester
    (on their page and in the e-mail); the change itself is always shown.
    """
    with transaction.atomic():
        locked = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
        if to not in ALLOWED_TRANSITIONS[locked.status]:
            allowed = ", ".join(str(EnquiryStatus(status).label) for status in ALLOWED_TRANSITIONS[locked.status])
            raise TransitionNotAllowed(
                _("A request that is “%(current)s” cannot become “%(to)s”. Possible next steps: %(allowed)s.")
                % {
                    "current": EnquiryStatus(locked.status).label,
                    "to": EnquiryStatus(to).label if to in EnquiryStatus.values else to,
                    "allowed": allowed or "—",
                },
                code="transition",
            )
        event = EnquiryEvent(
            enquiry=locked,
            by=by,
            from_status=locked.status,
            to_status=to,
            note=note.strip(),
            visible_to_requester=visible_to_requester and bool(note.strip()),
        )
        locked.status = to
        locked.full_clean()
        locked.save(update_fields=["status", "updated_at"])
        event.full_clean()
        event.save()
        if to in STATUSES_MAILED_TO_REQUESTER:
            transaction.on_commit(lambda: send_status_change(enquiry=locked, event=event), robust=True)
        if to == EnquiryStatus.DONE:  # surveys (issue 6): the requester of a visit or lecture that took place
            transaction.on_commit(lambda: _invite_to_survey(locked), robust=True)
    enquiry.status, enquiry.updated_at = locked.status, locked.updated_at
    return enquiry


def _invite_to_survey(enquiry: Enquiry) -> None:
    from portal.surveys.services import invite_for_enquiry  # surveys import this module's models

    invite_for_enquiry(enquiry)


def add_enquiry_note(*, enquiry: Enquiry, by, note: str, visible_to_requester: bool = False) -> EnquiryEvent:
    """A dated note in the history: for staff only, or also shown on the requester's page."""
    event = EnquiryEvent(enquiry=enquiry, by=by, note=note.strip(), visible_to_requester=visible_to_requester)
    with transaction.atomic():
        event.full_clean()
        event.save()
    return event


def record_participants(*, enquiry: Enquiry, count: int, by) -> Enquiry:
    """Record how many pupils or students a done visit, lecture or dispatch reached (for the reports).

    Only for an enquiry that is done (checked on the locked row); logged as a staff note in its history.
    Recording the same number again changes nothing and logs nothing.
    """
    if count is None or count < 0:
        raise ValidationError(_("Enter the number of participants as 0 or more."), code="participants_invalid")
    with transaction.atomic():
        locked = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
        if locked.status != EnquiryStatus.DONE:
            raise ValidationError(
                _("Record how many took part once the request is done."), code="participants_not_done"
            )
        previous = locked.participants_reached
        if previous != count:
            locked.participants_reached = count
            locked.save(update_fields=["participants_reached", "updated_at"])
            with translation.override(STAFF_LANGUAGE):
                if previous is None:
                    note = gettext("Participants reached: %(count)d.") % {"count": count}
                else:
                    note = gettext("Participants reached changed from %(previous)d to %(count)d.") % {
                        "previous": previous,
                        "count": count,
                    }
            event = EnquiryEvent(enquiry=locked, by=by, note=note, visible_to_requester=False)
            event.full_clean()
            event.save()
    enquiry.participants_reached, enquiry.updated_at = locked.participants_reached, locked.updated_at
    return enquiry
