"""Demo survey answers (``manage.py seed_demo``): for a few past demo sessions, if there are any.

The sessions of the demo events are in the future (programmes/event_demo.py moves past ones on), so this
usually finds nothing on a fresh database; on an older one it marks up to three past sessions done, invites
their participants without mailing them, and answers about two thirds of the invitations with made-up but
plausible answers. Idempotent: invitations are made once, and an answered invitation is never answered again.
"""

import random

from django.utils import timezone

from portal.booking import services as booking_services
from portal.booking.models import Session
from portal.choices import RegistrationStatus, SessionStatus
from portal.surveys import services
from portal.surveys.models import QuestionKind, SurveyInvitation

SESSIONS = 3
COMMENTS = [
    "子どもが夢中になって取り組んでいました。また参加したいです。",
    "職人さんの説明がわかりやすく、ものづくりの仕事のイメージが変わりました。",
    "時間が少し短く感じました。もう少しゆっくり体験できるとうれしいです。",
    "",
]


def _answers(invitation, rng: random.Random) -> dict[int, object]:
    answers = {}
    for question in invitation.questionnaire.questions.all():
        if question.kind == QuestionKind.SCALE_1_5:
            answers[question.pk] = rng.choices([2, 3, 4, 5], weights=[1, 3, 6, 5])[0]
        elif question.kind == QuestionKind.YES_NO:
            answers[question.pk] = rng.random() < 0.85
        else:
            answers[question.pk] = rng.choice(COMMENTS)
    return answers


def seed_demo_surveys(*, stdout) -> None:
    now = timezone.now()
    sessions = (
        Session.objects.filter(ends_at__lt=now, status__in=[SessionStatus.SCHEDULED, SessionStatus.DONE])
        .filter(registrations__status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.ATTENDED])
        .distinct()
        .order_by("-ends_at")[:SESSIONS]
    )
    invited = answered = 0
    for session in sessions:
        booking_services.mark_session_done(session=session, now=now)
        invited += len(services.invite_for_session(session=session, send=False))
        rng = random.Random(session.pk)  # noqa: S311 - demo data, not a secret
        waiting = SurveyInvitation.objects.filter(registration__session=session, answered_at__isnull=True)
        for invitation in waiting.select_related("questionnaire").order_by("pk"):
            if invitation.pk % 3 == 0:
                continue  # not everyone answers
            services.submit_survey_response(invitation=invitation, answers=_answers(invitation, rng))
            answered += 1
    stdout.write(f"Demo surveys: {invited} invitations, {answered} answers.")
