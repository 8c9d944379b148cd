"""The one FilterSet of the supporter directory: it drives /supporters/ and /supporters/pdf/ (DESIGN.md)."""

import django_filters
from django.db.models import Q, TextField, Value
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy as _

from portal.choices import Industry, SupportOffer
from portal.filtering import PortalFilterSet
from portal.models import Municipality, Subprefecture
from portal.text import Fold, search_terms
from portal.widgets import FastSelect
from supporters.models import SupporterCompany


class SupporterCompanyFilter(PortalFilterSet):
    q = django_filters.CharFilter(label=_("Keywords"), method="filter_q", max_length=100)
    subprefecture = django_filters.ModelChoiceFilter(
        label=_("Area"),
        queryset=Subprefecture.objects.all(),
        to_field_name="slug",
        field_name="municipality__subprefecture",
        empty_label=_("All areas"),
        widget=FastSelect,
    )
    industry = django_filters.ChoiceFilter(
        label=_("Industry"), choices=Industry.choices, empty_label=_("All industries")
    )
    offer = django_filters.ChoiceFilter(
        label=_("What they offer"),
        choices=SupportOffer.choices,
        method="filter_offer",
        empty_label=_("Anything"),
        widget=FastSelect,
    )

    class Meta:
        model = SupporterCompany
        fields = []

    def filter_q(self, queryset, name, value):
        # only public fields are searched: never the contact person's
        queryset = queryset.annotate(
            search_folded=Fold(
                Concat(
                    "name",
                    Value(" "),
                    "name_kana",
                    Value(" "),
                    "pr_message",
                    Value(" "),
                    "address",
                    output_field=TextField(),
                )
            )
        )
        for term in search_terms(value):
            in_municipalities = Municipality.objects.filter(
                Q(name__contains=term) | Q(name_kana__contains=term)
            ).values("code")
            queryset = queryset.filter(Q(search_folded__contains=term) | Q(municipality_id__in=in_municipalities))
        return queryset

    def filter_offer(self, queryset, name, value):
        return queryset.filter(offers__contains=[value])
