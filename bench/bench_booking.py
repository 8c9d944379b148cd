"""Sign-ups per second through portal.booking.services.register, 8 threads at once on one session.

200 sign-ups of one seat each for a 50-seat session created for the run and deleted afterwards (with its
registrations and history). Tasks run at once and mail goes to the locmem backend, so each sign-up includes
rendering its e-mail (and the check-in QR code of a confirmed one) but no SMTP. Every sign-up queues on the
session's row lock: this measures that serialised path. Correctness figure: exactly ``capacity`` seats
confirmed, never more.
"""

import logging
import threading
import time
from dataclasses import dataclass

from django.core import mail
from django.db import connection
from django.test import override_settings

from bench.harness import Result

SIGN_UPS = 200
THREADS = 8
CAPACITY = 50


@dataclass
class AtLeast(Result):
    """A figure that passes when it reaches its target (a rate), unlike Result's ceilings."""

    @property
    def passed(self) -> bool:
        return self.value >= self.target


def _session():
    import datetime as dt

    from django.utils import timezone

    from portal.booking.models import Session
    from portal.models import Municipality

    kitami = Municipality.objects.get(code="012084")
    starts_at = timezone.now() + dt.timedelta(days=30)
    # any listed model can be a session's offering; the municipality keeps the benchmark free of app data
    return Session.objects.create(
        offering=kitami,
        label="bench",
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=2),
        venue_name="ベンチマーク会場",
        municipality=kitami,
        capacity=CAPACITY,
        max_party_size=1,
    )


def _data(n: int) -> dict:
    return {
        "kind": "family",
        "contact_name": f"ベンチ{n}",
        "contact_kana": "ベンチ",
        "email": f"bench-{n}@example.invalid",
        "phone": "0157-00-0000",
        "children_grades": ["e5"],
        "adults": 0,
    }


def _delete(session) -> None:
    from portal.booking.models import Registration

    Registration.objects.filter(session=session).delete()  # and their history events
    session.history.all().delete()
    session.delete()


def sign_up_rate():
    from portal.booking import services
    from portal.choices import RegistrationStatus

    immediate = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    locmem = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    task_log = logging.getLogger("django.tasks")
    level = task_log.level
    task_log.setLevel(logging.WARNING)  # a line per task would drown the figures
    with override_settings(TASKS=immediate, MAILERS=locmem):
        mail.outbox = []
        session = _session()
        try:
            barrier = threading.Barrier(THREADS + 1)
            errors = []

            def worker(first: int) -> None:
                try:
                    barrier.wait()
                    for n in range(first, SIGN_UPS, THREADS):
                        services.register(session=session, data=_data(n))
                except Exception as error:  # reported as a missed figure below
                    errors.append(error)
                finally:
                    connection.close()

            threads = [threading.Thread(target=worker, args=(first,)) for first in range(THREADS)]
            for thread in threads:
                thread.start()
            barrier.wait()
            start = time.perf_counter()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - start

            session.refresh_from_db()
            confirmed = session.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
            signed_up = session.registrations.count()
            mails = len(mail.outbox)
        finally:
            _delete(session)
            mail.outbox = []
            task_log.setLevel(level)
    if errors:
        print(f"booking: {len(errors)} sign-ups failed, first: {errors[0]!r}")
    return [
        AtLeast(f"booking: sign-ups per second ({THREADS} threads)", signed_up / elapsed, 50, "/s"),
        Result("booking: |confirmed - capacity|", abs(confirmed - CAPACITY), 0, "#"),
        Result("booking: sign-ups lost or unmailed", (SIGN_UPS - signed_up) + (SIGN_UPS - mails), 0, "#"),
    ]


BENCHMARKS = [sign_up_rate]
