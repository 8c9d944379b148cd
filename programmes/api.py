"""The API's factory tours (/api/tours/) and experience events (/api/events/): published only, filtered by the
FilterSets of /tours/ and /events/ (same results, same order), a constant number of queries per page."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.api.serializers import (
    FeeSerializer,
    FundingSchemeRefSerializer,
    LocationSerializer,
    MunicipalityRefSerializer,
    OrganisationRefSerializer,
    PublicURLField,
    SessionSerializer,
)
from portal.api.views import PublicReadOnlyViewSet
from programmes.event_filters import ExperienceEventFilter, upcoming_event_sessions
from programmes.filters import FactoryTourFilter
from programmes.models import ExperienceEvent, FactoryTour


class FactoryTourSerializer(serializers.ModelSerializer):
    """A workplace that takes school visits: what a school needs to choose and plan one."""

    url = PublicURLField("programmes:tour-detail")
    municipality = MunicipalityRefSerializer(read_only=True)
    location = LocationSerializer(source="*", read_only=True)
    fee = FeeSerializer(source="*", read_only=True)
    provider = OrganisationRefSerializer(read_only=True)
    funding_scheme = FundingSchemeRefSerializer(read_only=True, allow_null=True)
    updated = serializers.DateTimeField(source="updated_at", read_only=True)
    distance_km = serializers.SerializerMethodField(
        help_text=_("With ?near=: the distance from that municipality's office, in km; else null.")
    )

    class Meta:
        model = FactoryTour
        fields = [
            "id",
            "url",
            "name",
            "name_kana",
            "name_en",
            "company_name",
            "industry",
            "audiences",
            "description",
            "municipality",
            "postcode",
            "address",
            "location",
            "duration_minutes",
            "group_min",
            "group_max",
            "months",
            "weekdays",
            "lead_time_days",
            "reservation_required",
            "bus_parking",
            "wheelchair_access",
            "winter_note",
            "fee",
            "phone",
            "website",
            "provider",
            "funding_scheme",
            "confirmed_on",
            "is_demo",
            "updated",
            "distance_km",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "months": {"help_text": _("Months (1–12) in which visits are accepted; empty: all year.")},
            "weekdays": {"help_text": _("Weekdays accepted, 0 = Monday … 6 = Sunday; empty: any day.")},
            "phone": {"help_text": _("The facility's public phone number for visits.")},
        }

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_distance_km(self, tour: FactoryTour) -> float | None:
        distance = getattr(tour, "distance", None)
        return None if distance is None else round(distance, 1)


class FactoryTourViewSet(PublicReadOnlyViewSet):
    """Published factory tours, filtered as on /tours/: recently confirmed first, best match first with ?q=,
    nearest first with ?near=."""

    serializer_class = FactoryTourSerializer
    filterset_class = FactoryTourFilter
    filter_descriptions = {
        "near": _(
            "A municipality by its 6-digit code: the tours nearest to its office come first (by their own "
            "coordinates, or their municipality office's), each with its distance_km."
        ),
        "month": _("Open in that month (1–12)."),
        "group_size": _("Takes a group of that many people."),
        "sort": _("The order (by default: nearest with ?near=, best match with ?q=, else recently confirmed)."),
    }

    def get_queryset(self):
        return (
            FactoryTour.objects.published()
            .select_related("municipality__subprefecture", "provider", "funding_scheme")
            .defer("search_folded", "name_folded")
            .order_by("pk")
        )


class ExperienceEventSerializer(serializers.ModelSerializer):
    """A hands-on making event with its upcoming sessions, each with its seats left and sign-up address."""

    url = PublicURLField("programmes:event-detail")
    fee = FeeSerializer(source="*", read_only=True)
    provider = OrganisationRefSerializer(read_only=True)
    funding_scheme = FundingSchemeRefSerializer(read_only=True, allow_null=True)
    updated = serializers.DateTimeField(source="updated_at", read_only=True)
    sessions = SessionSerializer(source="upcoming_sessions", many=True, read_only=True)

    class Meta:
        model = ExperienceEvent
        fields = [
            "id",
            "url",
            "title",
            "title_en",
            "description",
            "trade",
            "instructors",
            "audiences",
            "grades",
            "what_to_bring",
            "image",
            "fee",
            "provider",
            "funding_scheme",
            "is_demo",
            "updated",
            "sessions",
        ]
        read_only_fields = fields


class ExperienceEventViewSet(PublicReadOnlyViewSet):
    """Published experience events with their upcoming sessions, filtered as on /events/: the event whose next
    matching session comes first comes first."""

    serializer_class = ExperienceEventSerializer
    filterset_class = ExperienceEventFilter

    def filterset_extra_kwargs(self) -> dict:
        return {"now": self.now}

    def get_queryset(self):
        sessions = upcoming_event_sessions(self.now).select_related("municipality__subprefecture")
        return (
            ExperienceEvent.objects.published()
            .select_related("provider", "funding_scheme")
            .defer("search_folded")
            .prefetch_related(Prefetch("sessions", queryset=sessions, to_attr="upcoming_sessions"))
            .order_by("pk")
        )
