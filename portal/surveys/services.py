"""Writes of the surveys, one function per action. Only these create invitations and responses.

    schedule_session_end(session)                  # staff saved a session: run tasks.session_ended at its end
    invite_for_session(session=session)            # run by tasks.session_ended once the session is done
    invite_for_enquiry(enquiry)                    # on commit, when a visit or lecture enquiry is done
    submit_survey_response(invitation=invitation, answers={question_pk: value})

Invitations are made once (one per registration, one per enquiry: the database says so) and mailed through
the task queue after the commit.
"""

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.tasks import default_task_backend
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import tokens
from portal.booking.models import Registration, Session
from portal.choices import Audience, EnquiryKind, EnquiryStatus, RegistrationStatus, SessionStatus
from portal.enquiries.models import Enquiry
from portal.surveys import tasks
from portal.surveys.models import (
    TOKEN_PURPOSE,
    QuestionKind,
    Questionnaire,
    QuestionnaireAudience,
    SurveyAnswer,
    SurveyInvitation,
    SurveyResponse,
)

logger = logging.getLogger(__name__)

#: The enquiries that were a visit or a lecture with a class: their requester (a teacher) is asked.
SURVEYED_ENQUIRY_KINDS = (EnquiryKind.TOUR, EnquiryKind.LECTURE)


class AlreadyAnswered(ValidationError):
    """The invitation has its response already: a second one is refused and nothing changes."""


# --- Which questionnaire ---------------------------------------------------------------------------------


def questionnaire_audience(offering, *, school_request: bool = False) -> str:
    """Whose wording a programme's participants get: "parent", "teacher" or "general". The ONE place it is decided.

    An offering may say so itself with a ``survey_audience`` attribute (a seminar kind, for instance). Else a
    visit or lecture requested by a school (``school_request``) is answered by its teacher; a programme only for
    parents (a parent seminar) gets the parents' wording, one only for teachers (a teacher seminar, a workplace
    tour for teachers) the teachers'; everything else (families, pupils, the public) the general one.
    """
    declared = getattr(offering, "survey_audience", None)
    if declared in QuestionnaireAudience.values:
        return declared
    if school_request:
        return QuestionnaireAudience.TEACHER
    audiences = set(getattr(offering, "audiences", None) or ())
    if audiences == {Audience.PARENT}:
        return QuestionnaireAudience.PARENT
    if audiences == {Audience.TEACHER}:
        return QuestionnaireAudience.TEACHER
    return QuestionnaireAudience.GENERAL


def active_questionnaire(audience: str) -> Questionnaire | None:
    """The active questionnaire of ``audience``, else the active general one, else None (nobody is asked)."""
    by_audience = {q.for_audience: q for q in Questionnaire.objects.filter(active=True)}
    return by_audience.get(audience) or by_audience.get(QuestionnaireAudience.GENERAL)


# --- Invitations -----------------------------------------------------------------------------------------


def _new_invitation(*, send: bool = True, **fields) -> SurveyInvitation:
    nonce = tokens.new_nonce()
    invitation = SurveyInvitation(
        token_nonce=nonce, token_digest=tokens.token_digest(tokens.derived_token(TOKEN_PURPOSE, nonce)), **fields
    )
    invitation.full_clean(validate_unique=False, validate_constraints=False)  # the database checks both
    invitation.save()
    if send:
        transaction.on_commit(lambda: tasks.send_survey_invitation.enqueue(invitation.pk), robust=True)
    return invitation


def surveyed_registrations(session: Session):
    """Who is asked after a session: the parties ticked as attended; if nobody was ticked, every confirmed one."""
    attended = session.registrations.filter(status=RegistrationStatus.ATTENDED)
    if attended.exists():
        return attended
    return session.registrations.filter(status=RegistrationStatus.CONFIRMED)


def invite_for_session(*, session: Session, send: bool = True) -> list[SurveyInvitation]:
    """Invite the participants of a session that is done (each registration once); returns the new invitations.

    ``send=False`` (demo data) makes the invitations without mailing them."""
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)  # two runs of the task queue up here
        if locked.status != SessionStatus.DONE:
            return []
        offering = locked.offering
        questionnaire = active_questionnaire(questionnaire_audience(offering))
        if questionnaire is None:
            logger.warning("No active questionnaire: nobody of session %s is invited to a survey", locked.pk)
            return []
        registrations: list[Registration] = list(surveyed_registrations(locked).filter(survey_invitation__isnull=True))
        return [
            _new_invitation(
                send=send,
                registration=registration,
                questionnaire=questionnaire,
                offering_type_id=locked.offering_type_id,
                offering_id=locked.offering_id,
                offering_name=locked.offering_name[:200],
                held_at=locked.starts_at,
            )
            for registration in registrations
        ]


def invite_for_enquiry(enquiry: Enquiry, *, now: dt.datetime | None = None) -> SurveyInvitation | None:
    """Invite the requester of a visit or lecture that took place (accepted, then done); once. None otherwise."""
    with transaction.atomic():
        locked = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
        if (
            locked.kind not in SURVEYED_ENQUIRY_KINDS
            or locked.status != EnquiryStatus.DONE
            or not locked.events.filter(to_status=EnquiryStatus.ACCEPTED).exists()  # declined: it never happened
            or SurveyInvitation.objects.filter(enquiry=locked).exists()
        ):
            return None
        questionnaire = active_questionnaire(questionnaire_audience(locked.subject, school_request=True))
        if questionnaire is None:
            logger.warning("No active questionnaire: enquiry %s is not invited to a survey", locked.pk)
            return None
        return _new_invitation(
            enquiry=locked,
            questionnaire=questionnaire,
            offering_type_id=locked.subject_type_id,
            offering_id=locked.subject_id,
            offering_name=(locked.subject_display_name or locked.subject_name)[:200],
            held_at=now or timezone.now(),
        )


def schedule_session_end(session: Session) -> None:
    """Queue tasks.session_ended for the end of ``session`` (the task re-checks everything when it runs).

    Call it when a session is created or moved: a task that finds the session later than planned queues
    itself again, one that finds it cancelled or done does nothing new. Only a backend that can defer tasks
    schedules it (the immediate backend of the tests cannot; they run the task themselves).
    """
    if not default_task_backend.supports_defer:
        logger.debug("Task backend cannot defer: end of session %s not scheduled", session.pk)
        return
    tasks.session_ended.using(run_after=session.ends_at).enqueue(session.pk)


# --- Answers ---------------------------------------------------------------------------------------------


def _answer(question, value) -> SurveyAnswer | None:
    if value is None or value == "":
        return None
    if question.kind == QuestionKind.SCALE_1_5:
        return SurveyAnswer(question=question, value_int=int(value))
    if question.kind == QuestionKind.YES_NO:
        return SurveyAnswer(question=question, value_bool=bool(value))
    return SurveyAnswer(question=question, value_text=str(value).strip())


def submit_survey_response(
    *, invitation: SurveyInvitation, answers: dict[int, object], now: dt.datetime | None = None
) -> SurveyResponse:
    """Record the answers ({question pk: 1–5, True/False or text}) to the invitation's questionnaire, once.

    Raises AlreadyAnswered when the invitation has its response already (nothing is changed), and a
    ValidationError when a required question has no answer.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = SurveyInvitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.answered_at is not None or SurveyResponse.objects.filter(invitation=locked).exists():
            raise AlreadyAnswered(_("This questionnaire has already been answered."), code="answered")
        questions = list(locked.questionnaire.questions.all())
        built = [(question, _answer(question, answers.get(question.pk))) for question in questions]
        missing = [question.text for question, answer in built if question.required and answer is None]
        if missing:
            raise ValidationError(_("Please answer: %(questions)s") % {"questions": "、".join(missing)}, code="missing")
        response = SurveyResponse.objects.create(
            invitation=locked, questionnaire=locked.questionnaire, submitted_at=now
        )
        rows = [answer for _question, answer in built if answer is not None]
        for answer in rows:
            answer.response = response
            answer.full_clean(exclude=["response", "question"], validate_unique=False, validate_constraints=False)
        SurveyAnswer.objects.bulk_create(rows)
        locked.answered_at = now
        locked.save(update_fields=["answered_at"])
    invitation.answered_at = now
    return response
