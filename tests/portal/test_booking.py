"""The sign-up engine (portal.booking): seats, waiting list, cancellations, reminders, private links, lottery."""

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from portal import tokens
from portal.booking import lottery, notify, services, tasks
from portal.booking.models import Registration, RegistrationEvent, Session
from portal.choices import Allocation, RegistrationKind, RegistrationStatus, SessionStatus
from tests.factories import FactoryTourFactory

TOKYO = ZoneInfo("Asia/Tokyo")
#: fixed dates, so that fiscal years (年度) are certain: the lottery session is in FY2030
DEADLINE = dt.datetime(2030, 5, 31, 23, 59, tzinfo=TOKYO)
BEFORE_DEADLINE = dt.datetime(2030, 5, 1, 12, 0, tzinfo=TOKYO)
AFTER_DEADLINE = DEADLINE + dt.timedelta(minutes=1)
LOTTERY_START = dt.datetime(2030, 6, 10, 10, 0, tzinfo=TOKYO)

CONFIRMED, WAITLISTED, CANCELLED = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITLISTED,
    RegistrationStatus.CANCELLED,
)
APPLIED, ATTENDED = RegistrationStatus.APPLIED, RegistrationStatus.ATTENDED


@pytest.fixture(autouse=True)
def english():
    """The messages are checked in English (their msgids); the pages show them in Japanese."""
    with translation.override("en"):
        yield


@pytest.fixture
def tour(db):
    return FactoryTourFactory()


def make_session(tour, *, starts_at=None, capacity=20, **fields) -> Session:
    starts_at = starts_at or dt.datetime.now(TOKYO).replace(microsecond=0) + dt.timedelta(days=30)
    return Session.objects.create(
        offering=tour,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=2),
        venue_name="北見工場",
        municipality=tour.municipality,
        capacity=capacity,
        **fields,
    )


def party(email: str, seats: int = 1, **changes) -> dict:
    """A family of ``seats`` people: one adult and seats - 1 children (or one child when seats is 1)."""
    children = max(seats - 1, 1)
    data = {
        "kind": RegistrationKind.FAMILY,
        "contact_name": "山田花子",
        "contact_kana": "ヤマダハナコ",
        "email": email,
        "phone": "0157-00-0000",
        "children_grades": ["e3"] * children,
        "adults": seats - children,
    }
    data.update(changes)
    return data


def sign_up(session, email, seats=1, **kwargs) -> Registration:
    return services.register(session=session, data=party(email, seats), language="en", **kwargs)


def statuses(*registrations) -> list[str]:
    return [Registration.objects.get(pk=registration.pk).status for registration in registrations]


def subjects(outbox) -> list[tuple[str, str]]:
    """(recipient, subject without the portal name and the session) of every mail sent."""
    return [(message.to[0], message.subject.split("] ", 1)[1].rsplit(": ", 1)[0]) for message in outbox]


# --- first come, first served ---------------------------------------------------------------------------------


def test_confirmed_while_seats_last_then_waitlisted(tour, mailoutbox, django_capture_on_commit_callbacks):
    session = make_session(tour, capacity=5)
    with django_capture_on_commit_callbacks(execute=True):
        a = sign_up(session, "a@example.jp", 2)
        b = sign_up(session, "b@example.jp", 2)
        c = sign_up(session, "c@example.jp", 1)
        d = sign_up(session, "d@example.jp", 1)
    session.refresh_from_db()
    assert statuses(a, b, c, d) == [CONFIRMED, CONFIRMED, CONFIRMED, WAITLISTED]
    assert (session.seats_taken, session.seats_left, session.is_full) == (5, 0, True)
    assert [r.seats for r in (a, b, c, d)] == [2, 2, 1, 1]
    assert a.confirmed_at is not None and d.confirmed_at is None
    assert list(RegistrationEvent.objects.filter(registration=d).values_list("to_status", flat=True)) == [WAITLISTED]
    assert subjects(mailoutbox) == [
        ("a@example.jp", "Your place is confirmed"),
        ("b@example.jp", "Your place is confirmed"),
        ("c@example.jp", "Your place is confirmed"),
        ("d@example.jp", "You are on the waiting list"),
    ]


def test_a_school_group_counts_pupils_and_adults(tour):
    session = make_session(tour, capacity=40, max_party_size=40)
    data = party("school@example.jp", kind=RegistrationKind.SCHOOL, pupils=35, adults=3, school_name="北見市立北中学校")
    registration = services.register(session=session, data=data)
    session.refresh_from_db()
    assert (registration.seats, registration.children_grades, session.seats_taken) == (38, [], 38)


@pytest.mark.parametrize(
    ("fields", "seats", "most"),
    [
        ({"max_party_size": 4}, 5, 4),  # more than one sign-up may take
        ({"capacity": 3}, 4, 3),  # more than the whole session
    ],
)
def test_too_big_a_party_is_refused(tour, fields, seats, most):
    session = make_session(tour, **{"capacity": 20, **fields})
    with pytest.raises(services.BookingError) as error:
        sign_up(session, "big@example.jp", seats)
    assert error.value.code == "too_big"
    assert error.value.messages == [
        f"A party of {seats} is more than this session can take (at most {most} per sign-up)."
    ]
    assert not Registration.objects.exists()
    session.refresh_from_db()
    assert session.seats_taken == 0


def test_a_party_of_nobody_is_refused(tour):
    session = make_session(tour)
    with pytest.raises(services.BookingError) as error:
        services.register(session=session, data=party("none@example.jp", children_grades=[], adults=0))
    assert error.value.code == "no_seats"
    assert not Registration.objects.exists()


def test_full_without_waiting_list_says_so_politely(tour):
    session = make_session(tour, capacity=3, waitlist_enabled=False)
    sign_up(session, "a@example.jp", 2)
    with pytest.raises(services.BookingError) as error:
        sign_up(session, "b@example.jp", 2)
    assert error.value.code == "full"
    assert error.value.messages == [
        "Sorry, there are only 1 seats left and this session has no waiting list. A smaller party could still sign up."
    ]
    sign_up(session, "c@example.jp", 1)
    with pytest.raises(services.BookingError) as error:
        sign_up(session, "d@example.jp", 1)
    assert error.value.code == "full"
    assert error.value.messages == ["Sorry, this session is full and has no waiting list."]
    assert sorted(Registration.objects.values_list("email", flat=True)) == ["a@example.jp", "c@example.jp"]
    session.refresh_from_db()
    assert session.seats_taken == 3


def _closed(now):
    return {"registration_closes_at": now - dt.timedelta(hours=1)}


def _not_open_yet(now):
    return {"registration_opens_at": now + dt.timedelta(days=1)}


def _past(now):
    return {"starts_at": now - dt.timedelta(hours=1)}


def _cancelled(now):
    return {"status": SessionStatus.CANCELLED}


@pytest.mark.parametrize(
    ("fields", "code", "message"),
    [
        (_closed, "closed", "Sign-up for this session has closed."),
        (_not_open_yet, "not_open_yet", "Sign-up for this session has not opened yet."),
        (_past, "past", "This session has already taken place."),
        (_cancelled, "cancelled", "This session has been cancelled, so sign-up is closed."),
    ],
)
def test_sign_up_refused_outside_the_window(tour, fields, code, message):
    now = dt.datetime.now(TOKYO)
    session = make_session(tour, **fields(now))
    with pytest.raises(services.BookingError) as error:
        sign_up(session, "late@example.jp")
    assert (error.value.code, error.value.messages) == (code, [message])
    assert not Registration.objects.exists()


def test_same_email_twice_mails_the_link_again_and_writes_nothing(tour, mailoutbox, django_capture_on_commit_callbacks):
    session = make_session(tour)
    with django_capture_on_commit_callbacks(execute=True):
        first = sign_up(session, "Yamada@Example.jp")
    assert first.email == "yamada@example.jp"
    mailoutbox.clear()
    events = RegistrationEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.AlreadyRegistered) as error:
        sign_up(session, " YAMADA@example.JP ", 3)
    assert error.value.code == "duplicate"
    assert "already signed up" in error.value.messages[0]
    assert first.access_token not in error.value.messages[0]  # said in general terms, never shown
    assert list(Registration.objects.values_list("pk", "seats")) == [(first.pk, 1)]
    assert RegistrationEvent.objects.count() == events
    session.refresh_from_db()
    assert session.seats_taken == 1
    assert subjects(mailoutbox) == [("yamada@example.jp", "Your registration")]
    assert first.access_token in mailoutbox[0].body


def test_cancel_frees_seats_and_promotes_in_order_skipping_parties_that_do_not_fit(
    tour, mailoutbox, django_capture_on_commit_callbacks
):
    session = make_session(tour, capacity=5)
    a = sign_up(session, "a@example.jp", 3)
    b = sign_up(session, "b@example.jp", 2)
    c = sign_up(session, "c@example.jp", 4)
    d = sign_up(session, "d@example.jp", 2)
    e = sign_up(session, "e@example.jp", 1)
    f = sign_up(session, "f@example.jp", 1)
    assert statuses(a, b, c, d, e, f) == [CONFIRMED, CONFIRMED, WAITLISTED, WAITLISTED, WAITLISTED, WAITLISTED]
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.cancel_registration(registration=a, note="家族の都合")
    assert [r.pk for r in promoted] == [d.pk, e.pk]  # c (4) does not fit the 3 free seats; f comes after e
    assert statuses(a, b, c, d, e, f) == [CANCELLED, CONFIRMED, WAITLISTED, CONFIRMED, CONFIRMED, WAITLISTED]
    session.refresh_from_db()
    assert session.seats_taken == 5
    assert a.status == CANCELLED and a.cancelled_at is not None  # the caller's object is refreshed
    assert RegistrationEvent.objects.filter(registration=a).last().note == "家族の都合"
    assert subjects(mailoutbox) == [
        ("d@example.jp", "A place has freed up: you are confirmed"),
        ("e@example.jp", "A place has freed up: you are confirmed"),
        ("a@example.jp", "Your registration is cancelled"),
    ]

    # a waitlisted party that cancels frees nothing and promotes nobody
    assert services.cancel_registration(registration=c) == []
    session.refresh_from_db()
    assert session.seats_taken == 5


def test_cancelling_twice_is_refused(tour):
    session = make_session(tour)
    registration = sign_up(session, "a@example.jp", 2)
    services.cancel_registration(registration=registration)
    with pytest.raises(services.BookingError) as error:
        services.cancel_registration(registration=registration)
    assert error.value.code == "already_cancelled"
    session.refresh_from_db()
    assert session.seats_taken == 0


def test_a_cancelled_email_may_sign_up_again(tour):
    session = make_session(tour)
    first = sign_up(session, "a@example.jp")
    services.cancel_registration(registration=first)
    again = sign_up(session, "a@example.jp")
    assert (again.status, again.pk != first.pk) == (CONFIRMED, True)


def test_mark_attendance_and_take_it_back(tour, secretariat_user):
    session = make_session(tour, capacity=1)
    confirmed = sign_up(session, "a@example.jp")
    waiting = sign_up(session, "b@example.jp")

    services.mark_attendance(registration=confirmed, by=secretariat_user)
    assert (confirmed.status, confirmed.attended_at is not None) == (ATTENDED, True)
    assert RegistrationEvent.objects.filter(registration=confirmed).last().by == secretariat_user
    session.refresh_from_db()
    assert session.seats_taken == 1  # attended parties keep their seats

    services.mark_attendance(registration=confirmed, attended=False)
    assert (confirmed.status, confirmed.attended_at) == (CONFIRMED, None)

    with pytest.raises(services.BookingError) as error:
        services.mark_attendance(registration=waiting)
    assert error.value.code == "not_attendable"
    assert statuses(waiting) == [WAITLISTED]


def test_cancel_session_cancels_everyone_and_tells_them(
    tour, secretariat_user, mailoutbox, django_capture_on_commit_callbacks
):
    session = make_session(tour, capacity=2)
    registrations = [sign_up(session, f"{name}@example.jp") for name in ("a", "b", "c")]
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        count = services.cancel_session(session=session, by=secretariat_user, message="台風のため中止します。")
    assert count == 3
    assert statuses(*registrations) == [CANCELLED] * 3
    assert (session.status, session.seats_taken) == (SessionStatus.CANCELLED, 0)
    assert sorted(subjects(mailoutbox)) == [
        (f"{name}@example.jp", "The session has been cancelled") for name in ("a", "b", "c")
    ]
    assert all("台風のため中止します。" in message.body for message in mailoutbox)
    assert services.cancel_session(session=session) == 0  # once


def test_change_capacity_promotes_and_never_goes_below_seats_taken(
    tour, mailoutbox, django_capture_on_commit_callbacks
):
    session = make_session(tour, capacity=2)
    a, b, c, d = (sign_up(session, f"{name}@example.jp") for name in "abcd")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.change_capacity(session=session, capacity=3)
    assert [r.pk for r in promoted] == [c.pk]
    assert statuses(a, b, c, d) == [CONFIRMED, CONFIRMED, CONFIRMED, WAITLISTED]
    assert (session.capacity, session.seats_taken) == (3, 3)
    assert subjects(mailoutbox) == [("c@example.jp", "A place has freed up: you are confirmed")]

    for capacity in (2, 0):
        with pytest.raises(services.BookingError) as error:
            services.change_capacity(session=session, capacity=capacity)
        assert error.value.code == "capacity"
    session.refresh_from_db()
    assert (session.capacity, session.seats_taken) == (3, 3)


def test_the_database_refuses_more_seats_than_capacity(tour):
    session = make_session(tour, capacity=2)
    sign_up(session, "a@example.jp", 2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(seats_taken=F("seats_taken") + 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(capacity=1)
    session.refresh_from_db()
    assert (session.capacity, session.seats_taken) == (2, 2)


def test_seat_counts_leave_no_history_but_status_changes_do(tour):
    session = make_session(tour)
    sign_up(session, "a@example.jp")
    sign_up(session, "b@example.jp")
    assert session.history.count() == 1  # created
    services.cancel_session(session=session)
    assert session.history.count() == 2


# --- reminders --------------------------------------------------------------------------------------------------


def test_reminder_is_sent_once(tour, mailoutbox):
    session = make_session(
        tour, starts_at=dt.datetime.now(TOKYO) + dt.timedelta(days=settings.BOOKING_REMINDER_DAYS - 1)
    )
    registration = sign_up(session, "a@example.jp")
    mailoutbox.clear()
    assert tasks.send_reminder.call(registration.pk) == "sent"
    assert tasks.send_reminder.call(registration.pk) == "skipped"
    assert subjects(mailoutbox) == [("a@example.jp", "Reminder: your session is coming up")]
    registration.refresh_from_db()
    assert registration.reminded_at is not None


def test_reminder_skips_cancelled_registrations(tour, mailoutbox):
    session = make_session(tour, starts_at=dt.datetime.now(TOKYO) + dt.timedelta(days=1))
    registration = sign_up(session, "a@example.jp")
    services.cancel_registration(registration=registration)
    mailoutbox.clear()
    assert tasks.send_reminder.call(registration.pk) == "skipped"
    assert tasks.send_reminder.call(registration.pk + 1000) == "skipped"  # deleted since
    assert mailoutbox == []


def test_reminder_skips_cancelled_sessions(tour, mailoutbox):
    session = make_session(tour, starts_at=dt.datetime.now(TOKYO) + dt.timedelta(days=1))
    registration = sign_up(session, "a@example.jp")
    Session.objects.filter(pk=session.pk).update(status=SessionStatus.CANCELLED)  # the registration stays confirmed
    mailoutbox.clear()
    assert tasks.send_reminder.call(registration.pk) == "skipped"
    assert mailoutbox == []


def test_reminder_waits_when_the_session_was_moved_later(tour, mailoutbox, monkeypatch):
    session = make_session(tour, starts_at=dt.datetime.now(TOKYO) + dt.timedelta(days=1))
    registration = sign_up(session, "a@example.jp")
    Session.objects.filter(pk=session.pk).update(
        starts_at=F("starts_at") + dt.timedelta(days=20), ends_at=F("ends_at") + dt.timedelta(days=20)
    )
    rescheduled = []
    monkeypatch.setattr(notify, "schedule_reminder", rescheduled.append)
    mailoutbox.clear()
    assert tasks.send_reminder.call(registration.pk) == "rescheduled"
    assert [r.pk for r in rescheduled] == [registration.pk]
    assert mailoutbox == []
    registration.refresh_from_db()
    assert registration.reminded_at is None


@pytest.fixture
def database_tasks(settings):
    """The database task backend (it can defer) for one test; the signal resets django.tasks.task_backends."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    yield
    # the settings fixture restores TASKS afterwards, and the same signal resets the backends again


def test_a_confirmed_sign_up_schedules_its_reminder(tour, database_tasks, django_capture_on_commit_callbacks):
    session = make_session(tour)
    with django_capture_on_commit_callbacks(execute=True):
        registration = sign_up(session, "a@example.jp")
    reminder = DBTaskResult.objects.get(task_path="portal.booking.tasks.send_reminder")
    assert reminder.run_after == session.starts_at - dt.timedelta(days=settings.BOOKING_REMINDER_DAYS)
    assert reminder.args_kwargs == {"args": [registration.pk], "kwargs": {}}
    mail = DBTaskResult.objects.get(task_path="portal.booking.tasks.send_registration_mail")
    assert mail.args_kwargs["args"] == [registration.pk, "confirmed", ""]


# --- private links ----------------------------------------------------------------------------------------------


def test_the_registration_link_token(tour):
    session = make_session(tour)
    registration = sign_up(session, "a@example.jp")
    token = registration.access_token
    assert len(token) >= 43  # 256 bits
    assert Registration.objects.get(pk=registration.pk).access_token == token  # derived again, the same
    assert registration.token_digest == tokens.token_digest(token)
    assert token not in str(Registration.objects.filter(pk=registration.pk).values().get())  # never stored
    assert tokens.get_by_token_or_404(Registration.objects, token) == registration
    for wrong in (token[:-1], token[:-1] + ("A" if token[-1] != "A" else "B"), "", "x" * 43):
        with pytest.raises(Http404):
            tokens.get_by_token_or_404(Registration.objects, wrong)
    other = sign_up(session, "b@example.jp")
    assert other.access_token != token


# --- lottery ----------------------------------------------------------------------------------------------------


def lottery_session(tour, *, capacity=3, **fields) -> Session:
    return make_session(
        tour,
        starts_at=LOTTERY_START,
        capacity=capacity,
        allocation=Allocation.LOTTERY,
        registration_closes_at=DEADLINE,
        **fields,
    )


def apply(session, email, seats=1) -> Registration:
    return sign_up(session, email, seats, now=BEFORE_DEADLINE)


def replay(session, log) -> list[tuple[int, int]]:
    """The draw order computed again from the stored seed: (registration pk, priority)."""
    applications = list(session.registrations.order_by("pk"))
    returning = {app.email for app in applications if log_priority(log, app.pk) == 1}
    return [(app.pk, priority) for app, priority in lottery.draw_order(applications, returning, log["seed"])]


def log_priority(log, pk) -> int:
    return next(entry["priority"] for entry in log["order"] if entry["registration"] == pk)


def test_applications_wait_for_the_draw(tour, mailoutbox, django_capture_on_commit_callbacks):
    session = lottery_session(tour, capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        a = apply(session, "a@example.jp")
        b = apply(session, "b@example.jp")
    assert statuses(a, b) == [APPLIED, APPLIED]
    session.refresh_from_db()
    assert (session.seats_taken, session.lottery_drawn_at) == (0, None)
    assert subjects(mailoutbox) == [
        ("a@example.jp", "We have received your application"),
        ("b@example.jp", "We have received your application"),
    ]
    assert services.promote_waitlist(session=session, now=BEFORE_DEADLINE) == []
    with pytest.raises(services.BookingError) as error:
        sign_up(session, "late@example.jp", now=AFTER_DEADLINE)
    assert error.value.code == "closed"
    with pytest.raises(services.BookingError) as error:
        lottery.draw_lottery(session, now=BEFORE_DEADLINE)
    assert error.value.code == "not_closed_yet"


def test_the_draw_is_reproducible_with_the_same_seed(tour):
    session = lottery_session(tour)
    applications = [apply(session, f"p{n}@example.jp") for n in range(12)]
    shuffled = list(reversed(applications))  # the order given does not matter: sorted by pk first
    first = lottery.draw_order(applications, set(), seed=2030)
    assert lottery.draw_order(shuffled, set(), seed=2030) == first
    assert [app.pk for app, _ in first] != [app.pk for app, _ in lottery.draw_order(applications, set(), seed=2031)]
    expected = sorted(applications, key=lambda app: app.pk)
    random.Random(2030).shuffle(expected)  # noqa: S311 - the rule stored in the log
    assert [app.pk for app, _ in first] == [app.pk for app in expected]

    log = lottery.draw_lottery(session, seed=2030, now=AFTER_DEADLINE)
    assert [(entry["registration"], entry["priority"]) for entry in log["order"]] == [(app.pk, 0) for app, _ in first]
    winners = [app.pk for app, _ in first[:3]]
    assert sorted(session.registrations.filter(status=CONFIRMED).values_list("pk", flat=True)) == sorted(winners)


def test_the_default_seed_is_stored_and_replays_the_draw(tour):
    session = lottery_session(tour)
    for n in range(8):
        apply(session, f"p{n}@example.jp")
    log = lottery.draw_lottery(session, now=AFTER_DEADLINE)
    assert isinstance(log["seed"], int) and 0 <= log["seed"] < 2**63
    session.refresh_from_db()
    assert session.lottery_log == log
    assert [(entry["registration"], entry["priority"]) for entry in log["order"]] == replay(session, log)


def test_newcomers_of_the_fiscal_year_come_first(tour):
    earlier_this_year = make_session(tour, starts_at=dt.datetime(2030, 4, 20, 10, tzinfo=TOKYO))
    last_year = make_session(tour, starts_at=dt.datetime(2030, 3, 20, 10, tzinfo=TOKYO))  # FY2029
    same_year_cancelled = make_session(tour, starts_at=dt.datetime(2030, 5, 10, 10, tzinfo=TOKYO))
    signed_up = dt.datetime(2030, 3, 1, tzinfo=TOKYO)
    sign_up(earlier_this_year, "returning@example.jp", now=signed_up)
    sign_up(earlier_this_year, "waiting@example.jp", now=signed_up)
    services.mark_attendance(
        registration=sign_up(earlier_this_year, "attended@example.jp", now=signed_up),
        attended=True,
    )
    sign_up(last_year, "last-year@example.jp", now=signed_up)
    services.cancel_registration(registration=sign_up(same_year_cancelled, "cancelled@example.jp", now=signed_up))
    Registration.objects.filter(email="waiting@example.jp").update(status=WAITLISTED)  # holds no seat

    session = lottery_session(tour, capacity=4)
    returning = [apply(session, email) for email in ("returning@example.jp", "attended@example.jp")]
    newcomers = [
        apply(session, email)
        for email in ("waiting@example.jp", "last-year@example.jp", "cancelled@example.jp", "new@example.jp")
    ]
    for seed in range(5):  # whatever the seed
        order = lottery.draw_order(
            list(session.registrations.all()),
            lottery.returning_emails(session, {r.email for r in returning + newcomers}),
            seed,
        )
        assert {app.pk for app, _ in order[:4]} == {r.pk for r in newcomers}
        assert [priority for _, priority in order] == [0, 0, 0, 0, 1, 1]

    log = lottery.draw_lottery(session, seed=7, now=AFTER_DEADLINE)
    assert statuses(*newcomers) == [CONFIRMED] * 4
    assert statuses(*returning) == [WAITLISTED] * 2
    assert [entry["priority"] for entry in log["order"]] == [0, 0, 0, 0, 1, 1]


def test_parties_that_do_not_fit_are_waitlisted_in_draw_order(tour, mailoutbox, django_capture_on_commit_callbacks):
    session = lottery_session(tour, capacity=3)
    twos = [apply(session, f"two{n}@example.jp", 2) for n in range(3)]
    one = apply(session, "one@example.jp", 1)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        log = lottery.draw_lottery(session, seed=11, now=AFTER_DEADLINE)

    # whatever the order, the first pair and the single fit the 3 seats; the other pairs wait, in draw order
    order = [entry["registration"] for entry in log["order"]]
    by_pk = {r.pk: r for r in [*twos, one]}
    first_pair = next(pk for pk in order if by_pk[pk].seats == 2)
    waiting = [pk for pk in order if by_pk[pk].seats == 2 and pk != first_pair]
    expected = {first_pair: "confirmed", one.pk: "confirmed", **dict.fromkeys(waiting, "waitlisted")}
    assert {entry["registration"]: entry["result"] for entry in log["order"]} == expected
    assert [entry["result"] for entry in log["order"]] == [expected[pk] for pk in order]
    ranks = dict(Registration.objects.filter(pk__in=waiting).values_list("pk", "queue_rank"))
    assert ranks == {pk: order.index(pk) + 1 for pk in waiting}
    assert list(session.registrations.waiting_in_order().values_list("pk", flat=True)) == waiting

    session.refresh_from_db()
    assert (session.seats_taken, session.lottery_drawn_at) == (3, AFTER_DEADLINE)
    assert set(log) == {"seed", "drawn_at", "rule", "order"}
    assert (log["seed"], log["drawn_at"]) == (11, AFTER_DEADLINE.isoformat())
    assert "fiscal year 2030" in log["rule"]
    assert len(log["order"]) == 4

    won = sorted(by_pk[pk].email for pk in (first_pair, one.pk))
    lost = sorted(by_pk[pk].email for pk in waiting)
    assert sorted(subjects(mailoutbox)) == sorted(
        [(email, "Lottery result: you have a place") for email in won]
        + [(email, "Lottery result: you are on the waiting list") for email in lost]
    )

    # afterwards the waiting list moves in the order of the draw
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.cancel_registration(registration=by_pk[first_pair], now=AFTER_DEADLINE)
    assert [r.pk for r in promoted] == [waiting[0]]
    assert subjects(mailoutbox)[0] == (by_pk[waiting[0]].email, "A place has freed up: you are confirmed")


def test_without_a_waiting_list_losers_are_cancelled(tour, mailoutbox, django_capture_on_commit_callbacks):
    session = lottery_session(tour, capacity=1, waitlist_enabled=False)
    applications = [apply(session, f"p{n}@example.jp") for n in range(3)]
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        log = lottery.draw_lottery(session, seed=1, now=AFTER_DEADLINE)
    assert [entry["result"] for entry in log["order"]] == ["confirmed", "cancelled", "cancelled"]
    assert sorted(statuses(*applications)) == sorted([CONFIRMED, CANCELLED, CANCELLED])
    assert Registration.objects.filter(queue_rank__isnull=False).count() == 0
    assert sorted(subject for _, subject in subjects(mailoutbox)) == [
        "Lottery result: no place this time",
        "Lottery result: no place this time",
        "Lottery result: you have a place",
    ]


def test_a_second_draw_is_refused(tour):
    session = lottery_session(tour, capacity=1)
    apply(session, "a@example.jp")
    apply(session, "b@example.jp")
    log = lottery.draw_lottery(session, seed=5, now=AFTER_DEADLINE)
    with pytest.raises(services.BookingError) as error:
        lottery.draw_lottery(session, seed=6, now=AFTER_DEADLINE + dt.timedelta(hours=1))
    assert error.value.code == "already_drawn"
    assert error.value.messages == ["The lottery for this session has already been drawn; it is drawn only once."]
    session.refresh_from_db()
    assert session.lottery_log == log
    assert session.registrations.filter(status=CONFIRMED).count() == 1


def test_a_first_come_session_has_nothing_to_draw(tour):
    session = make_session(tour)
    with pytest.raises(services.BookingError) as error:
        lottery.draw_lottery(session)
    assert error.value.code == "not_lottery"


def test_the_draw_task_waits_for_the_deadline_then_draws_once(
    tour, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    now = dt.datetime.now(TOKYO)
    session = make_session(
        tour,
        capacity=1,
        allocation=Allocation.LOTTERY,
        registration_closes_at=now + dt.timedelta(days=1),
        starts_at=now + dt.timedelta(days=10),
    )
    a = sign_up(session, "a@example.jp")
    rescheduled = []
    monkeypatch.setattr(notify, "schedule_draw", rescheduled.append)
    assert tasks.draw_lottery_task.call(session.pk) == "rescheduled"
    assert [s.pk for s in rescheduled] == [session.pk]

    Session.objects.filter(pk=session.pk).update(registration_closes_at=now - dt.timedelta(minutes=1))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.draw_lottery_task.call(session.pk) == "drawn"
    assert tasks.draw_lottery_task.call(session.pk) == "skipped"
    assert statuses(a) == [CONFIRMED]
    assert subjects(mailoutbox) == [("a@example.jp", "Lottery result: you have a place")]


def test_the_first_application_schedules_the_draw(tour, database_tasks, django_capture_on_commit_callbacks):
    session = lottery_session(tour)
    with django_capture_on_commit_callbacks(execute=True):
        apply(session, "a@example.jp")
        apply(session, "b@example.jp")
    draw = DBTaskResult.objects.get(task_path="portal.booking.tasks.draw_lottery_task")
    assert draw.run_after == DEADLINE
    assert draw.args_kwargs == {"args": [session.pk], "kwargs": {}}
    assert not DBTaskResult.objects.filter(task_path="portal.booking.tasks.send_reminder").exists()
