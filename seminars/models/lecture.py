"""LectureOffer (出前講座): a lecture a partner organisation gives at a school, requested through the
shared enquiry workflow (portal.enquiries, EnquiryKind.LECTURE)."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils.dates import MONTHS_AP
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.choices import Audience
from portal.models import BilingualMixin, ListingFee, ListingQuerySet, ProvidedListing, Subprefecture
from portal.text import Fold


def month_ranges(months: list[int]) -> str:
    """[4, 5, 6, 7, 10] → 4〜7月、10月 / Apr.–July, Oct.; empty or all twelve → all year (通年)."""
    months = sorted(set(months))
    if not months or len(months) == 12:
        return gettext("all year")
    runs, start, previous = [], months[0], months[0]
    for month in [*months[1:], None]:
        if month is not None and month == previous + 1:
            previous = month
            continue
        runs.append((start, previous))
        if month is not None:
            start = previous = month
    if (get_language() or "ja").startswith("ja"):
        return "、".join(f"{a}月" if a == b else f"{a}〜{b}月" for a, b in runs)
    return ", ".join(str(MONTHS_AP[a]) if a == b else f"{MONTHS_AP[a]}–{MONTHS_AP[b]}" for a, b in runs)


class LectureOfferQuerySet(ListingQuerySet):
    def serving(self, subprefecture):
        """Offers whose areas served include ``subprefecture``, or that serve all of Hokkaido (no area)."""
        through = LectureOffer.areas.through
        any_area = through.objects.filter(lectureoffer_id=OuterRef("pk"))
        return self.filter(~Exists(any_area) | Exists(any_area.filter(subprefecture=subprefecture)))

    def in_month(self, month: int):
        """Offers given in ``month`` (1–12); an empty list of months means all year."""
        return self.filter(Q(months=[]) | Q(months__contains=[month]))


class LectureOffer(BilingualMixin, ListingFee, ProvidedListing):
    """An outreach lecture (出前講座): a lecturer comes to a school to talk about, or show, a trade."""

    #: the supporter company that gives the lecture and answers its requests on its dashboard (optional)
    supporter = models.ForeignKey(
        "supporters.SupporterCompany",
        verbose_name=_("supporter company"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lecture_offers",
    )
    title = models.CharField(_("title"), max_length=120)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description = models.TextField(_("topic and content"), blank=True)
    trade = models.CharField(_("trade"), max_length=60, blank=True, help_text=_("e.g. 溶接, 電気工事, 食品製造"))
    length_minutes = models.PositiveSmallIntegerField(
        _("length (minutes)"), null=True, blank=True, validators=[MinValueValidator(10), MaxValueValidator(600)]
    )
    grades = models.CharField(_("target grades"), max_length=60, blank=True, help_text=_("e.g. 中学1〜3年"))
    audiences = ArrayField(
        models.CharField(max_length=20, choices=Audience.choices), verbose_name=_("audiences"), default=list, blank=True
    )
    areas = models.ManyToManyField(
        Subprefecture,
        verbose_name=_("areas served"),
        related_name="lecture_offers",
        blank=True,
        help_text=_("Leave empty if the lecturer goes anywhere in Hokkaido."),
    )
    school_provides = models.TextField(
        _("what the school provides"), blank=True, help_text=_("e.g. a projector and screen, a room for 40, power")
    )
    months = ArrayField(
        models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(12)]),
        verbose_name=_("months accepted"),
        default=list,
        blank=True,
        help_text=_("Empty means all year round."),
    )
    lead_time_days = models.PositiveSmallIntegerField(_("booking lead time (days)"), null=True, blank=True)

    search_folded = models.GeneratedField(
        expression=Fold(
            Concat(
                "title",
                Value(" "),
                "title_en",
                Value(" "),
                "trade",
                Value(" "),
                "grades",
                Value(" "),
                "description",
                output_field=models.TextField(),
            )
        ),
        output_field=models.TextField(),
        db_persist=True,
    )

    objects = LectureOfferQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at", "search_folded"])

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("outreach lecture")
        verbose_name_plural = _("outreach lectures")
        permissions = [("publish_lectureoffer", _("Can publish and archive outreach lectures"))]
        constraints = [
            *ListingFee.Meta.constraints,
            models.CheckConstraint(
                condition=Q(months__contained_by=list(range(1, 13))), name="lecture_offer_months_1_12"
            ),
            models.CheckConstraint(
                condition=Q(length_minutes__isnull=True) | Q(length_minutes__range=(10, 600)),
                name="lecture_offer_length_10_600",
            ),
        ]
        indexes = [
            models.Index(fields=["status"], name="lecture_offer_status"),
            GinIndex(fields=["search_folded"], opclasses=["gin_trgm_ops"], name="lecture_offer_search_trgm"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def display_name(self) -> str:
        return self.localized("title")

    def get_absolute_url(self) -> str:
        return reverse("seminars:lecture-detail", args=[self.pk])

    # --- Facts in words, shared by the pages ------------------------------------------------------

    @property
    def months_display(self) -> str:
        return month_ranges(self.months)

    @property
    def length_display(self) -> str:
        if not self.length_minutes:
            return gettext("ask the provider")
        return gettext("%(minutes)d minutes") % {"minutes": self.length_minutes}

    def areas_display(self) -> str:
        """The areas served in words (uses the prefetched ``areas`` when there are any)."""
        names = [area.short_name for area in self.areas.all()]
        return "、".join(names) if names else gettext("all of Hokkaido")
