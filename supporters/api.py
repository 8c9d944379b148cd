"""The API's supporter directory (/api/supporters/): approved companies only, with the public fields of their
profile page and never their contact person's; filtered by the FilterSet of /supporters/ (same results)."""

from django.apps import apps
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from portal.api.serializers import MunicipalityRefSerializer, PublicURLField
from portal.api.views import PublicReadOnlyViewSet
from supporters.filters import SupporterCompanyFilter
from supporters.models import Recognition, SupporterCompany
from supporters.views import public_supporters


class TourRefSerializer(serializers.Serializer):
    """A published factory tour the company hosts."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    name_en = serializers.CharField(read_only=True)
    url = PublicURLField("programmes:tour-detail")


class LectureRefSerializer(serializers.Serializer):
    """A published outreach lecture the company gives."""

    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    title_en = serializers.CharField(read_only=True)
    url = PublicURLField("seminars:lecture-detail")


class RecognitionSerializer(serializers.ModelSerializer):
    """A certification or award the company received in a fiscal year (年度, named by its first year)."""

    class Meta:
        model = Recognition
        fields = ["fiscal_year", "kind", "title", "awarded_on"]
        read_only_fields = fields


class SupporterCompanySerializer(serializers.ModelSerializer):
    """A supporter company's public profile: what its page shows."""

    url = PublicURLField("supporters:supporter-detail")
    municipality = MunicipalityRefSerializer(read_only=True)
    since = serializers.DateTimeField(source="approved_at", read_only=True, allow_null=True)
    tours = TourRefSerializer(
        source="published_tours", many=True, read_only=True, help_text=_("Its published factory tours.")
    )
    lectures = LectureRefSerializer(
        source="published_lectures", many=True, read_only=True, help_text=_("Its published outreach lectures.")
    )
    recognitions = RecognitionSerializer(many=True, read_only=True)

    class Meta:
        model = SupporterCompany
        fields = [
            "id",
            "url",
            "name",
            "name_kana",
            "registration_number",
            "since",
            "industry",
            "offers",
            "municipality",
            "postcode",
            "address",
            "website",
            "pr_message",
            "logo",
            "tours",
            "lectures",
            "recognitions",
            "is_demo",
        ]
        read_only_fields = fields


class SupporterCompanyViewSet(PublicReadOnlyViewSet):
    """Approved supporter companies, filtered as on /supporters/, in kana order."""

    serializer_class = SupporterCompanySerializer
    filterset_class = SupporterCompanyFilter

    def get_queryset(self):
        lectures = (
            apps.get_model("seminars.LectureOffer")
            .objects.published()
            .only("pk", "title", "title_en", "supporter_id")
            .order_by("title", "pk")
        )
        return public_supporters().prefetch_related(
            Prefetch("lecture_offers", queryset=lectures, to_attr="published_lectures"),
            Prefetch("recognitions", queryset=Recognition.objects.order_by("-fiscal_year", "kind", "title", "pk")),
        )
