"""Enquiry (a request from a school) and EnquiryEvent (its dated history of status changes and notes).

Only ``portal.enquiries.services`` creates enquiries and changes their status.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.choices import EnquiryKind, EnquiryStatus
from portal.listings import public_url
from portal.tokens import DIGEST_LENGTH

# What the requester tells us: the only fields a service accepts from a form, and the personal data
# that never appears on a public page (and that the retention purge clears).
REQUESTER_FIELDS = (
    "school_name",
    "teacher_name",
    "email",
    "phone",
    "grade",
    "pupils",
    "adults",
    "preferred_date_1",
    "preferred_date_2",
    "preferred_date_3",
    "coming_by_bus",
    "message",
)
PERSONAL_FIELDS = ("teacher_name", "email", "phone", "message")

# The status in words for the requester's own page and e-mails.
STATUS_EXPLANATIONS = {
    EnquiryStatus.NEW: _("We have received your request and passed it on. The host will get back to you."),
    EnquiryStatus.IN_PROGRESS: _("The host is looking at your request and will get back to you."),
    EnquiryStatus.ACCEPTED: _("The host has accepted your request."),
    EnquiryStatus.DECLINED: _("The host cannot accept your request this time."),
    EnquiryStatus.DONE: _("This request is closed."),
}


def _choice_values(choices) -> list[str]:
    return [value for value, _label in choices]


class EnquiryQuerySet(models.QuerySet):
    def for_organisation(self, organisation):
        return self.filter(provider=organisation)

    def open(self):
        return self.exclude(status=EnquiryStatus.DONE)


class Enquiry(models.Model):
    """A request from a school for something an organisation provides (a tour, a lecture, an advisor).

    ``subject`` is the thing asked for; ``provider`` is copied from it at creation, to route the
    notifications and to scope the admin. ``subject_name`` keeps what it was called at the time, so the
    record reads the same after the subject is renamed or removed, and lists need no extra queries.

    The private link's token is never stored: only its SHA-256 digest (portal/tokens.py). The instance
    returned by ``services.submit_enquiry`` carries the plain token as ``access_token`` (not saved).
    """

    kind = models.CharField(_("kind"), max_length=20, choices=EnquiryKind.choices)
    status = models.CharField(_("status"), max_length=20, choices=EnquiryStatus.choices, default=EnquiryStatus.NEW)
    subject_type = models.ForeignKey(
        ContentType, verbose_name=_("subject type"), on_delete=models.PROTECT, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(_("subject id"))
    subject = GenericForeignKey("subject_type", "subject_id")
    subject_name = models.CharField(_("requested"), max_length=200)
    provider = models.ForeignKey(
        "portal.Organisation",
        verbose_name=_("providing organisation"),
        on_delete=models.PROTECT,
        related_name="enquiries",
    )

    school_name = models.CharField(_("school"), max_length=100)
    teacher_name = models.CharField(_("teacher in charge"), max_length=60)
    email = models.EmailField(_("e-mail address"))
    phone = models.CharField(_("phone number"), max_length=20)
    grade = models.CharField(_("grade"), max_length=40, help_text=_("e.g. 中学2年"))
    pupils = models.PositiveSmallIntegerField(_("number of pupils"), validators=[MinValueValidator(1)])
    adults = models.PositiveSmallIntegerField(_("number of adults"), default=0)
    preferred_date_1 = models.DateField(_("preferred date 1"))
    preferred_date_2 = models.DateField(_("preferred date 2"), null=True, blank=True)
    preferred_date_3 = models.DateField(_("preferred date 3"), null=True, blank=True)
    coming_by_bus = models.BooleanField(_("coming by bus"), default=False)
    message = models.TextField(_("message"), blank=True)
    #: where the visit, lecture or dispatch takes place (the tour's, the lecture place's, the advisor request's
    #: municipality), set by the request flows; counted in the staff reports' coverage
    municipality = models.ForeignKey(
        "portal.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("Where the visit, lecture or dispatch takes place (for the reports)."),
    )
    #: how many pupils or students the visit, lecture or dispatch reached, recorded by staff when it is done
    participants_reached = models.PositiveIntegerField(
        _("participants reached"),
        null=True,
        blank=True,
        help_text=_("How many pupils or students took part, once it has taken place (for the reports)."),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default="ja",
        help_text=_("The language of the requester's e-mails."),
    )

    token_digest = models.CharField(_("token digest"), max_length=DIGEST_LENGTH, unique=True, editable=False)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EnquiryQuerySet.as_manager()
    # Who changed the status when, for the admin's history page; no personal data is copied there.
    history = HistoricalRecords(excluded_fields=[*REQUESTER_FIELDS, "token_digest", "updated_at"])

    class Meta:
        app_label = "portal"
        ordering = ["-created_at"]
        verbose_name = _("enquiry")
        verbose_name_plural = _("enquiries")
        indexes = [
            models.Index(fields=["provider", "status"], name="enquiry_provider_status"),
            models.Index(fields=["subject_type", "subject_id"], name="enquiry_subject"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=_choice_values(EnquiryKind.choices)), name="enquiry_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=_choice_values(EnquiryStatus.choices)), name="enquiry_status_valid"
            ),
            models.CheckConstraint(condition=Q(pupils__gte=1), name="enquiry_pupils_gte_1"),
            models.CheckConstraint(condition=Q(adults__gte=0), name="enquiry_adults_gte_0"),
            models.CheckConstraint(
                condition=(
                    (Q(preferred_date_2__isnull=True) | ~Q(preferred_date_2=F("preferred_date_1")))
                    & (Q(preferred_date_3__isnull=True) | ~Q(preferred_date_3=F("preferred_date_1")))
                    & (
                        Q(preferred_date_2__isnull=True)
                        | Q(preferred_date_3__isnull=True)
                        | ~Q(preferred_date_3=F("preferred_date_2"))
                    )
                ),
                name="enquiry_preferred_dates_distinct",
                violation_error_message=_("The preferred dates must be different days."),
            ),
            models.CheckConstraint(
                condition=Q(token_digest__regex=r"^[0-9a-f]{64}$"),  # noqa: S106 (a digest, not a password)
                name="enquiry_token_digest_sha256",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_name}（{self.school_name}）"

    @property
    def preferred_dates(self) -> list:
        return [day for day in (self.preferred_date_1, self.preferred_date_2, self.preferred_date_3) if day]

    @property
    def status_explanation(self) -> str:
        return STATUS_EXPLANATIONS[self.status]

    @property
    def subject_display_name(self) -> str:
        """The subject's name in the current language, or the name it had when the request was sent."""
        subject = self.subject
        return getattr(subject, "display_name", None) or self.subject_name

    def subject_url(self) -> str:
        """The public page of the subject, while it is published (portal.listings.public_url)."""
        return public_url(self.subject)

    def public_events(self):
        """The history the requester sees: every status change, and the notes meant for them."""
        return self.events.visible_to_requester()


class EnquiryEventQuerySet(models.QuerySet):
    def visible_to_requester(self):
        return self.filter(Q(visible_to_requester=True) | ~Q(to_status=""))


class EnquiryEvent(models.Model):
    """One dated line of an enquiry's history: a status change (from → to), a note, or both.

    A status change is always shown to the requester; its note, and a plain note, only when
    ``visible_to_requester`` is set. ``by`` is empty for what the requester or the system did.
    """

    enquiry = models.ForeignKey(Enquiry, verbose_name=_("enquiry"), on_delete=models.CASCADE, related_name="events")
    created_at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    from_status = models.CharField(_("from"), max_length=20, choices=EnquiryStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=EnquiryStatus.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    visible_to_requester = models.BooleanField(_("visible to the requester"), default=False)

    objects = EnquiryEventQuerySet.as_manager()

    class Meta:
        app_label = "portal"
        ordering = ["created_at", "pk"]
        verbose_name = _("enquiry history entry")
        verbose_name_plural = _("enquiry history")
        constraints = [
            models.CheckConstraint(
                condition=Q(from_status__in=["", *_choice_values(EnquiryStatus.choices)])
                & Q(to_status__in=["", *_choice_values(EnquiryStatus.choices)]),
                name="enquiry_event_statuses_valid",
            ),
            models.CheckConstraint(
                condition=~Q(to_status="") | ~Q(note=""),
                name="enquiry_event_has_status_or_note",
                violation_error_message=_("Write a note."),
            ),
            models.CheckConstraint(
                condition=Q(to_status="") | ~Q(to_status=F("from_status")), name="enquiry_event_changes_status"
            ),
        ]

    def __str__(self) -> str:
        if self.to_status:
            return f"{self.get_from_status_display() or '—'} → {self.get_to_status_display()}"
        return self.note[:50]

    @property
    def is_submission(self) -> bool:
        return not self.from_status and self.to_status == EnquiryStatus.NEW

    @property
    def is_status_change(self) -> bool:
        return bool(self.to_status) and not self.is_submission

    @property
    def requester_note(self) -> str:
        """The note as the requester's history shows it (the submission's notes have their own box)."""
        return self.note if self.visible_to_requester and not self.is_submission else ""
