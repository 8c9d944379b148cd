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
    "not_paired": _("This session is not held together with another one."),
    "pair_lottery": _("Places of this session are drawn by lot: please sign up for each session on its own."),
    "pair_full": _(
        "Sorry, one of the two sessions is full and has no waiting list, so neither was booked. "
        "You can still sign up for the other one on its own."
    ),
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


def _lock_with_partner(session: Session) -> tuple[Session, Session | None]:
    """Lock a session and the session paired with it (if any), always in the order of their ids, so that two
    transactions working on a pair never wait for each other. Returns (the session, its partner or None)."""
    partner_id = session.paired_with_id
    if partner_id is None:
        partner_id = Session.objects.filter(paired_with=session.pk).values_list("pk", flat=True).first()
    locked = {pk: Session.objects.select_for_update().get(pk=pk) for pk in sorted({session.pk, partner_id} - {None})}
    return locked[session.pk], locked.get(partner_id)


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
    email, party = _party(data)
    with transaction.atomic():
        locked = _lock(session)  # sign-ups for this session queue up here
        now = now or timezone.now()  # after the wait: created_at follows the order sign-ups are served in
        _check_open(locked, party, now)
        existing = locked.registrations.filter(email=email, status__in=ACTIVE).first()
        if existing is None:
            registration = _create(locked, data, party, email=email, language=language, now=now)
    if existing is not None:
        # said in general terms on the page; the link goes only to the address's owner
        notify.registration_mail(existing, "existing_link")
        raise AlreadyRegistered(MESSAGES["duplicate"], code="duplicate")
    return registration


def _party(data: dict) -> tuple[str, Party]:
    unknown = set(data) - set(PARTICIPANT_FIELDS)
    if unknown:
        raise ValueError(f"Not participant fields: {', '.join(sorted(unknown))}")
    party = Party(
        kind=data.get("kind", RegistrationKind.FAMILY),
        children_grades=list(data.get("children_grades") or []),
        pupils=data.get("pupils") or 0,
        adults=data.get("adults") or 0,
    )
    return data["email"].strip().lower(), party


def _check_open(locked: Session, party: Party, now) -> None:
    """The rules every sign-up meets: the session takes sign-ups now, and the party is not empty or too big."""
    state = locked.registration_state(now)
    if state != "open":
        raise BookingError(MESSAGES[state], code=state)
    most = min(locked.max_party_size, locked.capacity)
    if party.seats < 1:
        raise BookingError(MESSAGES["no_seats"], code="no_seats")
    if party.seats > most:
        raise BookingError(MESSAGES["too_big"] % {"seats": party.seats, "most": most}, code="too_big")


def register_pair(
    *, session: Session, data: dict, language: str = "ja", now: dt.datetime | None = None
) -> tuple[Registration, Registration]:
    """Book one party for ``session`` and the session paired with it (a parent seminar and the pupils' tour),
    both or none, in one transaction.

    Both are confirmed when both have the seats; otherwise both go on their waiting lists as a pair (promoted
    only together), when both sessions have one; otherwise nothing is booked (BookingError ``pair_full``).
    The same rules as ``register`` apply to each session; lottery sessions are not booked in pairs.
    Returns (the registration for ``session``, the one for its partner).
    """
    email, party = _party(data)
    with transaction.atomic():
        locked, partner = _lock_with_partner(session)
        if partner is None:
            raise BookingError(MESSAGES["not_paired"], code="not_paired")
        now = now or timezone.now()
        for either in (locked, partner):
            _check_open(either, party, now)
            if either.is_lottery:
                raise BookingError(MESSAGES["pair_lottery"], code="pair_lottery")
        existing = Registration.objects.filter(session__in=(locked, partner), email=email, status__in=ACTIVE).first()
        if existing is None:
            if locked.seats_left >= party.seats and partner.seats_left >= party.seats:
                status = RegistrationStatus.CONFIRMED
            elif locked.waitlist_enabled and partner.waitlist_enabled:
                status = RegistrationStatus.WAITLISTED
            else:
                raise BookingError(MESSAGES["pair_full"], code="pair_full")
            first = _create(locked, data, party, email=email, language=language, now=now, status=status)
            second = _create(
                partner, data, party, email=email, language=language, now=now, status=status, partner=first
            )
    if existing is not None:
        notify.registration_mail(existing, "existing_link")
        raise AlreadyRegistered(MESSAGES["duplicate"], code="duplicate")
    return first, second


def _status_for(locked: Session, party: Party) -> str:
    """A single sign-up's status: applied (lottery), confirmed, waitlisted, or a BookingError when full."""
    if locked.is_lottery and locked.lottery_drawn_at is None:
        return RegistrationStatus.APPLIED
    if locked.seats_left >= party.seats:
        return RegistrationStatus.CONFIRMED
    if locked.waitlist_enabled:
        return RegistrationStatus.WAITLISTED
    if locked.seats_left == 0:
        raise BookingError(MESSAGES["full"], code="full")
    raise BookingError(MESSAGES["full_for_party"] % {"left": locked.seats_left}, code="full")


def _create(
    locked: Session, data: dict, party: Party, *, email: str, language: str, now, status=None, partner=None
) -> Registration:
    status = status or _status_for(locked, party)
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
        partner=partner,
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


def cancel_registration(
    *, registration: Registration, by=None, note: str = "", now: dt.datetime | None = None, with_pair: bool = False
):
    """Cancel a registration (it stays cancelled); its seats go to the waiting list, in order.

    ``with_pair``: the registration booked together with it (a pair) is cancelled too, in the same
    transaction. Returns the registrations promoted from the waiting lists (they are e-mailed).
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked, partner = _lock_with_partner(registration.session)
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        if current.status == RegistrationStatus.CANCELLED:
            raise BookingError(MESSAGES["already_cancelled"], code="already_cancelled")
        if current.status == RegistrationStatus.ATTENDED:
            raise BookingError(MESSAGES["attended"], code="attended")
        cancelled = [current]
        pair = current.pair if with_pair else None
        if pair is not None and partner is not None and pair.session_id == partner.pk:
            pair = Registration.objects.select_for_update().get(pk=pair.pk)
            if pair.status in (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED, RegistrationStatus.APPLIED):
                cancelled.append(pair)
        sessions = {locked.pk: locked, **({partner.pk: partner} if partner else {})}
        freed = set()
        for one in cancelled:
            if one.status in SEATED:
                sessions[one.session_id].seats_taken -= one.seats
                freed.add(one.session_id)
            one.status = RegistrationStatus.CANCELLED
            one.cancelled_at = now
            one.save(update_fields=["status", "cancelled_at", "updated_at"])
            _log(one, RegistrationStatus.CANCELLED, note, by)
        promoted = []
        for session_id in sorted(freed):
            session = sessions[session_id]
            _save_seats(session)
            other = partner if session is locked else locked
            promoted += promote_waitlist(session=session, now=now, locked=True, partner=other)
        for one in cancelled:  # told after those promoted into the seats
            transaction.on_commit(lambda one=one: notify.registration_mail(one, "cancelled"), robust=True)
    registration.refresh_from_db()
    return promoted


def promote_waitlist(
    *, session: Session, now: dt.datetime | None = None, locked: bool = False, partner: Session | None = None
) -> list[Registration]:
    """Give free seats to the waiting list in order, skipping parties that still do not fit; mail them.

    A pair on the waiting list (booked together with the paired session) is promoted only together, when
    both sessions have its seats. ``locked``: the caller holds the locks of the session and of ``partner``.
    """
    now = now or timezone.now()
    with transaction.atomic():
        if not locked:
            session, partner = _lock_with_partner(session)
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
            pair = waiting.pair
            if pair is not None and pair.status == RegistrationStatus.WAITLISTED:
                if partner is None or pair.session_id != partner.pk or pair.seats > partner.seats_left:
                    continue  # both or none: the other half has no room yet
                _confirm(pair, partner, now)
                promoted.append(pair)
            _confirm(waiting, session, now)
            promoted.append(waiting)
        for changed in {registration.session_id for registration in promoted}:
            _save_seats(session if changed == session.pk else partner)
        for registration in promoted:
            transaction.on_commit(
                lambda registration=registration: notify.registration_mail(registration, "promoted"), robust=True
            )
            transaction.on_commit(lambda registration=registration: notify.schedule_reminder(registration), robust=True)
    return promoted


def _confirm(waiting: Registration, locked: Session, now) -> None:
    waiting.status = RegistrationStatus.CONFIRMED
    waiting.confirmed_at = now
    waiting.save(update_fields=["status", "confirmed_at", "updated_at"])
    locked.seats_taken += waiting.seats
    _log(waiting, RegistrationStatus.CONFIRMED, "promoted from the waiting list")


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
        locked, partner = _lock_with_partner(session)
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
        promoted = promote_waitlist(session=locked, now=now, locked=True, partner=partner)
    session.refresh_from_db()
    return promoted


def mark_session_done(*, session: Session, now: dt.datetime | None = None) -> bool:
    """A scheduled session that has ended is done (run by portal.surveys.tasks.session_ended at its end).

    Returns whether it changed: a cancelled or already done session stays as it is. Raises BookingError
    (code "not_ended") before the session has ended.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(session)
        if locked.status != SessionStatus.SCHEDULED:
            return False
        if locked.ends_at > now:
            raise BookingError(_("This session has not ended yet."), code="not_ended")
        locked.status = SessionStatus.DONE
        locked.save(update_fields=["status", "updated_at"])
    session.refresh_from_db()
    return True
