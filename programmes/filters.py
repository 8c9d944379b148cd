"""The one FilterSet of the factory tours: it drives the list page, the PDF and the map (DESIGN.md)."""

import django_filters
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from portal.choices import Audience, Industry
from portal.filtering import FlagFilter, IntegerFilter, MunicipalityFilter, PortalFilterSet
from portal.geo import NEAR_ORDER, near_annotations
from portal.models import Municipality, Subprefecture
from portal.text import search_terms
from portal.widgets import FastSelect
from programmes.models import FactoryTour

SORT_CHOICES = [
    ("relevance", _("Best match")),
    ("distance", _("Nearest first")),
    ("confirmed", _("Recently confirmed")),
]


class FactoryTourFilter(PortalFilterSet):
    q = django_filters.CharFilter(label=_("Keywords"), method="filter_q", max_length=100)
    subprefecture = django_filters.ModelChoiceFilter(
        label=_("Area"),
        queryset=Subprefecture.objects.all(),
        to_field_name="slug",
        field_name="municipality__subprefecture",
        empty_label=_("All areas"),
        widget=FastSelect,
    )
    municipality = MunicipalityFilter(
        label=_("Municipality"), method="filter_municipality", empty_label=_("All municipalities")
    )
    industry = django_filters.ChoiceFilter(
        label=_("Industry"), choices=Industry.choices, empty_label=_("All industries")
    )
    audience = django_filters.ChoiceFilter(
        label=_("Audience"),
        choices=Audience.choices,
        method="filter_audience",
        empty_label=_("Everyone"),
        widget=FastSelect,
    )
    month = django_filters.ChoiceFilter(
        label=_("Month of the visit"),
        choices=[(str(number), name) for number, name in MONTHS.items()],
        method="filter_month",
        empty_label=_("Any month"),
        widget=FastSelect,
    )
    group_size = IntegerFilter(label=_("Group size"), method="filter_group_size", min_value=1, max_value=999)
    bus_parking = FlagFilter(label=_("Parking for a bus"), field_name="bus_parking")
    wheelchair = FlagFilter(label=_("Wheelchair access"), field_name="wheelchair_access")
    free = FlagFilter(label=_("Free of charge"), field_name="fee_kind", lookup_value="free")
    near = MunicipalityFilter(label=_("Near"), method="filter_near", empty_label=_("Anywhere"))
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=SORT_CHOICES, method="filter_sort", empty_label=None, widget=FastSelect
    )

    class Meta:
        model = FactoryTour
        fields = []

    def filter_q(self, queryset, name, value):
        for term in search_terms(value):
            # municipality names and readings: a small subquery over 189 rows instead of a join per tour
            in_municipalities = Municipality.objects.filter(
                Q(name__contains=term) | Q(name_kana__contains=term)
            ).values("code")
            queryset = queryset.filter(Q(search_folded__contains=term) | Q(municipality_id__in=in_municipalities))
        return queryset

    def filter_municipality(self, queryset, name, municipality):
        return queryset.filter(Q(municipality=municipality) | Q(municipality__parent=municipality))

    def filter_audience(self, queryset, name, value):
        return queryset.filter(audiences__contains=[value])

    def filter_month(self, queryset, name, month):
        return queryset.filter(Q(months=[]) | Q(months__contains=[int(month)]))

    def filter_group_size(self, queryset, name, size):
        return queryset.filter(
            (Q(group_min__isnull=True) | Q(group_min__lte=size)) & (Q(group_max__isnull=True) | Q(group_max__gte=size))
        )

    def filter_near(self, queryset, name, municipality):
        return queryset.annotate(**near_annotations(FactoryTour, municipality.latitude, municipality.longitude))

    def filter_sort(self, queryset, name, value):
        return queryset  # applied last, in filter_queryset

    def sort_order(self) -> str:
        data = getattr(self.form, "cleaned_data", {})
        wanted = data.get("sort")
        available = (
            {"confirmed"} | ({"relevance"} if data.get("q") else set()) | ({"distance"} if data.get("near") else set())
        )
        if wanted in available:
            return wanted
        return "distance" if data.get("near") else "relevance" if data.get("q") else "confirmed"

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        order = self.sort_order()
        if order == "distance":
            return queryset.order_by(NEAR_ORDER, "name", "pk")
        if order == "relevance":
            terms = search_terms(self.form.cleaned_data["q"])
            name_hit = Q()
            for term in terms:
                name_hit &= Q(name_folded__contains=term)
            queryset = queryset.annotate(
                name_rank=Case(When(name_hit, then=Value(0)), default=Value(1), output_field=IntegerField())
            )
            return queryset.order_by("name_rank", F("confirmed_on").desc(nulls_last=True), "name", "pk")
        return queryset.order_by(F("confirmed_on").desc(nulls_last=True), "name", "pk")
