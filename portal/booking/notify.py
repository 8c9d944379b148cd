"""What the sign-up engine tells people, handed to the task queue (portal.booking.tasks).

The services call these after their transaction commits; each only enqueues a task, so the request that
caused it never waits for a mail server. With the database backend a worker (`manage.py db_worker`)
sends them; with the immediate backend (tests) they run at once.
"""

import datetime as dt
import logging

from django.conf import settings
from django.tasks import default_task_backend

from portal.booking import tasks

logger = logging.getLogger(__name__)


def registration_mail(registration, kind: str, *, message: str = "") -> None:
    """Mail the participant about their registration: ``kind`` is a key of tasks.MAIL_KINDS."""
    tasks.send_registration_mail.enqueue(registration.pk, kind, message)


def reminder_time(session) -> dt.datetime:
    return session.starts_at - dt.timedelta(days=settings.BOOKING_REMINDER_DAYS)


def schedule_reminder(registration) -> None:
    """Queue the reminder for BOOKING_REMINDER_DAYS before the session (the task re-checks everything).

    Only a backend that can defer tasks schedules it; the immediate backend (tests) cannot, and the tests
    run the reminder task themselves.
    """
    if not default_task_backend.supports_defer:
        logger.debug("Task backend cannot defer: reminder for registration %s not scheduled", registration.pk)
        return
    tasks.send_reminder.using(run_after=reminder_time(registration.session)).enqueue(registration.pk)


def schedule_draw(session) -> None:
    """Queue the lottery draw of a lottery session for its application deadline (the task re-checks everything).

    Call it again when the deadline moves: a task that finds the draw done, or the deadline later, does no
    harm (it draws nothing, or queues itself again for the new deadline). Like reminders, only a backend that
    can defer tasks schedules it.
    """
    if not default_task_backend.supports_defer:
        logger.debug("Task backend cannot defer: draw of session %s not scheduled", session.pk)
        return
    tasks.draw_lottery_task.using(run_after=session.closes_at).enqueue(session.pk)
