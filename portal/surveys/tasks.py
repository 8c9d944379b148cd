"""Background tasks of the surveys (Django's tasks framework): the end of a session, the invitation e-mail.

Tasks take primary keys and look everything up again when they run: a session moved later since the task
was queued queues it again for the new end; a cancelled one gets no survey.
"""

from django.conf import settings
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from portal import mail
from portal.choices import SessionStatus


def survey_url(invitation, language: str) -> str:
    with translation.override(language):
        return settings.PORTAL_BASE_URL.rstrip("/") + reverse("survey", kwargs={"token": invitation.access_token})


@task
def session_ended(session_id: int) -> str:
    """At the end of a session (queued by services.schedule_session_end): mark it done and invite its participants."""
    from portal.booking import services as booking_services
    from portal.booking.models import Session
    from portal.surveys import services

    session = Session.objects.filter(pk=session_id).first()
    if session is None or session.status == SessionStatus.CANCELLED:
        return "skipped"
    if timezone.now() < session.ends_at:  # the session was moved later
        services.schedule_session_end(session)
        return "rescheduled"
    booking_services.mark_session_done(session=session)
    session.refresh_from_db()
    invited = services.invite_for_session(session=session)
    return f"invited {len(invited)}"


@task
def send_survey_invitation(invitation_id: int) -> str:
    """The e-mail with the private link to the questionnaire: once per invitation."""
    from portal.surveys.models import SurveyInvitation

    invitation = SurveyInvitation.objects.select_related("registration", "enquiry").filter(pk=invitation_id).first()
    if invitation is None or invitation.sent_at is not None or invitation.answered_at is not None:
        return "skipped"
    recipient = invitation.recipient
    if recipient is None or not recipient.email:  # purged meanwhile
        return "skipped"
    if not SurveyInvitation.objects.filter(pk=invitation.pk, sent_at__isnull=True).update(sent_at=timezone.now()):
        return "skipped"  # another worker got there first
    language = recipient.language
    with translation.override(language):
        subject = gettext("A short questionnaire: %(programme)s") % {"programme": invitation.offering_name}
        context = {
            "invitation": invitation,
            "name": getattr(recipient, "contact_name", None) or getattr(recipient, "teacher_name", ""),
            "survey_url": survey_url(invitation, language),
        }
    mail.send_templated(
        template="portal/surveys/email/invitation",
        context=context,
        to=[recipient.email],
        subject=subject,
        language=language,
    )
    return "sent"
