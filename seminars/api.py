"""The API's seminars (/api/seminars/) and outreach lectures (/api/lectures/): published only, filtered by the
FilterSets of /seminars/ and /seminars/lectures/ (same results, same order), constant queries per page."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.api.serializers import (
    FeeSerializer,
    FundingSchemeRefSerializer,
    OrganisationRefSerializer,
    PublicURLField,
    SessionSerializer,
    public_url,
)
from portal.api.views import PublicReadOnlyViewSet
from portal.choices import ListingStatus
from seminars.filters import SeminarFilter
from seminars.lecture_filters import LectureOfferFilter
from seminars.models import ItineraryStop, LectureOffer, Seminar
from seminars.views import upcoming_seminar_sessions


class ItineraryStopSerializer(serializers.ModelSerializer):
    """A published factory tour that a student tour trip visits, in the order of the day."""

    tour = serializers.IntegerField(source="tour_id", read_only=True, help_text=_("The factory tour's id."))
    tour_name = serializers.CharField(source="tour.name", read_only=True)
    tour_url = PublicURLField("programmes:tour-detail", source="tour", help_text=_("The factory tour's public page."))

    class Meta:
        model = ItineraryStop
        fields = ["position", "tour", "tour_name", "tour_url", "arrive_at", "leave_at", "note"]
        read_only_fields = fields


class SeminarSerializer(serializers.ModelSerializer):
    """A seminar, workplace tour, talk or course with its upcoming sessions (seats left, sign-up address)."""

    url = PublicURLField("seminars:seminar-detail")
    fee = FeeSerializer(source="*", read_only=True)
    provider = OrganisationRefSerializer(read_only=True)
    funding_scheme = FundingSchemeRefSerializer(read_only=True, allow_null=True)
    updated = serializers.DateTimeField(source="updated_at", read_only=True)
    sessions = SessionSerializer(source="upcoming_sessions", many=True, read_only=True)
    itinerary = ItineraryStopSerializer(
        source="public_itinerary",
        many=True,
        read_only=True,
        help_text=_("For a factory tour trip for students: the published tours it visits."),
    )

    class Meta:
        model = Seminar
        fields = [
            "id",
            "url",
            "kind",
            "title",
            "title_en",
            "description",
            "speaker",
            "speaker_profile",
            "school_name",
            "course_hours",
            "audiences",
            "grades",
            "what_to_bring",
            "fee",
            "provider",
            "funding_scheme",
            "is_demo",
            "updated",
            "sessions",
            "itinerary",
        ]
        read_only_fields = fields


class SeminarViewSet(PublicReadOnlyViewSet):
    """Published seminars with their upcoming sessions, filtered as on /seminars/: the seminar whose next
    matching session comes first comes first."""

    serializer_class = SeminarSerializer
    filterset_class = SeminarFilter

    def filterset_extra_kwargs(self) -> dict:
        return {"now": self.now}

    def get_queryset(self):
        sessions = upcoming_seminar_sessions(self.now).select_related("municipality__subprefecture")
        stops = ItineraryStop.objects.filter(tour__status=ListingStatus.PUBLISHED).select_related("tour")
        return (
            Seminar.objects.published()
            .select_related("provider", "funding_scheme")
            .defer("search_folded")
            .prefetch_related(
                Prefetch("sessions", queryset=sessions, to_attr="upcoming_sessions"),
                Prefetch("itinerary", queryset=stops, to_attr="public_itinerary"),
            )
            .order_by("pk")
        )


class LectureOfferSerializer(serializers.ModelSerializer):
    """An outreach lecture (出前講座) a school can ask for."""

    url = PublicURLField("seminars:lecture-detail")
    request_url = serializers.SerializerMethodField(help_text=_("The page where a school asks for this lecture."))
    areas = serializers.SlugRelatedField(
        slug_field="slug",
        many=True,
        read_only=True,
        help_text=_("The subprefectures the lecturer goes to; empty: all of Hokkaido."),
    )
    fee = FeeSerializer(source="*", read_only=True)
    provider = OrganisationRefSerializer(read_only=True)
    updated = serializers.DateTimeField(source="updated_at", read_only=True)

    class Meta:
        model = LectureOffer
        fields = [
            "id",
            "url",
            "request_url",
            "title",
            "title_en",
            "description",
            "trade",
            "length_minutes",
            "grades",
            "audiences",
            "areas",
            "months",
            "lead_time_days",
            "school_provides",
            "fee",
            "provider",
            "is_demo",
            "updated",
        ]
        read_only_fields = fields
        extra_kwargs = {"months": {"help_text": _("Months (1–12) in which it is given; empty: all year.")}}

    @extend_schema_field(serializers.URLField())
    def get_request_url(self, offer: LectureOffer) -> str:
        return public_url(self, "seminars:lecture-request", offer.pk)


class LectureOfferViewSet(PublicReadOnlyViewSet):
    """Published outreach lectures, filtered as on /seminars/lectures/, by title."""

    serializer_class = LectureOfferSerializer
    filterset_class = LectureOfferFilter
    filter_descriptions = {
        "subprefecture": _("The area of your school: lectures that go there (or anywhere in Hokkaido)."),
        "month": _("Given in that month (1–12)."),
    }

    def get_queryset(self):
        return (
            LectureOffer.objects.published()
            .select_related("provider")
            .prefetch_related("areas")
            .defer("search_folded")
            .order_by("title", "pk")
        )
