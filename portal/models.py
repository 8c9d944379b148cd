"""The portal's shared core data: Hokkaido's regions, the working group and its organisations, staff users."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal import dates
from portal.choices import (
    FeeKind,
    FundingSponsor,
    ListingStatus,
    MunicipalityKind,
    OrganisationCategory,
    SubprefectureKind,
)


class BilingualMixin:
    """Models with ``name`` and ``name_en`` fields show ``name_en`` in English when it is filled in."""

    def localized(self, field: str) -> str:
        value = getattr(self, field)
        if (get_language() or "ja").startswith("en"):
            return getattr(self, f"{field}_en", "") or value
        return value

    @property
    def display_name(self) -> str:
        return self.localized("name")


# --- Regions ------------------------------------------------------------------------------------


def local_government_check_digit(code5: str) -> str:
    """The check digit of a 全国地方公共団体コード: weights 6..2, then 11 - (sum mod 11), last digit."""
    total = sum(int(digit) * weight for digit, weight in zip(code5, (6, 5, 4, 3, 2), strict=True))
    return str((11 - total % 11) % 10)


def validate_local_government_code(value: str) -> None:
    if len(value) != 6 or not value.isdigit():
        raise ValidationError(_("A local government code has six digits."), code="format")
    if local_government_check_digit(value[:5]) != value[5]:
        raise ValidationError(_("The check digit of this local government code is wrong."), code="check_digit")


class Subprefecture(BilingualMixin, models.Model):
    """One of Hokkaido's 14 (general) subprefectural bureaus (総合振興局・振興局)."""

    slug = models.SlugField(_("slug"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=40, unique=True)
    name_kana = models.CharField(_("name (kana)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=80)
    short_name_en = models.CharField(_("short name (English)"), max_length=20)
    kind = models.CharField(_("kind"), max_length=10, choices=SubprefectureKind.choices)
    seat = models.ForeignKey(
        "Municipality", verbose_name=_("seat"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order"]
        verbose_name = _("subprefecture")
        verbose_name_plural = _("subprefectures")

    def __str__(self) -> str:
        return self.name

    @property
    def short_name(self) -> str:
        """空知 / Sorachi: the bureau's region name without 総合振興局・振興局."""
        if (get_language() or "ja").startswith("en"):
            return self.short_name_en
        return self.name.removesuffix("総合振興局").removesuffix("振興局")


class MunicipalityQuerySet(models.QuerySet):
    def local_governments(self):
        """The 179 cities, towns and villages, without Sapporo's wards."""
        return self.exclude(kind=MunicipalityKind.WARD)


class Municipality(BilingualMixin, models.Model):
    """A city, town or village (市町村), or one of Sapporo's 10 wards, keyed by its 6-digit code."""

    code = models.CharField(
        _("local government code"), max_length=6, primary_key=True, validators=[validate_local_government_code]
    )
    name = models.CharField(_("name"), max_length=40)
    name_kana = models.CharField(_("name (kana)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=80)
    kind = models.CharField(_("kind"), max_length=10, choices=MunicipalityKind.choices)
    subprefecture = models.ForeignKey(
        Subprefecture, verbose_name=_("subprefecture"), on_delete=models.PROTECT, related_name="municipalities"
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("city"), on_delete=models.PROTECT, related_name="wards", null=True, blank=True
    )
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    website = models.URLField(_("website"), blank=True)

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^01[0-9]{4}$"), name="municipality_code_hokkaido"),
            models.CheckConstraint(condition=Q(latitude__range=(41, 46)), name="municipality_latitude_hokkaido"),
            models.CheckConstraint(condition=Q(longitude__range=(139, 146)), name="municipality_longitude_hokkaido"),
        ]

    def __str__(self) -> str:
        return self.name


# --- The working group ---------------------------------------------------------------------------


class Organisation(BilingualMixin, models.Model):
    """A partner organisation. Members form the working group; every listing records which one provides it."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=OrganisationCategory.choices)
    departments = models.CharField(
        _("departments taking part"), max_length=200, blank=True, help_text=_("e.g. 人材育成課・産業振興課")
    )
    website = models.URLField(_("website"), blank=True)
    is_member = models.BooleanField(
        _("working group member"), default=True, help_text=_("Shown in the member list on the about page.")
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=100)

    history = HistoricalRecords()

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        permissions = [("manage_all_listings", _("Can manage the listings of every organisation"))]

    def __str__(self) -> str:
        return self.name


class WorkingGroup(BilingualMixin, models.Model):
    """The working group's own description (a single row, edited by the secretariat)."""

    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    purpose = models.TextField(_("purpose"))
    purpose_en = models.TextField(_("purpose (English)"), blank=True)
    secretariat = models.ForeignKey(
        Organisation,
        verbose_name=_("secretariat"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    contact = models.TextField(_("contact"), blank=True, help_text=_("Public contact of the secretariat."))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("working group")
        verbose_name_plural = _("working group")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="working_group_singleton")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> "WorkingGroup | None":
        return cls.objects.select_related("secretariat").filter(pk=1).first()


class MeetingQuerySet(models.QuerySet):
    def in_fiscal_year(self, year: int):
        first, last = dates.fiscal_year_bounds(year)
        return self.filter(held_on__range=(first, last))


class Meeting(BilingualMixin, models.Model):
    """A meeting of the working group (開催実績)."""

    held_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=120)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    venue = models.CharField(_("venue"), max_length=120, blank=True)
    summary = models.TextField(_("summary"), blank=True)

    objects = MeetingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meeting record")

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"

    @property
    def fiscal_year(self) -> int:
        return dates.fiscal_year(self.held_on)


class FundingScheme(BilingualMixin, models.Model):
    """A funding scheme (事業) a programme can be attached to."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    sponsor = models.CharField(_("sponsor"), max_length=20, choices=FundingSponsor.choices)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True, help_text=_("Inactive schemes stay on old records."))
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=100)

    history = HistoricalRecords()

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("funding scheme")
        verbose_name_plural = _("funding schemes")

    def __str__(self) -> str:
        return self.name


# --- Users --------------------------------------------------------------------------------------


class User(AbstractUser):
    """A person who signs in. Staff belong to a partner organisation."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="staff",
        null=True,
        blank=True,
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [
            models.CheckConstraint(
                condition=Q(is_staff=False) | Q(is_superuser=True) | Q(organisation__isnull=False),
                name="staff_user_has_organisation",
                violation_error_message=_("Every staff user belongs to an organisation."),
            )
        ]


# --- Listings ----------------------------------------------------------------------------------


class ListingQuerySet(models.QuerySet):
    def published(self):
        """Only published listings are public (DESIGN.md, data rules)."""
        return self.filter(status=ListingStatus.PUBLISHED)


class ProvidedListing(models.Model):
    """Abstract base of everything the working group lists: which organisation provides it, its status
    (draft → pending review → published → archived, moved by portal.listings) and its record."""

    provider = models.ForeignKey(
        Organisation,
        verbose_name=_("providing organisation"),
        on_delete=models.PROTECT,
    )
    status = models.CharField(_("status"), max_length=20, choices=ListingStatus.choices, default=ListingStatus.DRAFT)
    is_demo = models.BooleanField(_("demo data"), default=False, help_text=_("Loaded by seed_demo."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class ListingFee(models.Model):
    """Abstract: what taking part costs (free, an amount in yen, or ask), shared by every listing."""

    fee_kind = models.CharField(_("fee"), max_length=10, choices=FeeKind.choices, default=FeeKind.UNKNOWN)
    fee_amount = models.PositiveIntegerField(_("fee (yen)"), null=True, blank=True)
    fee_note = models.CharField(_("fee note"), max_length=200, blank=True)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=~Q(fee_kind=FeeKind.FREE) | Q(fee_amount__isnull=True) | Q(fee_amount=0),
                name="%(app_label)s_%(class)s_free_has_no_amount",
            ),
        ]

    @property
    def fee_display(self) -> str:
        if self.fee_kind == FeeKind.FREE:
            text = gettext("free")
        elif self.fee_kind == FeeKind.PAID and self.fee_amount:
            text = gettext("%(amount)s yen") % {"amount": f"{self.fee_amount:,}"}
        elif self.fee_kind == FeeKind.PAID:
            text = gettext("charged")
        else:
            text = gettext("ask the host")
        return f"{text} ({self.fee_note})" if self.fee_note else text


# Models of the core's engines live in their packages; importing them here lets Django find them.
from portal.booking.models import Registration, RegistrationEvent, Session  # noqa: E402,F401
from portal.enquiries.models import Enquiry, EnquiryEvent  # noqa: E402,F401
from portal.surveys.models import Question, Questionnaire, SurveyAnswer, SurveyInvitation, SurveyResponse  # noqa: E402,F401
