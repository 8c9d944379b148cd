"""The lottery of an oversubscribed session (``allocation = lottery``): one reproducible draw after the deadline.

Until the deadline (``session.closes_at``) every sign-up is an application (``applied``). The draw then
walks the applications in an order that favours newcomers: families and schools whose e-mail address has
no confirmed or attended place in another session starting in the same fiscal year (年度) come first
(priority 0), the others after them (priority 1). Within each priority the order is a shuffle, by
``random.Random(seed)``, of the applications sorted by primary key, so anyone holding the seed stored in
``session.lottery_log`` can repeat the draw and check it.

A party that fits the seats still free is confirmed; one that does not is waitlisted with its place in the
draw as ``queue_rank`` (or cancelled when the session has no waiting list). Afterwards the session behaves
like a first-come session: cancellations promote the waiting list in the order of the draw.

    draw_lottery(session)                 # normally run by tasks.draw_lottery_task at the deadline
"""

import datetime as dt
import random
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.booking import notify
from portal.booking.models import SEATED, Registration, Session
from portal.booking.services import BookingError, _lock, _log
from portal.choices import RegistrationStatus, SessionStatus
from portal.dates import fiscal_year, fiscal_year_bounds

RULE = (
    "priority 0: no confirmed or attended registration with the same e-mail address in another session "
    "starting in fiscal year {year}; priority 1: the others. Within each priority, random.Random(seed).shuffle "
    "of the applications sorted by primary key. In that order: confirmed if the party fits the free seats, "
    "otherwise waitlisted with queue_rank = place in the draw (cancelled when the session has no waiting list)."
)

MESSAGES = {
    "not_lottery": _("This session gives out its places first come, first served: there is nothing to draw."),
    "already_drawn": _("The lottery for this session has already been drawn; it is drawn only once."),
    "not_closed_yet": _("The lottery can only be drawn after the application deadline."),
    "cancelled": _("This session has been cancelled, so there is nothing to draw."),
}


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def returning_emails(session: Session, emails: set[str]) -> set[str]:
    """Those of ``emails`` with a confirmed or attended place in another session of the same fiscal year."""
    if not emails:
        return set()
    first, last = fiscal_year_bounds(fiscal_year(session.starts_at))
    seated = Registration.objects.filter(
        status__in=SEATED,
        email__in=emails,
        session__starts_at__gte=_day_start(first),
        session__starts_at__lt=_day_start(last + dt.timedelta(days=1)),
    ).exclude(session=session)
    return set(seated.values_list("email", flat=True))


def draw_order(applications: list[Registration], returning: set[str], seed: int) -> list[tuple[Registration, int]]:
    """The applications in the order of the draw, each with its priority (0 newcomers, 1 the others)."""
    rng = random.Random(seed)  # noqa: S311 - a fair, reproducible shuffle, not a secret
    order = []
    for priority in (0, 1):
        group = sorted(
            (app for app in applications if (app.email in returning) == bool(priority)), key=lambda app: app.pk
        )
        rng.shuffle(group)
        order.extend((app, priority) for app in group)
    return order


def draw_lottery(session: Session, seed: int | None = None, now: dt.datetime | None = None) -> dict:
    """Draw the lottery of ``session`` once, after its deadline; returns the log stored in ``lottery_log``.

    Raises BookingError (codes in MESSAGES) when the session is not a lottery, is cancelled, is still
    taking applications or has been drawn already. Winners and losers are e-mailed after the commit.
    """
    now = now or timezone.now()
    seed = secrets.randbits(63) if seed is None else int(seed)
    with transaction.atomic():
        locked = _lock(session)  # sign-ups, cancellations and a second draw wait here
        if not locked.is_lottery:
            raise BookingError(MESSAGES["not_lottery"], code="not_lottery")
        if locked.lottery_drawn_at is not None:
            raise BookingError(MESSAGES["already_drawn"], code="already_drawn")
        if locked.status == SessionStatus.CANCELLED:
            raise BookingError(MESSAGES["cancelled"], code="cancelled")
        if now < locked.closes_at:
            raise BookingError(MESSAGES["not_closed_yet"], code="not_closed_yet")

        applications = list(
            locked.registrations.filter(status=RegistrationStatus.APPLIED).order_by("pk").select_for_update()
        )
        returning = returning_emails(locked, {app.email for app in applications})
        order = []
        mails = []
        for place, (registration, priority) in enumerate(draw_order(applications, returning, seed), start=1):
            if registration.seats <= locked.seats_left:
                registration.status = RegistrationStatus.CONFIRMED
                registration.confirmed_at = now
                locked.seats_taken += registration.seats
                kind = "won"
            elif locked.waitlist_enabled:
                registration.status = RegistrationStatus.WAITLISTED
                registration.queue_rank = place
                kind = "lost"
            else:
                registration.status = RegistrationStatus.CANCELLED
                registration.cancelled_at = now
                kind = "lost_no_waitlist"
            registration.save(update_fields=["status", "confirmed_at", "cancelled_at", "queue_rank", "updated_at"])
            _log(registration, registration.status, f"lottery draw: place {place}, priority {priority}")
            order.append({"registration": registration.pk, "priority": priority, "result": registration.status.value})
            mails.append((registration, kind))

        log = {
            "seed": seed,
            "drawn_at": now.isoformat(),
            "rule": RULE.format(year=fiscal_year(locked.starts_at)),
            "order": order,
        }
        locked.lottery_drawn_at = now
        locked.lottery_log = log
        locked.save(update_fields=["seats_taken", "lottery_drawn_at", "lottery_log", "updated_at"])  # in history
        for registration, kind in mails:
            transaction.on_commit(
                lambda registration=registration, kind=kind: notify.registration_mail(registration, kind), robust=True
            )
            if kind == "won":
                transaction.on_commit(
                    lambda registration=registration: notify.schedule_reminder(registration), robust=True
                )
    session.refresh_from_db()
    return log
