"""The FilterSets of the outreach lectures (/seminars/lectures/) and the materials (/seminars/materials/).

Bad values never fail: PortalFilterSet ignores them and the page says which (DESIGN.md).
"""

import django_filters
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from portal.choices import Audience
from portal.filtering import PortalFilterSet
from portal.models import Subprefecture
from portal.text import search_terms
from portal.widgets import FastSelect
from seminars.models import LectureOffer, Material


class LectureOfferFilter(PortalFilterSet):
    q = django_filters.CharFilter(label=_("Keywords"), method="filter_q", max_length=100)
    subprefecture = django_filters.ModelChoiceFilter(
        label=_("Area of your school"),
        queryset=Subprefecture.objects.all(),
        to_field_name="slug",
        method="filter_subprefecture",
        empty_label=_("All areas"),
        widget=FastSelect,
    )
    audience = django_filters.ChoiceFilter(
        label=_("Audience"),
        choices=Audience.choices,
        method="filter_audience",
        empty_label=_("Everyone"),
        widget=FastSelect,
    )
    month = django_filters.ChoiceFilter(
        label=_("Month of the lecture"),
        choices=[(str(number), name) for number, name in MONTHS.items()],
        method="filter_month",
        empty_label=_("Any month"),
        widget=FastSelect,
    )

    class Meta:
        model = LectureOffer
        fields = []

    def filter_q(self, queryset, name, value):
        for term in search_terms(value):
            queryset = queryset.filter(search_folded__contains=term)
        return queryset

    def filter_subprefecture(self, queryset, name, subprefecture):
        return queryset.serving(subprefecture)

    def filter_audience(self, queryset, name, value):
        return queryset.filter(audiences__contains=[value])

    def filter_month(self, queryset, name, month):
        return queryset.in_month(int(month))


class MaterialFilter(PortalFilterSet):
    audience = django_filters.ChoiceFilter(
        label=_("Audience"),
        choices=Audience.choices,
        empty_label=_("Everyone"),
        widget=FastSelect,
    )

    class Meta:
        model = Material
        fields = []
