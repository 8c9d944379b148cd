"""Capacity holds under concurrency (DESIGN.md): simultaneous sign-ups from many threads, each with its own
database connection and its own transaction, never give away more seats than there are."""

import datetime as dt
import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.utils import translation

from portal.booking import services
from portal.booking.models import Registration, Session
from portal.booking.tasks import MAIL_KINDS
from portal.choices import RegistrationKind, RegistrationStatus
from tests.factories import FactoryTourFactory

# serialized_rollback: the flush after each test would take the regions loaded by data migrations with it
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SIGN_UPS = 100
CAPACITY = 20


@pytest.fixture
def session(db):
    tour = FactoryTourFactory()
    starts_at = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=30)
    return Session.objects.create(
        offering=tour,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=2),
        venue_name="北見工場",
        municipality=tour.municipality,
        capacity=CAPACITY,
    )


def data(n: int, seats: int = 1) -> dict:
    return {
        "kind": RegistrationKind.FAMILY,
        "contact_name": f"参加者{n}",
        "contact_kana": "サンカシャ",
        "email": f"p{n}@example.jp",
        "phone": "0157-00-0000",
        "children_grades": ["e4"] * seats if seats < 2 else ["e4"] * (seats - 1),
        "adults": 0 if seats < 2 else 1,
    }


def threads_available() -> int:
    """100 threads hold 100 connections at once: fewer when the server has less room (then 20)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('max_connections')::int - count(*) FROM pg_stat_activity")
        (free,) = cursor.fetchone()
    return SIGN_UPS if free >= SIGN_UPS + 30 else 20


def sign_up_at_once(session: Session, parties: list[int]) -> tuple[list[Registration], list[BaseException]]:
    """Sign up len(parties) parties (their seats), released together from a barrier, one connection each."""
    workers = min(threads_available(), len(parties))
    barrier = threading.Barrier(workers)
    registrations, errors = [], []

    def one(n: int) -> None:
        try:
            if n < workers:
                barrier.wait(timeout=60)  # the first wave starts together; the rest queue behind it
            registrations.append(services.register(session=session, data=data(n, parties[n])))
        except BaseException as error:  # reported by the test
            errors.append(error)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(one, range(len(parties))))
    return registrations, errors


def test_a_hundred_simultaneous_sign_ups_for_twenty_seats(session, mailoutbox):
    registrations, errors = sign_up_at_once(session, [1] * SIGN_UPS)
    assert errors == []
    assert len(registrations) == SIGN_UPS

    session.refresh_from_db()
    rows = list(session.registrations.order_by("pk"))
    assert len(rows) == SIGN_UPS
    assert len({row.email for row in rows}) == SIGN_UPS  # no duplicate
    assert [row.status for row in rows].count(RegistrationStatus.CONFIRMED) == CAPACITY
    assert [row.status for row in rows].count(RegistrationStatus.WAITLISTED) == SIGN_UPS - CAPACITY
    assert session.seats_taken == CAPACITY
    # served in order: the first 20 served are the confirmed ones, and the time of signing up follows that order
    assert [row.status for row in rows] == [RegistrationStatus.CONFIRMED] * CAPACITY + [
        RegistrationStatus.WAITLISTED
    ] * (SIGN_UPS - CAPACITY)
    assert sorted(rows, key=lambda row: (row.created_at, row.pk)) == rows
    assert len(mailoutbox) == SIGN_UPS

    waiting = list(session.registrations.waiting_in_order())
    mailoutbox.clear()
    for registration in rows[:3]:
        services.cancel_registration(registration=registration)
    promoted = [registration.pk for registration in waiting[:3]]
    assert sorted(session.registrations.filter(status=RegistrationStatus.CONFIRMED).values_list("pk", flat=True)) == (
        sorted([row.pk for row in rows[3:CAPACITY]] + promoted)
    )
    assert list(session.registrations.waiting_in_order().values_list("pk", flat=True)) == [
        registration.pk for registration in waiting[3:]
    ]
    session.refresh_from_db()
    assert session.seats_taken == CAPACITY
    with translation.override("ja"):  # the participants signed up in Japanese
        promoted_subject = str(MAIL_KINDS["promoted"][0])
    promoted_mail = [message.to[0] for message in mailoutbox if promoted_subject in message.subject]
    assert promoted_mail == [registration.email for registration in waiting[:3]]


def test_mixed_party_sizes_never_exceed_capacity(session):
    parties = [random.Random(n).randint(1, 4) for n in range(60)]  # noqa: S311 - test data
    registrations, errors = sign_up_at_once(session, parties)
    assert errors == []
    assert len(registrations) == 60

    session.refresh_from_db()
    confirmed = session.registrations.filter(status=RegistrationStatus.CONFIRMED)
    waiting = session.registrations.filter(status=RegistrationStatus.WAITLISTED)
    assert confirmed.count() + waiting.count() == 60
    assert session.seats_taken == sum(confirmed.values_list("seats", flat=True))
    assert session.seats_taken <= CAPACITY
    # nobody waits who would fit the seats still free: seats only ever went down while they signed up
    assert min(waiting.values_list("seats", flat=True)) > session.seats_left
