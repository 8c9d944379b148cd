"""The one FilterSet of the public advisor cards (/advisors/): trade, area served, what they do.

Only public fields are searched (trades, qualifications): never a name, contact or former employer."""

import django_filters
from django.db.models import Func, Q, TextField, Value
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy as _

from portal.filtering import PortalFilterSet
from portal.models import Subprefecture
from portal.text import Fold, fold, search_terms
from portal.widgets import FastSelect
from supporters.models import AdvisorActivity, SeniorAdvisor, TradeGroup


class ArrayToString(Func):
    function = "array_to_string"
    output_field = TextField()


def related_trades(term: str) -> list[str]:
    """The trades of every trade group whose name or one of whose trades contains ``term`` (folded), with the
    groups' names: 旋盤 → 機械加工's 旋盤 · フライス盤 · NC加工. One query."""
    found: set[str] = set()
    for group in TradeGroup.objects.only("name", "trades"):
        members = [group.name, *group.trades]
        if any(term in fold(member) for member in members):
            found.update(members)
    return sorted(found)


class SeniorAdvisorFilter(PortalFilterSet):
    trade = django_filters.CharFilter(
        label=_("Trade or skill"),
        method="filter_trade",
        max_length=60,
        help_text=_("e.g. 旋盤, 溶接, 設備保全"),
    )
    subprefecture = django_filters.ModelChoiceFilter(
        label=_("Area served"),
        queryset=Subprefecture.objects.all(),
        to_field_name="slug",
        field_name="areas",
        empty_label=_("All areas"),
        widget=FastSelect,
    )
    activity = django_filters.ChoiceFilter(
        label=_("What they do"),
        choices=AdvisorActivity.choices,
        method="filter_activity",
        empty_label=_("Anything"),
        widget=FastSelect,
    )

    class Meta:
        model = SeniorAdvisor
        fields = []

    def filter_trade(self, queryset, name, value):
        queryset = queryset.annotate(trades_folded=Fold(_trades_text()))
        for term in search_terms(value):
            condition = Q(trades_folded__contains=term)
            related = related_trades(term)
            if related:
                condition |= Q(trades__overlap=related)
            queryset = queryset.filter(condition)
        return queryset

    def filter_activity(self, queryset, name, value):
        return queryset.filter(activities__contains=[value])


def _trades_text():
    """The trades and qualifications as one text (the qualifications too: 技能検定 finds the 技能検定1級 holders)."""
    return Concat(
        ArrayToString("trades", Value(" ")),
        Value(" "),
        ArrayToString("qualifications", Value(" ")),
        output_field=TextField(),
    )
