"""Post-programme questionnaires (DESIGN.md: surveys), reached by a private link with no login.

Questions are data that staff edit: a ``Questionnaire`` per audience (families and the general public,
parents, teachers) holds its ordered ``Question``s. After a session has taken place, or a school's visit or
lecture is done, each participant gets a ``SurveyInvitation`` (one per registration or per enquiry) with a
private link; answering it makes the invitation's one ``SurveyResponse`` and its ``SurveyAnswer``s.

Only ``portal.surveys.services`` creates invitations and responses. The private link's token is derived
from a random nonce (portal.tokens.derived_token), like a registration's: the database keeps the nonce and
the token's digest, never the token.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import tokens
from portal.tokens import DIGEST_LENGTH

TOKEN_PURPOSE = "survey"  # noqa: S105 - an HMAC purpose, not a password
TEXT_ANSWER_MAX_LENGTH = 2000


class QuestionnaireAudience(models.TextChoices):
    """Who a questionnaire is worded for (slugs of the shared audience vocabulary)."""

    GENERAL = "general", _("Families and the general public")
    PARENT = "parent", _("Parents")
    TEACHER = "teacher", _("Teachers")


class QuestionKind(models.TextChoices):
    SCALE_1_5 = "scale_1_5", _("Scale from 1 to 5")
    YES_NO = "yes_no", _("Yes or no")
    TEXT = "text", _("Free text")


def _values(choices) -> list[str]:
    return [value for value, _label in choices]


class Questionnaire(models.Model):
    name = models.CharField(_("name"), max_length=120)
    for_audience = models.CharField(
        _("for"), max_length=20, choices=QuestionnaireAudience.choices, default=QuestionnaireAudience.GENERAL
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("New invitations use the active questionnaire of their audience.")
    )
    introduction = models.TextField(_("introduction"), blank=True, help_text=_("Shown above the questions."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        app_label = "portal"
        ordering = ["for_audience", "-active", "name"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        constraints = [
            models.UniqueConstraint(
                fields=["for_audience"],
                condition=Q(active=True),
                name="questionnaire_one_active_per_audience",
                violation_error_message=_("Another questionnaire for this audience is active. Make it inactive first."),
            ),
            models.CheckConstraint(
                condition=Q(for_audience__in=_values(QuestionnaireAudience.choices)),
                name="questionnaire_audience_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=300)
    required = models.BooleanField(_("required"), default=True)
    scale_low_label = models.CharField(
        _("label of 1"), max_length=40, blank=True, help_text=_("For a scale: what 1 means, e.g. 不満.")
    )
    scale_high_label = models.CharField(
        _("label of 5"), max_length=40, blank=True, help_text=_("For a scale: what 5 means, e.g. 満足.")
    )

    class Meta:
        app_label = "portal"
        ordering = ["questionnaire", "position", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=_values(QuestionKind.choices)), name="question_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.text


class SurveyInvitationQuerySet(models.QuerySet):
    def answered(self):
        return self.filter(answered_at__isnull=False)


class SurveyInvitation(models.Model):
    """The private link to a questionnaire for one registration or one enquiry.

    What was attended (the programme, its type, when) is copied here when the invitation is made, so that
    the results group by programme and fiscal year with no generic lookups, and read the same later.
    """

    registration = models.OneToOneField(
        "portal.Registration",
        verbose_name=_("registration"),
        on_delete=models.SET_NULL,  # purging personal data keeps the anonymous answers
        null=True,
        blank=True,
        related_name="survey_invitation",
    )
    enquiry = models.OneToOneField(
        "portal.Enquiry",
        verbose_name=_("enquiry"),
        on_delete=models.SET_NULL,  # purging personal data keeps the anonymous answers
        null=True,
        blank=True,
        related_name="survey_invitation",
    )
    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.PROTECT, related_name="invitations"
    )
    offering_type = models.ForeignKey(
        ContentType, verbose_name=_("programme type"), on_delete=models.PROTECT, related_name="+"
    )
    offering_id = models.PositiveBigIntegerField(_("programme id"))
    offering_name = models.CharField(_("programme"), max_length=200)
    held_at = models.DateTimeField(_("held"))
    token_nonce = models.CharField(max_length=64, unique=True, editable=False)
    token_digest = models.CharField(max_length=DIGEST_LENGTH, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True, editable=False)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True, editable=False)

    objects = SurveyInvitationQuerySet.as_manager()

    class Meta:
        app_label = "portal"
        ordering = ["-held_at", "pk"]
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        indexes = [
            models.Index(fields=["offering_type", "offering_id"], name="survey_invitation_offering"),
            models.Index(fields=["held_at"], name="survey_invitation_held"),
        ]
        constraints = [
            # made for a registration or an enquiry, never both (either may be purged later: then neither)
            models.CheckConstraint(
                condition=Q(registration__isnull=True) | Q(enquiry__isnull=True), name="survey_invitation_one_subject"
            ),
            models.CheckConstraint(
                condition=Q(token_digest__regex=r"^[0-9a-f]{64}$"),  # noqa: S106 (a digest, not a password)
                name="survey_invitation_token_digest_sha256",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.offering_name}（{timezone.localtime(self.held_at):%Y-%m-%d}）"

    @property
    def access_token(self) -> str:
        return tokens.derived_token(TOKEN_PURPOSE, self.token_nonce)

    @property
    def recipient(self):
        """The registration or the enquiry: both have ``email`` and ``language``."""
        return self.registration or self.enquiry


class SurveyResponse(models.Model):
    """The answers to one invitation: there is at most one (the database says so). Anonymous in the results."""

    #: one response per invitation: the OneToOneField is a unique constraint in the database
    invitation = models.OneToOneField(
        SurveyInvitation, verbose_name=_("invitation"), on_delete=models.CASCADE, related_name="response"
    )
    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.PROTECT, related_name="responses"
    )
    submitted_at = models.DateTimeField(_("answered"), default=timezone.now, editable=False)

    class Meta:
        app_label = "portal"
        ordering = ["-submitted_at", "pk"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")

    def __str__(self) -> str:
        return f"{self.invitation}"


class SurveyAnswer(models.Model):
    response = models.ForeignKey(
        SurveyResponse, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="answers")
    value_int = models.PositiveSmallIntegerField(_("scale"), null=True, blank=True)
    value_bool = models.BooleanField(_("yes/no"), null=True, blank=True)
    value_text = models.TextField(_("text"), blank=True, max_length=TEXT_ANSWER_MAX_LENGTH)

    class Meta:
        app_label = "portal"
        ordering = ["response", "question__position", "question_id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="survey_answer_one_per_question"),
            models.CheckConstraint(
                condition=Q(value_int__isnull=True) | Q(value_int__gte=1, value_int__lte=5),
                name="survey_answer_scale_1_5",
            ),
        ]

    def __str__(self) -> str:
        return str(self.value)

    @property
    def value(self):
        if self.value_int is not None:
            return self.value_int
        if self.value_bool is not None:
            return self.value_bool
        return self.value_text
