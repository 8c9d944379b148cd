"""Programmes: factory tours (工場見学) and experience events (ものづくり体験会)."""

from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils.dates import MONTHS, MONTHS_AP
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal import dates
from portal.choices import Audience, Industry, ListingStatus
from portal.models import BilingualMixin, FundingScheme, ListingFee, ListingQuerySet, Municipality, ProvidedListing
from portal.text import Fold


def weekday_abbreviations() -> list[str]:
    return [
        gettext("Mon"),
        gettext("Tue"),
        gettext("Wed"),
        gettext("Thu"),
        gettext("Fri"),
        gettext("Sat"),
        gettext("Sun"),
    ]


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


postcode_validator = RegexValidator(r"^\d{3}-\d{4}$", _("Enter the postcode as 060-0001."))


class FactoryTourQuerySet(ListingQuerySet):
    def featured(self):
        """Recently confirmed first (fresh information; demo data is never confirmed), read off the index
        factory_tour_published_order."""
        return self.order_by(models.F("confirmed_on").desc(nulls_last=True), "name", "id")

    def not_confirmed_in_fiscal_year(self, year: int | None = None):
        """Tours whose information was not confirmed in the given fiscal year (this one by default)."""
        first, _last = dates.fiscal_year_bounds(year if year is not None else dates.fiscal_year())
        return self.filter(Q(confirmed_on__isnull=True) | Q(confirmed_on__lt=first))


class FactoryTour(BilingualMixin, ListingFee, ProvidedListing):
    """A workplace that accepts school visits, in the jointly curated list (工場見学情報リスト)."""

    #: the supporter company that hosts the tour and manages it on its dashboard (optional)
    supporter = models.ForeignKey(
        "supporters.SupporterCompany",
        verbose_name=_("supporter company"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tours",
    )
    name = models.CharField(_("facility name"), max_length=120)
    name_kana = models.CharField(_("facility name (kana)"), max_length=200, blank=True)
    name_en = models.CharField(_("facility name (English)"), max_length=200, blank=True)
    company_name = models.CharField(_("company or organisation"), max_length=120)

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="factory_tours"
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=8, blank=True, validators=[postcode_validator])
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)

    industry = models.CharField(_("industry"), max_length=20, choices=Industry.choices)
    audiences = ArrayField(
        models.CharField(max_length=20, choices=Audience.choices), verbose_name=_("audiences"), default=list, blank=True
    )
    description = models.TextField(_("what pupils see and do"), blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), null=True, blank=True)
    group_min = models.PositiveSmallIntegerField(_("group size (minimum)"), null=True, blank=True)
    group_max = models.PositiveSmallIntegerField(_("group size (maximum)"), null=True, blank=True)
    months = ArrayField(
        models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(12)]),
        verbose_name=_("months accepted"),
        default=list,
        blank=True,
        help_text=_("Empty means all year round."),
    )
    weekdays = ArrayField(
        models.PositiveSmallIntegerField(validators=[MaxValueValidator(6)]),
        verbose_name=_("weekdays accepted"),
        default=list,
        blank=True,
        help_text=_("0 = Monday … 6 = Sunday. Empty means any day."),
    )
    lead_time_days = models.PositiveSmallIntegerField(_("booking lead time (days)"), null=True, blank=True)
    reservation_required = models.BooleanField(_("reservation required"), null=True, blank=True)
    bus_parking = models.BooleanField(_("parking for buses"), null=True, blank=True)
    wheelchair_access = models.BooleanField(_("wheelchair access"), null=True, blank=True)
    winter_note = models.CharField(_("winter access note"), max_length=200, blank=True)
    phone = models.CharField(_("public phone"), max_length=20, blank=True)
    website = models.URLField(_("website"), blank=True)
    funding_scheme = models.ForeignKey(
        FundingScheme,
        verbose_name=_("funding scheme"),
        on_delete=models.PROTECT,
        related_name="factory_tours",
        null=True,
        blank=True,
    )

    confirmed_on = models.DateField(_("information confirmed on"), null=True, blank=True)
    is_demo = models.BooleanField(
        _("demo data"), default=False, help_text=_("Loaded by seed_demo from public sources; may be outdated.")
    )
    # Folded text for search (portal/text.py), computed by the database itself: never stale.
    name_folded = models.GeneratedField(
        expression=Fold(
            Concat("name", Value(" "), "name_kana", Value(" "), "name_en", output_field=models.TextField())
        ),
        output_field=models.TextField(),
        db_persist=True,
    )
    search_folded = models.GeneratedField(
        expression=Fold(
            Concat(
                "name",
                Value(" "),
                "name_kana",
                Value(" "),
                "name_en",
                Value(" "),
                "company_name",
                Value(" "),
                "description",
                Value(" "),
                "address",
                output_field=models.TextField(),
            )
        ),
        output_field=models.TextField(),
        db_persist=True,
    )

    objects = FactoryTourQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at", "name_folded", "search_folded"])

    class Meta:
        ordering = ["municipality_id", "name"]
        verbose_name = _("factory tour")
        verbose_name_plural = _("factory tours")
        permissions = [("publish_factorytour", _("Can publish and archive factory tours"))]
        constraints = [
            *ListingFee.Meta.constraints,
            models.CheckConstraint(
                condition=Q(group_min__isnull=True)
                | Q(group_max__isnull=True)
                | Q(group_min__lte=models.F("group_max")),
                name="factory_tour_group_min_lte_max",
            ),
            models.CheckConstraint(
                condition=Q(months__contained_by=list(range(1, 13))), name="factory_tour_months_1_12"
            ),
            models.CheckConstraint(
                condition=Q(weekdays__contained_by=list(range(7))), name="factory_tour_weekdays_0_6"
            ),
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (Q(latitude__range=(41, 46)) & Q(longitude__range=(139, 146))),
                name="factory_tour_location_in_hokkaido",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "municipality"], name="factory_tour_status_muni"),
            GinIndex(fields=["search_folded"], opclasses=["gin_trgm_ops"], name="factory_tour_search_trgm"),
            # the public list's default order ("recently confirmed"), so a page is read off the index
            models.Index(
                models.F("confirmed_on").desc(nulls_last=True),
                "name",
                "id",
                condition=Q(status=ListingStatus.PUBLISHED),
                name="factory_tour_published_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programmes:tour-detail", args=[self.pk])

    def clean(self):
        if self.group_min and self.group_max and self.group_min > self.group_max:
            raise ValidationError(
                {"group_max": _("The maximum group size must not be smaller than the minimum.")}, code="group_size"
            )
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(_("Enter both latitude and longitude, or neither."), code="location")

    @property
    def location_is_approximate(self) -> bool:
        """Without its own coordinates a tour is shown at its municipality's office."""
        return self.latitude is None

    @property
    def point(self) -> tuple[float, float]:
        """(latitude, longitude) for maps: its own, or its municipality office's."""
        if self.latitude is not None:
            return float(self.latitude), float(self.longitude)
        return float(self.municipality.latitude), float(self.municipality.longitude)

    # --- Facts in words, shared by the pages and the PDF ---------------------------------------

    @property
    def group_size_display(self) -> str:
        if self.group_min and self.group_max:
            return gettext("%(min)d–%(max)d people") % {"min": self.group_min, "max": self.group_max}
        if self.group_max:
            return gettext("up to %(max)d people") % {"max": self.group_max}
        if self.group_min:
            return gettext("from %(min)d people") % {"min": self.group_min}
        return gettext("ask the host")

    @property
    def months_display(self) -> str:
        return month_ranges(self.months)

    @property
    def weekdays_display(self) -> str:
        if not self.weekdays:
            return gettext("any day")
        names = weekday_abbreviations()
        return "・".join(names[day] for day in sorted(self.weekdays))

    def class_fit(self, *, group_size: int | None = None, month: int | None = None, need_bus: bool = False):
        """ "Can my class go there?": one check per condition the school gave, each yes / no / unknown."""
        checks = []
        if group_size:
            if self.group_min is None and self.group_max is None:
                state = "unknown"
            elif (self.group_min or 0) <= group_size <= (self.group_max or group_size):
                state = "yes"
            else:
                state = "no"
            text = {
                "yes": gettext("Takes a group of %(n)d"),
                "no": gettext("Does not take a group of %(n)d"),
                "unknown": gettext("Group of %(n)d: ask the host"),
            }[state] % {"n": group_size}
            checks.append({"state": state, "text": text})
        if month:
            state = "yes" if not self.months or month in self.months else "no"
            text = {"yes": gettext("Open in %(month)s"), "no": gettext("Not open in %(month)s")}[state]
            checks.append({"state": state, "text": text % {"month": MONTHS[month]}})
        if need_bus:
            state = {True: "yes", False: "no", None: "unknown"}[self.bus_parking]
            text = {
                "yes": gettext("Bus parking"),
                "no": gettext("No bus parking"),
                "unknown": gettext("Bus parking: ask the host"),
            }[state]
            checks.append({"state": state, "text": text})
        return checks


# --- Experience events (ものづくり体験会) -------------------------------------------------------------


def _event_content_type():
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(ExperienceEvent)


class ExperienceEventQuerySet(ListingQuerySet):
    def with_upcoming_sessions(self, now=None):
        """Events with at least one scheduled session still to come."""
        from portal.booking.models import Session

        sessions = Session.objects.upcoming(now).filter(
            offering_type=_event_content_type(), offering_id=models.OuterRef("pk")
        )
        return self.filter(models.Exists(sessions))


class ExperienceEvent(BilingualMixin, ListingFee, ProvidedListing):
    """A hands-on making event for children and families (ものづくり体験会), held in one or more sessions."""

    title = models.CharField(_("title"), max_length=120)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description = models.TextField(_("what participants make and do"), blank=True)
    trade = models.CharField(_("trade"), max_length=60, blank=True, help_text=_("e.g. 旋盤, 溶接, 木工"))
    instructors = models.TextField(
        _("instructors"), blank=True, help_text=_("Name and qualification, e.g. 1級技能士, ものづくりマイスター")
    )
    funding_scheme = models.ForeignKey(
        FundingScheme,
        verbose_name=_("funding scheme"),
        on_delete=models.PROTECT,
        related_name="experience_events",
        null=True,
        blank=True,
    )
    audiences = ArrayField(
        models.CharField(max_length=20, choices=Audience.choices), verbose_name=_("audiences"), default=list, blank=True
    )
    grades = models.CharField(_("school years"), max_length=60, blank=True, help_text=_("e.g. 小学4〜6年"))
    what_to_bring = models.CharField(_("what to bring"), max_length=200, blank=True)
    image = models.ImageField(_("image"), upload_to="events/", blank=True)

    search_folded = models.GeneratedField(
        expression=Fold(
            Concat(
                "title",
                Value(" "),
                "title_en",
                Value(" "),
                "trade",
                Value(" "),
                "description",
                Value(" "),
                "instructors",
                output_field=models.TextField(),
            )
        ),
        output_field=models.TextField(),
        db_persist=True,
    )

    sessions = GenericRelation("portal.Session", content_type_field="offering_type", object_id_field="offering_id")

    objects = ExperienceEventQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at", "search_folded"])

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("experience event")
        verbose_name_plural = _("experience events")
        permissions = [("publish_experienceevent", _("Can publish and archive experience events"))]
        constraints = [*ListingFee.Meta.constraints]
        indexes = [
            models.Index(fields=["status"], name="experience_event_status"),
            GinIndex(fields=["search_folded"], opclasses=["gin_trgm_ops"], name="experience_event_search_trgm"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def display_name(self) -> str:
        return self.localized("title")

    def get_absolute_url(self) -> str:
        return reverse("programmes:event-detail", args=[self.pk])
