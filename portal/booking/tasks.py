"""Background tasks of the sign-up engine (Django's tasks framework): e-mails, reminders, lottery draws.

Tasks take primary keys (JSON arguments) and look everything up again when they run: a registration
cancelled since the task was queued gets no reminder, a session moved since gets it at the new time.
"""

import datetime as dt

from django.conf import settings
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal import mail, qr
from portal.choices import RegistrationStatus, SessionStatus

#: kind -> (subject, opening paragraph) of the participant's e-mails; the rest of the mail is shared
MAIL_KINDS = {
    "confirmed": (_("Your place is confirmed"), _("Thank you for signing up. Your place is confirmed.")),
    "waitlisted": (
        _("You are on the waiting list"),
        _("The session is full, so you are on its waiting list. We will e-mail you as soon as a place frees up."),
    ),
    "applied": (
        _("We have received your application"),
        _(
            "Thank you for applying. Places are drawn by lot after the application deadline; "
            "we will e-mail you the result."
        ),
    ),
    "promoted": (
        _("A place has freed up: you are confirmed"),
        _("Good news: a place has freed up and your registration is now confirmed."),
    ),
    "won": (_("Lottery result: you have a place"), _("The lottery has been drawn and you have a place.")),
    "lost": (
        _("Lottery result: you are on the waiting list"),
        _(
            "The lottery has been drawn. "
            "This time you did not get a place, so you are on the waiting list in the order of the draw. "
            "We will e-mail you if a place frees up."
        ),
    ),
    "lost_no_waitlist": (
        _("Lottery result: no place this time"),
        _(
            "The lottery has been drawn. This time you did not get a place, and this session has no waiting list, "
            "so your application is closed. Thank you for applying."
        ),
    ),
    "cancelled": (_("Your registration is cancelled"), _("Your registration has been cancelled.")),
    "session_cancelled": (
        _("The session has been cancelled"),
        _("We are sorry: the session you signed up for has been cancelled. Your registration is cancelled too."),
    ),
    "reminder": (_("Reminder: your session is coming up"), _("This is a reminder of the session you signed up for.")),
    "existing_link": (
        _("Your registration"),
        _(
            "Someone (probably you) tried to sign up again with this e-mail address. You are already registered; "
            "here is your link."
        ),
    ),
    "message": (_("A message about your session"), _("The organisers send you this message about your session.")),
}


#: Content id of the check-in QR code attached to the mail of a party that holds seats
CHECKIN_QR_ID = "checkin-qr@monozukuri-portal"


def registration_url(registration, *, base_url: str | None = None, name: str = "registration") -> str:
    base = (base_url or settings.PORTAL_BASE_URL).rstrip("/")
    with translation.override(registration.language):
        return base + reverse(name, kwargs={"token": registration.access_token})


@task
def send_registration_mail(registration_id: int, kind: str, message: str = "") -> bool:
    from portal.booking.models import Registration

    registration = Registration.objects.select_related("session__municipality").filter(pk=registration_id).first()
    if registration is None:
        return False
    subject, opening = MAIL_KINDS[kind]
    seated = registration.status in (RegistrationStatus.CONFIRMED, RegistrationStatus.ATTENDED)
    with translation.override(registration.language):
        checkin_url = registration_url(registration, name="registration-checkin") if seated else ""
        context = {
            "registration": registration,
            "session": registration.session,
            "kind": kind,
            "opening": str(opening),
            "message": message,
            "registration_url": registration_url(registration),
            "checkin_url": checkin_url,
            "checkin_qr": f"cid:{CHECKIN_QR_ID}" if checkin_url else "",
        }
        subject = f"{gettext(subject)}: {registration.session.offering_name}"
    mail.send_templated(
        template="portal/booking/email/registration",
        context=context,
        to=[registration.email],
        subject=subject,
        language=registration.language,
        images={CHECKIN_QR_ID: qr.qr_png(checkin_url, scale=5)} if checkin_url else None,
    )
    return True


@task
def send_reminder(registration_id: int) -> str:
    """The reminder before a session, once, to a party that still holds its seats."""
    from portal.booking import notify
    from portal.booking.models import Registration

    registration = Registration.objects.select_related("session").filter(pk=registration_id).first()
    if registration is None or registration.reminded_at is not None:
        return "skipped"
    session = registration.session
    if registration.status != RegistrationStatus.CONFIRMED or session.status != SessionStatus.SCHEDULED:
        return "skipped"
    now = timezone.now()
    if now >= session.starts_at:
        return "skipped"
    if now < notify.reminder_time(session) - dt.timedelta(minutes=5):  # the session was moved later
        notify.schedule_reminder(registration)
        return "rescheduled"
    updated = Registration.objects.filter(pk=registration.pk, reminded_at__isnull=True).update(reminded_at=now)
    if not updated:  # another worker got there first
        return "skipped"
    send_registration_mail.call(registration.pk, "reminder")
    return "sent"


@task
def draw_lottery_task(session_id: int) -> str:
    """Draw a lottery session once its application deadline has passed (queued by notify.schedule_draw)."""
    from portal.booking import notify
    from portal.booking.lottery import draw_lottery
    from portal.booking.models import Session
    from portal.booking.services import BookingError

    session = Session.objects.filter(pk=session_id).first()
    if session is None or not session.is_lottery or session.lottery_drawn_at is not None:
        return "skipped"
    if session.status != SessionStatus.SCHEDULED:
        return "skipped"
    if timezone.now() < session.closes_at:  # the deadline was moved later
        notify.schedule_draw(session)
        return "rescheduled"
    try:
        draw_lottery(session)
    except BookingError as error:  # drawn meanwhile by staff or another worker
        return f"skipped: {error.code}"
    return "drawn"
