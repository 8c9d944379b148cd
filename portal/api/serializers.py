"""Serializer parts every endpoint shares: public page addresses, municipality, location, fee, organisations,
and the dated sessions of the booking engine. Fields are listed explicitly: nothing personal is ever among
them (STYLE.md, permissions and personal data)."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.booking.models import Session
from portal.choices import Allocation, FeeKind
from portal.geo import COORDINATE_DECIMALS
from portal.models import FundingScheme, Municipality, Organisation, Subprefecture

#: what a session's ``availability`` can be (portal.booking.models.Session.availability)
AVAILABILITY_CHOICES = [
    ("seats", _("Seats left: sign up")),
    ("waitlist", _("Full: the waiting list is open")),
    ("full", _("Full, without a waiting list")),
    ("lottery", _("Places are drawn by lot after the deadline: apply")),
    ("not_open_yet", _("Sign-up has not opened yet")),
    ("closed", _("Sign-up has closed")),
    ("past", _("Already held")),
    ("cancelled", _("Cancelled")),
]
#: the states in which people can sign up (or apply) now: the session has a sign-up address
SIGNUP_STATES = ("seats", "waitlist", "lottery")


#: a number no object has, reversed in its place to learn an address's pattern once per answer
_URL_MARKER = 987_654_321_987_654_321


def absolute_url(serializer: serializers.Field, path: str) -> str:
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


def public_path(view_name: str, *args) -> str:
    """A public page's path in the site's main language, without a language prefix: the stable address that
    printed PDFs and QR codes use too (the API answers in any language, its links do not change with it)."""
    with translation.override(settings.LANGUAGE_CODE):
        return reverse(view_name, args=args)


def public_url(serializer: serializers.Field, view_name: str, pk) -> str:
    """The absolute address of the public page ``view_name`` of the object ``pk`` (``public_path``): reversed
    once per answer and view name (kept in the serializers' shared context), then filled in for each object."""
    cache = serializer.context.setdefault("public_urls", {}) if "request" in serializer.context else {}
    if view_name not in cache:
        prefix, _marker, suffix = public_path(view_name, _URL_MARKER).partition(str(_URL_MARKER))
        cache[view_name] = (absolute_url(serializer, prefix), suffix)
    prefix, suffix = cache[view_name]
    return f"{prefix}{pk}{suffix}"


@extend_schema_field(OpenApiTypes.URI)
class PublicURLField(serializers.Field):
    """The absolute address of the object's public page, the URL named ``view_name`` with the object's pk."""

    def __init__(self, view_name: str, **kwargs):
        self.view_name = view_name
        kwargs.setdefault("source", "*")
        kwargs.setdefault("help_text", _("The public page on the portal."))
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value) -> str:
        return public_url(self, self.view_name, value.pk)


class MunicipalityRefSerializer(serializers.ModelSerializer):
    """A municipality by its 6-digit local government code, with its names and its subprefecture."""

    subprefecture = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Municipality
        fields = ["code", "name", "name_en", "subprefecture"]
        read_only_fields = fields


class LocationSerializer(serializers.Serializer):
    """Where it takes place (WGS84): its own coordinates or, when it has none, its municipality office's."""

    latitude = serializers.FloatField(read_only=True)
    longitude = serializers.FloatField(read_only=True)
    approximate = serializers.BooleanField(
        read_only=True, help_text=_("True when the place is the municipality office's, not its own.")
    )

    def to_representation(self, instance) -> dict:
        if instance.latitude is not None and instance.longitude is not None:
            latitude, longitude, approximate = instance.latitude, instance.longitude, False
        else:
            latitude, longitude = instance.municipality.latitude, instance.municipality.longitude
            approximate = True
        return {
            "latitude": round(float(latitude), COORDINATE_DECIMALS),
            "longitude": round(float(longitude), COORDINATE_DECIMALS),
            "approximate": approximate,
        }


class FeeSerializer(serializers.Serializer):
    """What taking part costs: free, an amount in yen (when known), or ask the host."""

    kind = serializers.ChoiceField(source="fee_kind", choices=FeeKind.choices, read_only=True)
    amount_yen = serializers.IntegerField(source="fee_amount", allow_null=True, read_only=True)
    note = serializers.CharField(source="fee_note", read_only=True)


class OrganisationRefSerializer(serializers.ModelSerializer):
    """The working group's member organisation that provides the listing."""

    class Meta:
        model = Organisation
        fields = ["name", "name_en"]
        read_only_fields = fields


class FundingSchemeRefSerializer(serializers.ModelSerializer):
    """The funding scheme (事業) the programme belongs to."""

    class Meta:
        model = FundingScheme
        fields = ["name", "name_en"]
        read_only_fields = fields


class SessionSerializer(serializers.ModelSerializer):
    """An upcoming dated session with its venue, seats and whether people can sign up now."""

    municipality = MunicipalityRefSerializer(read_only=True)
    location = LocationSerializer(source="*", read_only=True)
    seats_left = serializers.IntegerField(read_only=True, help_text=_("Seats not taken yet."))
    availability = serializers.SerializerMethodField(help_text=_("Whether and how people can sign up now."))
    allocation = serializers.ChoiceField(choices=Allocation.choices, read_only=True)
    waitlist = serializers.BooleanField(source="waitlist_enabled", read_only=True)
    registration_closes_at = serializers.DateTimeField(
        source="closes_at", read_only=True, help_text=_("Sign-up closes then (at the latest when the session starts).")
    )
    signup_url = serializers.SerializerMethodField(
        help_text=_("The sign-up page while people can sign up, join the waiting list or apply; else null.")
    )

    class Meta:
        model = Session
        fields = [
            "id",
            "label",
            "starts_at",
            "ends_at",
            "venue_name",
            "address",
            "municipality",
            "location",
            "capacity",
            "seats_left",
            "availability",
            "allocation",
            "waitlist",
            "registration_opens_at",
            "registration_closes_at",
            "signup_url",
        ]
        read_only_fields = fields

    @staticmethod
    def _availability(session: Session) -> str:
        """Computed once per session and answer, so that ``availability`` and ``signup_url`` agree."""
        if not hasattr(session, "_api_availability"):
            session._api_availability = session.availability()
        return session._api_availability

    @extend_schema_field(serializers.ChoiceField(choices=AVAILABILITY_CHOICES))
    def get_availability(self, session: Session) -> str:
        return self._availability(session)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_signup_url(self, session: Session) -> str | None:
        if self._availability(session) not in SIGNUP_STATES:
            return None
        return public_url(self, "session-signup", session.pk)


class SubprefectureSerializer(serializers.ModelSerializer):
    """One of Hokkaido's 14 subprefectures (振興局), by its slug."""

    seat = serializers.CharField(
        source="seat_id", allow_null=True, read_only=True, help_text=_("The code of the municipality of its office.")
    )

    class Meta:
        model = Subprefecture
        fields = ["slug", "name", "name_kana", "name_en", "short_name_en", "kind", "seat"]
        read_only_fields = fields


class MunicipalitySerializer(serializers.ModelSerializer):
    """A city, town or village (or one of Sapporo's wards) by its 6-digit local government code."""

    subprefecture = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    latitude = serializers.FloatField(read_only=True, help_text=_("Of the municipality office (WGS84)."))
    longitude = serializers.FloatField(read_only=True, help_text=_("Of the municipality office (WGS84)."))
    parent = serializers.CharField(
        source="parent_id", allow_null=True, read_only=True, help_text=_("For a ward: the code of its city.")
    )

    class Meta:
        model = Municipality
        fields = ["code", "name", "name_kana", "name_en", "kind", "subprefecture", "latitude", "longitude", "parent"]
        read_only_fields = fields
