"""Demo survey answers (``manage.py seed_demo``): for a few past demo sessions, if there are any.

The demo programmes' sessions are in the future, so this first adds one session that took place last month
(to the first demo programme that has sessions, labelled PAST_LABEL, with demo families signed up through
the booking engine before it is moved into the past, most of them ticked as attended). Then, for up to three
past sessions, it marks them done, invites their participants without mailing them, and answers about two
thirds of the invitations with made-up but plausible answers. Idempotent: the past session is made once,
invitations are made once, and an answered invitation is never answered again.
"""

import datetime as dt
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


PAST_LABEL = "デモ（終了した回）"


def _past_demo_session(now) -> None:
    """One session of a demo programme that took place four weeks ago, with its participants (made once)."""
    if Session.objects.filter(label=PAST_LABEL).exists():
        return
    model = next(
        (session for session in Session.objects.order_by("pk") if getattr(session.offering, "is_demo", False)), None
    )
    if model is None:
        return
    start = (now + dt.timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
    session = Session.objects.create(
        offering=model.offering,
        label=PAST_LABEL,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        venue_name=model.venue_name,
        municipality=model.municipality,
        address=model.address,
        capacity=20,
    )
    registrations = [
        booking_services.register(
            session=session,
            data={
                "kind": "family",
                "contact_name": f"デモ 参加者{n}",
                "contact_kana": f"デモ サンカシャ{n}",
                "email": f"demo-survey-{n}@example.jp",
                "phone": "011-000-0000",
                "children_grades": ["e5"],
                "adults": 1,
            },
        )
        for n in range(1, 7)
    ]
    shift = dt.timedelta(days=29)  # signed up while it was open; now it is four weeks ago
    Session.objects.filter(pk=session.pk).update(starts_at=start - shift, ends_at=start - shift + dt.timedelta(hours=2))
    for registration in registrations[:5]:
        booking_services.mark_attendance(registration=registration, attended=True)


def seed_demo_surveys(*, stdout) -> None:
    now = timezone.now()
    _past_demo_session(now)
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
