"""Supporter companies (次世代人材育成応援企業 / 応援団): self-registered, reviewed by the secretariat, listed in
public when approved; the people who manage a company's page; recognitions (認証・表彰) per fiscal year.

A supporter company is not a partner organisation: its people sign in to the supporters' dashboard, never to
the admin. Who belongs to which company is SupporterMembership (a user belongs to at most one company).
"""

import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.choices import Industry, SupportOffer

corporate_number_validator = RegexValidator(r"^\d{13}$", _("A corporate number has 13 digits."))
postcode_validator = RegexValidator(r"^\d{3}-\d{4}$", _("Enter the postcode as 060-0001."))
registration_number_validator = RegexValidator(r"^\d{4}-\d{4}$", _("A registration number looks like 2026-0042."))


class SupporterStatus(models.TextChoices):
    UNVERIFIED = "unverified", _("E-mail not verified yet")
    PENDING_REVIEW = "pending_review", _("Pending review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    WITHDRAWN = "withdrawn", _("Withdrawn")


def new_certificate_code() -> str:
    """The public code of a certificate's QR link (/supporters/verify/<code>/): unguessable, not secret."""
    return secrets.token_urlsafe(12)


class SupporterQuerySet(models.QuerySet):
    def public(self):
        """Approved supporters: the only ones shown in public."""
        return self.filter(status=SupporterStatus.APPROVED)


class SupporterCompany(models.Model):
    """A company that joined the supporters' club. Public fields are shown once approved; the contact person's
    details are private (staff and the company's own users only)."""

    # public, once approved
    name = models.CharField(_("company name"), max_length=120)
    name_kana = models.CharField(_("company name in katakana"), max_length=120)
    corporate_number = models.CharField(
        _("corporate number (法人番号)"), max_length=13, blank=True, validators=[corporate_number_validator]
    )
    postcode = models.CharField(_("postcode"), max_length=8, blank=True, validators=[postcode_validator])
    address = models.CharField(_("address"), max_length=200, blank=True)
    municipality = models.ForeignKey(
        "portal.Municipality", verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )
    industry = models.CharField(_("industry"), max_length=20, choices=Industry.choices)
    offers = ArrayField(
        models.CharField(max_length=30, choices=SupportOffer.choices),
        verbose_name=_("what the company offers"),
        default=list,
        blank=True,
    )
    pr_message = models.TextField(_("message to young people"), max_length=400, blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="supporters/logos/", blank=True)

    # private: the contact person
    contact_name = models.CharField(_("contact person"), max_length=60)
    contact_email = models.EmailField(_("contact e-mail address"))
    contact_phone = models.CharField(_("contact phone number"), max_length=20, blank=True)

    # the club's record
    status = models.CharField(
        _("status"), max_length=20, choices=SupporterStatus.choices, default=SupporterStatus.UNVERIFIED
    )
    registration_number = models.CharField(
        _("registration number"),
        max_length=9,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        validators=[registration_number_validator],
    )
    certificate_code = models.CharField(max_length=32, unique=True, default=new_certificate_code, editable=False)
    #: public text edited on the dashboard waiting for review (field name -> value); the public page keeps
    #: the approved text until the secretariat approves these
    pending_changes = models.JSONField(_("changes waiting for review"), default=dict, blank=True)
    review_note = models.TextField(_("note to the company"), blank=True)
    verified_at = models.DateTimeField(_("e-mail verified"), null=True, blank=True, editable=False)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True, editable=False)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True, editable=False)
    is_demo = models.BooleanField(_("demo data"), default=False, help_text=_("Loaded by seed_demo."))
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SupporterQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["name_kana", "pk"]
        verbose_name = _("supporter company")
        verbose_name_plural = _("supporter companies")
        permissions = [("review_supportercompany", _("Can approve supporter companies"))]
        constraints = [
            models.UniqueConstraint(
                "corporate_number",
                condition=~Q(corporate_number="") & ~Q(status=SupporterStatus.WITHDRAWN),
                name="supporter_one_per_corporate_number",
                violation_error_message=_("This company is already registered."),
            ),
            models.UniqueConstraint(
                "name",
                "municipality",
                condition=~Q(status=SupporterStatus.WITHDRAWN),
                name="supporter_one_per_name_and_municipality",
                violation_error_message=_("This company is already registered."),
            ),
            models.CheckConstraint(
                condition=Q(registration_number__isnull=True) | Q(registration_number__regex=r"^\d{4}-\d{4}$"),
                name="supporter_registration_number_format",
            ),
        ]
        indexes = [models.Index(fields=["status", "municipality"], name="supporter_status_municipality")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("supporters:supporter-detail", args=[self.pk])

    @property
    def display_name(self) -> str:
        return self.name

    @property
    def is_public(self) -> bool:
        return self.status == SupporterStatus.APPROVED


class MembershipRole(models.TextChoices):
    OWNER = "owner", _("Registered the company")
    MEMBER = "member", _("Colleague")


class SupporterMembership(models.Model):
    """A person who manages a supporter company's page on the dashboard (one company per person)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="supporter_membership"
    )
    company = models.ForeignKey(
        SupporterCompany, verbose_name=_("company"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=MembershipRole.choices, default=MembershipRole.MEMBER)
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("company user")
        verbose_name_plural = _("company users")

    def __str__(self) -> str:
        return f"{self.user} ({self.company})"


class RecognitionKind(models.TextChoices):
    CERTIFICATION = "certification", _("Certification")
    AWARD = "award", _("Award")


class Recognition(models.Model):
    """A certification or award (認証・表彰) a supporter received in a fiscal year, recorded by staff."""

    company = models.ForeignKey(
        SupporterCompany, verbose_name=_("company"), on_delete=models.CASCADE, related_name="recognitions"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    kind = models.CharField(_("kind"), max_length=20, choices=RecognitionKind.choices)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    awarded_on = models.DateField(_("date"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-fiscal_year", "kind", "title"]
        verbose_name = _("recognition")
        verbose_name_plural = _("recognitions")

    def __str__(self) -> str:
        return f"{self.fiscal_year} {self.title}（{self.company}）"
