"""Senior advisors (シニアアドバイザー): retired engineers and skilled workers matched to schools' and companies'
requests. Their contact details are private (staff only); the public sees only a staff-approved anonymised
summary. A request is an Enquiry (kind advisor) of the one enquiry workflow; staff offer it to advisors in
turn (AdvisorOffer), each with a private link to accept or decline.
"""

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal import tokens
from portal.choices import Industry
from portal.tokens import DIGEST_LENGTH

#: personal data of an advisor: staff only, never public, never in exports to the public or the API
PERSONAL_FIELDS = ("name", "name_kana", "email", "phone", "postal_address", "former_employer")
OFFER_TOKEN_PURPOSE = "advisor-offer"  # noqa: S105 - an HMAC purpose, not a password


class AdvisorStatus(models.TextChoices):
    APPLIED = "applied", _("Applied (to be reviewed)")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    RETIRED = "retired", _("No longer available")


class AdvisorActivity(models.TextChoices):
    HANDS_ON = "hands_on", _("Hands-on instruction")
    CAREER_TALK = "career_talk", _("Career talk")
    COMPANY_ADVICE = "company_advice", _("Technical advice to companies")
    EXAM_COACHING = "exam_coaching", _("Exam coaching")
    LECTURE = "lecture", _("Outreach lecture")


class TradeGroup(models.Model):
    """Related trades (e.g. 旋盤 · フライス盤 · NC加工 belong to 機械加工), edited by staff, so that matching is
    not only exact string equality."""

    name = models.CharField(_("trade group"), max_length=60, unique=True)
    trades = ArrayField(models.CharField(max_length=60), verbose_name=_("trades"), default=list)

    class Meta:
        ordering = ["name"]
        verbose_name = _("trade group")
        verbose_name_plural = _("trade groups")

    def __str__(self) -> str:
        return self.name


class SeniorAdvisor(models.Model):
    """A retired engineer or skilled worker who teaches, advises and talks to pupils."""

    # private: staff only
    name = models.CharField(_("name"), max_length=60)
    name_kana = models.CharField(_("name in katakana"), max_length=60, blank=True)
    email = models.EmailField(_("e-mail address"))
    phone = models.CharField(_("phone number"), max_length=20, blank=True)
    postal_address = models.CharField(_("postal address"), max_length=200, blank=True)
    former_employer = models.CharField(_("former employer"), max_length=120, blank=True)

    # matching facts (public only in the anonymised summary)
    home_municipality = models.ForeignKey(
        "portal.Municipality", verbose_name=_("home municipality"), on_delete=models.PROTECT, related_name="+"
    )
    areas = models.ManyToManyField(
        "portal.Subprefecture", verbose_name=_("areas served"), blank=True, related_name="senior_advisors"
    )
    travel_radius_km = models.PositiveSmallIntegerField(
        _("travel radius (km)"), default=50, validators=[MaxValueValidator(1000)]
    )
    trades = ArrayField(models.CharField(max_length=60), verbose_name=_("trades and skills"), default=list, blank=True)
    qualifications = ArrayField(
        models.CharField(max_length=60),
        verbose_name=_("qualifications"),
        default=list,
        blank=True,
        help_text=_("e.g. 技能検定1級, ものづくりマイスター, 技術士"),
    )
    former_industry = models.CharField(_("former industry"), max_length=20, choices=Industry.choices, blank=True)
    years_of_experience = models.PositiveSmallIntegerField(
        _("years of experience"), null=True, blank=True, validators=[MaxValueValidator(80)]
    )
    activities = ArrayField(
        models.CharField(max_length=20, choices=AdvisorActivity.choices),
        verbose_name=_("what they do"),
        default=list,
        blank=True,
    )
    available_weekdays = ArrayField(
        models.PositiveSmallIntegerField(validators=[MaxValueValidator(6)]),
        verbose_name=_("available weekdays"),
        default=list,
        blank=True,
        help_text=_("0 = Monday … 6 = Sunday; empty: any day."),
    )
    available_months = ArrayField(
        models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(12)]),
        verbose_name=_("available months"),
        default=list,
        blank=True,
        help_text=_("Empty: all year."),
    )
    availability_note = models.CharField(_("availability note"), max_length=200, blank=True)
    consent_to_contact = models.BooleanField(_("agrees to be contacted"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=AdvisorStatus.choices, default=AdvisorStatus.APPLIED)

    # public: written or approved by staff
    public_summary = models.CharField(
        _("public summary"),
        max_length=120,
        blank=True,
        help_text=_("Anonymised, e.g. 元 製紙メーカー 設備保全 40年・技能検定1級. Shown in public only when approved."),
    )
    summary_approved = models.BooleanField(_("summary approved for the public"), default=False)

    is_demo = models.BooleanField(_("demo data"), default=False, help_text=_("Loaded by seed_demo."))
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["name_kana", "pk"]
        verbose_name = _("senior advisor")
        verbose_name_plural = _("senior advisors")
        indexes = [models.Index(fields=["status"], name="advisor_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(available_weekdays__contained_by=list(range(7))), name="advisor_weekdays_0_6"
            ),
            models.CheckConstraint(
                condition=Q(available_months__contained_by=list(range(1, 13))), name="advisor_months_1_12"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_public(self) -> bool:
        """Shown on /advisors/ as an anonymised card: active, consenting, with an approved summary."""
        return (self.status == AdvisorStatus.ACTIVE and self.consent_to_contact and self.summary_approved) and bool(
            self.public_summary
        )


class OfferStatus(models.TextChoices):
    OFFERED = "offered", _("Offered")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class AdvisorOffer(models.Model):
    """A request (an Enquiry of kind advisor) offered to one advisor, who accepts or declines by a private link."""

    enquiry = models.ForeignKey(
        "portal.Enquiry", verbose_name=_("request"), on_delete=models.CASCADE, related_name="advisor_offers"
    )
    advisor = models.ForeignKey(
        SeniorAdvisor, verbose_name=_("advisor"), on_delete=models.PROTECT, related_name="offers"
    )
    status = models.CharField(_("status"), max_length=20, choices=OfferStatus.choices, default=OfferStatus.OFFERED)
    token_nonce = models.CharField(max_length=64, unique=True, editable=False)
    token_digest = models.CharField(max_length=DIGEST_LENGTH, unique=True, editable=False)
    offered_at = models.DateTimeField(_("offered"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["offered_at", "pk"]
        verbose_name = _("offer to an advisor")
        verbose_name_plural = _("offers to advisors")
        constraints = [
            models.UniqueConstraint(fields=["enquiry", "advisor"], name="advisor_offer_once_per_request"),
            models.UniqueConstraint(
                fields=["enquiry"], condition=Q(status="accepted"), name="advisor_offer_one_accepted_per_request"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enquiry} → {self.advisor}"

    @property
    def access_token(self) -> str:
        return tokens.derived_token(OFFER_TOKEN_PURPOSE, self.token_nonce)
