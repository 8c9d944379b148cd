"""Writes of the sign-up engine, one function per action. Only these create registrations or move seats.

    registration = register(session=session, data=form.registration_data(), language="ja")
    cancel_registration(registration=registration)
    promote_waitlist(session=session)            # also run by cancel_registration and capacity changes
    mark_attendance(registration=registration, attended=True, by=request.user)
    cancel_session(session=session, by=request.user, message="…")
    draw_lottery(session)                        # portal.booking.lottery: a lottery session, after its deadline

Every action locks the session row (``SELECT … FOR UPDATE``) before it counts seats, so concurrent
sign-ups for one session queue up in the database and see each other's seats; the check constraint
``session_seats_within_capacity`` is the last line of defence. Mail goes out through the task queue after
the commit (``portal.booking.notify``): a slow or failing mail server never loses a registration.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import tokens
from portal.booking import notify
from portal.booking.models import ACTIVE, SEATED, TOKEN_PURPOSE, Registration, RegistrationEvent, Session
from portal.choices import RegistrationKind, RegistrationStatus, SessionStatus

#: The fields of a sign-up that come from the form; everything else is decided here.
PARTICIPANT_FIELDS = (
    "kind",
    "contact_name",
    "contact_kana",
    "email",
    "phone",
    "school_name",
    "children_grades",
    "pupils",
    "adults",
    "message",
)


#: the most seats a session may have (the model's validator says the same)
CAPACITY_LIMIT = 10000


class BookingError(ValidationError):
    """A sign-up or change the rules do not allow; ``code`` says which rule, the message says it politely."""


class AlreadyRegistered(BookingError):
    """The e-mail address already has a going registration for the session (its link was mailed again)."""


MESSAGES = {
    "cancelled": _("This session has been cancelled, so sign-up is closed."),
    "past": _("This session has already taken place."),
    "not_open_yet": _("Sign-up for this session has not opened yet."),
    "closed": _("Sign-up for this session has closed."),
    "too_big": _("A party of %(seats)d is more than this session can take (at most %(most)d per sign-up)."),
    "full": _("Sorry, this session is full and has no waiting list."),
    "full_for_party": _(
        "Sorry, there are only %(left)d seats left and this session has no waiting list. "
        "A smaller party could still sign up."
    ),
    "duplicate": _(
        "This e-mail address is already signed up for this session. We have sent the link to your "
        "registration to that address again."
    ),
    "no_seats": _("Please tell us how many people will come (at least one)."),
    "already_cancelled": _("This registration has already been cancelled."),
    "attended": _("This party has already taken part, so the registration cannot be cancelled."),
    "not_attendable": _("Only confirmed registrations can be marked as attended."),
}


@dataclass
class Party:
    kind: str
    children_grades: list[str]
    pupils: int
    adults: int

    @property
    def seats(self) -> int:
        if self.kind == RegistrationKind.SCHOOL:
            return self.pupils + self.adults
        return len(self.children_grades) + self.adults


def _lock(session: Session) -> Session:
    return Session.objects.select_for_update().get(pk=session.pk)


def _save_seats(locked: Session) -> None:
    """Save a locked session's seat count. Not a history entry: seats_taken is left out of the history."""
    locked.skip_history_when_saving = True
    try:
        locked.save(update_fields=["seats_taken", "updated_at"])
    finally:
        del locked.skip_history_when_saving


def _log(registration: Registration, status: str, note: str = "", by=None) -> None:
    RegistrationEvent.objects.create(registration=registration, to_status=status, note=note[:200], by=by)


def register(*, session: Session, data: dict, language: str = "ja", now: dt.datetime | None = None) -> Registration:
    """Sign a party up: confirmed if its seats are free, else waitlisted (if the session has a waiting list).

    For a lottery session before its deadline the registration is an application (``applied``); the draw
    decides. Raises BookingError (with a code from MESSAGES) when the rules say no, AlreadyRegistered when
    the e-mail address has a going registration for the session (its link is mailed to that address again,
    never shown). Nothing is written when it raises.
    """
    unknown = set(data) - set(PARTICIPANT_FIELDS)
    if unknown:
        raise ValueError(f"Not participant fields: {', '.join(sorted(unknown))}")
    email = data["email"].strip().lower()
    party = Party(
        kind=data.get("kind", RegistrationKind.FAMILY),
        children_grades=list(data.get("children_grades") or []),
        pupils=data.get("pupils") or 0,
        adults=data.get("adults") or 0,
    )
    with transaction.atomic():
        locked = _lock(session)  # sign-ups for this session queue up here
        now = now or timezone.now()  # after the wait: created_at follows the order sign-ups are served in
        state = locked.registration_state(now)
        if state != "open":
            raise BookingError(MESSAGES[state], code=state)
        most = min(locked.max_party_size, locked.capacity)
        if party.seats < 1:
            raise BookingError(MESSAGES["no_seats"], code="no_seats")
        if party.seats > most:
            raise BookingError(MESSAGES["too_big"] % {"seats": party.seats, "most": most}, code="too_big")
        existing = locked.registrations.filter(email=email, status__in=ACTIVE).first()
        if existing is None:
            registration = _create(locked, data, party, email=email, language=language, now=now)
    if existing is not None:
        # said in general terms on the page; the link goes only to the address's owner
        notify.registration_mail(existing, "existing_link")
        raise AlreadyRegistered(MESSAGES["duplicate"], code="duplicate")
    return registration


def _create(locked: Session, data: dict, party: Party, *, email: str, language: str, now) -> Registration:
    if locked.is_lottery and locked.lottery_drawn_at is None:
        status = RegistrationStatus.APPLIED
    elif locked.seats_left >= party.seats:
        status = RegistrationStatus.CONFIRMED
    elif locked.waitlist_enabled:
        status = RegistrationStatus.WAITLISTED
    elif locked.seats_left == 0:
        raise BookingError(MESSAGES["full"], code="full")
    else:
        raise BookingError(MESSAGES["full_for_party"] % {"left": locked.seats_left}, code="full")

    nonce = tokens.new_nonce()
    registration = Registration(
        session=locked,
        status=status,
        kind=party.kind,
        contact_name=data["contact_name"],
        contact_kana=data["contact_kana"],
        email=email,
        phone=data["phone"],
        school_name=data.get("school_name", ""),
        children_grades=party.children_grades if party.kind == RegistrationKind.FAMILY else [],
        pupils=party.pupils if party.kind == RegistrationKind.SCHOOL else 0,
        adults=party.adults,
        seats=party.seats,
        message=data.get("message", ""),
        language=language,
        token_nonce=nonce,
        token_digest=tokens.token_digest(tokens.derived_token(TOKEN_PURPOSE, nonce)),
        created_at=now,
        confirmed_at=now if status == RegistrationStatus.CONFIRMED else None,
    )
    # Field validation only: the duplicate e-mail was checked above under the lock, the tokens are random, and
    # the database enforces every constraint anyway. validate_constraints would add a query per constraint
    # while the session is locked and every other sign-up for it waits.
    registration.full_clean(exclude=["session"], validate_unique=False, validate_constraints=False)
    registration.save()
    if status == RegistrationStatus.CONFIRMED:
        locked.seats_taken += party.seats
        _save_seats(locked)
    _log(registration, status)
    transaction.on_commit(lambda: notify.registration_mail(registration, status), robust=True)
    if status == RegistrationStatus.CONFIRMED:
        transaction.on_commit(lambda: notify.schedule_reminder(registration), robust=True)
    if (
        status == RegistrationStatus.APPLIED
        and not locked.registrations.filter(status=RegistrationStatus.APPLIED).exclude(pk=registration.pk).exists()
    ):
        # the first application makes sure the draw is queued for the deadline (staff edits queue it again)
        transaction.on_commit(lambda: notify.schedule_draw(locked), robust=True)
    return registration


def cancel_registration(*, registration: Registration, by=None, note: str = "", now: dt.datetime | None = None):
    """Cancel a registration (it stays cancelled); its seats go to the waiting list, in order.

    Returns the registrations promoted from the waiting list (they are e-mailed).
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(registration.session)
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        if current.status == RegistrationStatus.CANCELLED:
            raise BookingError(MESSAGES["already_cancelled"], code="already_cancelled")
        if current.status == RegistrationStatus.ATTENDED:
            raise BookingError(MESSAGES["attended"], code="attended")
        held = current.status in SEATED
        current.status = RegistrationStatus.CANCELLED
        current.cancelled_at = now
        current.save(update_fields=["status", "cancelled_at", "updated_at"])
        _log(current, RegistrationStatus.CANCELLED, note, by)
        promoted = []
        if held:
            locked.seats_taken -= current.seats
            _save_seats(locked)
            if locked.status == SessionStatus.SCHEDULED and locked.starts_at > now:
                promoted = promote_waitlist(session=locked, now=now, locked=True)
        transaction.on_commit(lambda: notify.registration_mail(current, "cancelled"), robust=True)
    registration.refresh_from_db()
    return promoted


def promote_waitlist(*, session: Session, now: dt.datetime | None = None, locked: bool = False) -> list[Registration]:
    """Give free seats to the waiting list in order, skipping parties that still do not fit; mail them."""
    now = now or timezone.now()
    with transaction.atomic():
        session = session if locked else _lock(session)
        if session.status != SessionStatus.SCHEDULED or session.starts_at <= now:
            return []
        if session.is_lottery and session.lottery_drawn_at is None:
            return []
        promoted = []
        for waiting in session.registrations.waiting_in_order().select_for_update():
            if session.seats_left == 0:
                break
            if waiting.seats > session.seats_left:
                continue
            waiting.status = RegistrationStatus.CONFIRMED
            waiting.confirmed_at = now
            waiting.save(update_fields=["status", "confirmed_at", "updated_at"])
            session.seats_taken += waiting.seats
            _log(waiting, RegistrationStatus.CONFIRMED, "promoted from the waiting list")
            promoted.append(waiting)
        if promoted:
            _save_seats(session)
            for registration in promoted:
                transaction.on_commit(
                    lambda registration=registration: notify.registration_mail(registration, "promoted"), robust=True
                )
                transaction.on_commit(
                    lambda registration=registration: notify.schedule_reminder(registration), robust=True
                )
    return promoted


def mark_attendance(*, registration: Registration, attended: bool = True, by=None, now: dt.datetime | None = None):
    """Tick (or untick) a confirmed party as present. Attendance feeds the reports."""
    now = now or timezone.now()
    with transaction.atomic():
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        if attended and current.status == RegistrationStatus.ATTENDED:
            return current
        if not attended and current.status == RegistrationStatus.CONFIRMED:
            return current
        expected = RegistrationStatus.CONFIRMED if attended else RegistrationStatus.ATTENDED
        if current.status != expected:
            raise BookingError(MESSAGES["not_attendable"], code="not_attendable")
        current.status = RegistrationStatus.ATTENDED if attended else RegistrationStatus.CONFIRMED
        current.attended_at = now if attended else None
        current.save(update_fields=["status", "attended_at", "updated_at"])
        _log(current, current.status, "" if attended else "attendance taken back", by)
    registration.refresh_from_db()
    return current


def cancel_session(*, session: Session, by=None, message: str = "", now: dt.datetime | None = None) -> int:
    """Cancel a session: every going registration is cancelled and told (with ``message``). Returns how many."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(session)
        if locked.status == SessionStatus.CANCELLED:
            return 0
        going = list(locked.registrations.active().select_for_update())
        for registration in going:
            registration.status = RegistrationStatus.CANCELLED
            registration.cancelled_at = now
            registration.save(update_fields=["status", "cancelled_at", "updated_at"])
            _log(registration, RegistrationStatus.CANCELLED, "session cancelled", by)
        locked.status = SessionStatus.CANCELLED
        locked.seats_taken = 0
        locked.save(update_fields=["status", "seats_taken", "updated_at"])
        for registration in going:
            transaction.on_commit(
                lambda registration=registration: notify.registration_mail(
                    registration, "session_cancelled", message=message
                ),
                robust=True,
            )
    session.refresh_from_db()
    return len(going)


def change_capacity(*, session: Session, capacity: int, now: dt.datetime | None = None) -> list[Registration]:
    """Set a session's seats (never below the seats taken) and promote the waiting list into new seats."""
    with transaction.atomic():
        locked = _lock(session)
        if not 1 <= capacity <= CAPACITY_LIMIT:
            raise BookingError(
                _("A session has between 1 and %(most)d seats.") % {"most": CAPACITY_LIMIT}, code="capacity"
            )
        if capacity < locked.seats_taken:
            raise BookingError(
                _("%(taken)d seats are already taken: the capacity cannot be lower.") % {"taken": locked.seats_taken},
                code="capacity",
            )
        locked.capacity = capacity
        locked.save(update_fields=["capacity", "updated_at"])
        promoted = promote_waitlist(session=locked, now=now, locked=True)
    session.refresh_from_db()
    return promoted
