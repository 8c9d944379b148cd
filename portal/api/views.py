"""What every API view shares (anonymous GET, the answer's language, the listing's FilterSet), the core's own
reference data (municipalities, subprefectures), the API's root, its OpenAPI schema and its documentation."""

import functools

import django_filters
from django.conf import settings
from django.urls import NoReverseMatch
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import routers, viewsets
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.settings import api_settings

from portal.api.language import api_language
from portal.api.serializers import MunicipalitySerializer, SubprefectureSerializer
from portal.choices import MunicipalityKind
from portal.filtering import PortalFilterSet
from portal.models import Municipality, Subprefecture
from portal.opendata import LICENCE


class APILanguageMixin:
    """Answers in the language of the client's Accept-Language (English unless it prefers Japanese), whatever
    the portal's pages would use: messages, and the browsable and documentation pages, are rendered in it."""

    def dispatch(self, request, *args, **kwargs):
        language = api_language(request)
        with translation.override(language):
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
        response.headers["Content-Language"] = language
        patch_vary_headers(response, ["Accept-Language"])
        return response


class PublicReadOnlyViewSet(APILanguageMixin, viewsets.ReadOnlyModelViewSet):
    """Base of every API endpoint: GET only, public data only (``get_queryset`` returns published rows), the
    listing's own FilterSet on the list (``filterset_class``, the one its page uses), pages of 50."""

    filterset_class = None
    lookup_value_converter = "int"  # /api/tours/123/: a typed path parameter in the schema
    #: more words for the documentation of some filters: name -> text
    filter_descriptions: dict = {}

    @functools.cached_property
    def now(self):
        """The moment this answer is about: upcoming sessions are counted from it, by the filters and the data."""
        return timezone.now()

    def filterset_extra_kwargs(self) -> dict:
        """More arguments for the FilterSet (e.g. ``now``)."""
        return {}

    def filter_queryset(self, queryset):
        # the filters choose what a list shows; a listing's own address finds it whatever they say
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)


# --- The core's reference data: Hokkaido's municipalities and subprefectures -----------------------------


class MunicipalityListFilter(PortalFilterSet):
    subprefecture = django_filters.ModelChoiceFilter(
        label=_("Area"), queryset=Subprefecture.objects.all(), to_field_name="slug", field_name="subprefecture"
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=MunicipalityKind.choices)

    class Meta:
        model = Municipality
        fields = []


class MunicipalityViewSet(PublicReadOnlyViewSet):
    """Hokkaido's 179 municipalities and Sapporo's 10 wards, by their 6-digit local government codes."""

    serializer_class = MunicipalitySerializer
    filterset_class = MunicipalityListFilter
    filter_descriptions = {"kind": _("A ward is one of Sapporo's; its city is its parent.")}
    queryset = Municipality.objects.select_related("subprefecture").order_by("code")
    lookup_field = "code"
    lookup_value_converter = "str"


class SubprefectureViewSet(PublicReadOnlyViewSet):
    """Hokkaido's 14 subprefectures (総合振興局・振興局), by slug, in their usual order."""

    serializer_class = SubprefectureSerializer
    queryset = Subprefecture.objects.order_by("sort_order")
    lookup_field = "slug"
    lookup_value_converter = "slug"


# --- The root, the schema and its documentation --------------------------------------------------------


class APIRootView(APILanguageMixin, routers.APIRootView):
    """/api/: what the API offers and where, its licence and its limits."""

    def get_view_name(self) -> str:
        return gettext("Monozukuri Portal API")

    def get_view_description(self, html=False) -> str:
        text = gettext(
            "The published data of the Hokkaido Monozukuri Portal as JSON: read-only, anonymous, under CC BY 4.0. "
            "Each list takes the filters of its page on the portal, with the same results, and comes in pages "
            "(?page=, ?page_size= up to 200). A bad filter value is a 400 that names it; messages are in English, "
            "or in Japanese with Accept-Language: ja. The OpenAPI schema is at /api/schema/ and its documentation "
            "at /api/docs/."
        )
        return f"<p>{text}</p>" if html else text

    def get(self, request, *args, **kwargs):
        namespace = request.resolver_match.namespace
        endpoints = {}
        for key, url_name in self.api_root_dict.items():
            try:
                endpoints[key] = reverse(f"{namespace}:{url_name}" if namespace else url_name, request=request)
            except NoReverseMatch:
                continue
        prefix = f"{namespace}:" if namespace else ""
        return Response(
            {
                "title": gettext("Monozukuri Portal API"),
                "description": self.get_view_description(),
                "endpoints": endpoints,
                "schema": reverse(f"{prefix}schema", request=request),
                "docs": reverse(f"{prefix}docs", request=request),
                "licence": LICENCE,
                "rate_limit": api_settings.DEFAULT_THROTTLE_RATES.get("anon"),
                "page_size": api_settings.PAGE_SIZE,
                "languages": [code for code, _name in settings.LANGUAGES],
            }
        )


class SchemaView(APILanguageMixin, SpectacularAPIView):
    """/api/schema/: the OpenAPI 3 schema, YAML by default, JSON with ?format=json."""


class DocsView(APILanguageMixin, SpectacularSwaggerSplitView):
    """/api/docs/: Swagger UI from the sidecar package's files; its start script is a separate file
    (?script), so the page has no inline script or style (a strict Content-Security-Policy allows it)."""

    template_name = "portal/api/swagger_ui.html"
    url_name = "api:schema"
    title = _("Monozukuri Portal API")
