"""Filtering listings that are held in sessions (experience events, seminars…): written once, used by each app.

Place, dates and "seats available" are facts of a listing's sessions: a listing matches when ONE of its
upcoming scheduled sessions meets all of them together (one subquery on portal.Session), and the list is
ordered by the first such session, the date the user is looking for.

An app's FilterSet subclasses ``SessionListingFilter`` with its ``Meta.model`` (which has ``title``,
``audiences`` and a folded ``search_folded``), adds its own filters and drops those it does not offer
(``municipality = None``).
"""

import datetime as dt

import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.booking.models import Session
from portal.choices import Audience
from portal.filtering import FlagFilter, MunicipalityFilter, PortalFilterSet
from portal.models import Municipality, Subprefecture
from portal.text import search_terms
from portal.widgets import FastSelect


def upcoming_sessions_of(model, now: dt.datetime | None = None):
    """The upcoming scheduled sessions of the listings of ``model`` (e.g. ExperienceEvent)."""
    return Session.objects.upcoming(now).filter(offering_type=ContentType.objects.get_for_model(model))


def open_for_signup(now: dt.datetime) -> Q:
    """Sessions with a free seat that take sign-ups now (lottery applications included)."""
    return (
        Q(seats_taken__lt=F("capacity"))
        & (Q(registration_opens_at__isnull=True) | Q(registration_opens_at__lte=now))
        & (Q(registration_closes_at__isnull=True) | Q(registration_closes_at__gt=now))
    )


def by_next_session(queryset, conditions: list[Q] = (), now: dt.datetime | None = None):
    """The listings of ``queryset`` that have an upcoming session meeting ``conditions``, ordered by the first
    such session, then by title; ``next_start`` is annotated."""
    matching = upcoming_sessions_of(queryset.model, now).filter(*conditions, offering_id=OuterRef("pk"))
    next_start = matching.order_by("starts_at").values("starts_at")[:1]
    return (
        queryset.annotate(next_start=Subquery(next_start))
        .filter(next_start__isnull=False)
        .order_by("next_start", "title", "pk")
    )


def start_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class DateInput(forms.DateInput):
    input_type = "date"


class SessionDatesForm(forms.Form):
    def clean(self):
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        if start and end and start > end:
            self.add_error("to", _("The end date is before the start date."))
        return data


class SessionListingFilter(PortalFilterSet):
    """``q subprefecture municipality audience from to available`` on a listing held in sessions."""

    q = django_filters.CharFilter(label=_("Keywords"), method="filter_q", max_length=100)
    subprefecture = django_filters.ModelChoiceFilter(
        label=_("Area"),
        queryset=Subprefecture.objects.all(),
        to_field_name="slug",
        method="filter_subprefecture",
        empty_label=_("All areas"),
        widget=FastSelect,
    )
    municipality = MunicipalityFilter(
        label=_("Municipality"), method="filter_municipality", empty_label=_("All municipalities")
    )
    audience = django_filters.ChoiceFilter(
        label=_("Audience"),
        choices=Audience.choices,
        method="filter_audience",
        empty_label=_("Everyone"),
        widget=FastSelect,
    )
    # ?from=: a Python keyword, so it enters the class namespace by name (filters keep their declaration order)
    locals()["from"] = django_filters.DateFilter(label=_("From"), method="filter_from", widget=DateInput)
    to = django_filters.DateFilter(label=_("Until"), method="filter_to", widget=DateInput)
    available = FlagFilter(label=_("Only with seats available"), method="filter_available")

    class Meta:
        fields = []
        form = SessionDatesForm

    def __init__(self, *args, now: dt.datetime | None = None, **kwargs):
        self.now = now or timezone.now()
        self.session_conditions: list[Q] = []
        super().__init__(*args, **kwargs)

    def upcoming_sessions(self):
        return upcoming_sessions_of(self._meta.model, self.now)

    def filter_q(self, queryset, name, value):
        for term in search_terms(value):
            in_municipalities = Municipality.objects.filter(
                Q(name__contains=term) | Q(name_kana__contains=term)
            ).values("code")
            held_there = self.upcoming_sessions().filter(
                Q(municipality_id__in=in_municipalities) | Q(venue_name__icontains=term), offering_id=OuterRef("pk")
            )
            queryset = queryset.filter(Q(search_folded__contains=term) | Exists(held_there))
        return queryset

    def filter_subprefecture(self, queryset, name, subprefecture):
        self.session_conditions.append(Q(municipality__subprefecture=subprefecture))
        return queryset

    def filter_municipality(self, queryset, name, municipality):
        self.session_conditions.append(Q(municipality=municipality) | Q(municipality__parent=municipality))
        return queryset

    def filter_audience(self, queryset, name, value):
        return queryset.filter(audiences__contains=[value])

    def filter_from(self, queryset, name, day):
        self.session_conditions.append(Q(starts_at__gte=start_of_day(day)))
        return queryset

    def filter_to(self, queryset, name, day):
        self.session_conditions.append(Q(starts_at__lt=start_of_day(day + dt.timedelta(days=1))))
        return queryset

    def filter_available(self, queryset, name, value):
        if value:
            self.session_conditions.append(open_for_signup(self.now))
        return queryset

    def filter_queryset(self, queryset):
        self.session_conditions = []
        queryset = super().filter_queryset(queryset)
        return by_next_session(queryset, self.session_conditions, self.now)
