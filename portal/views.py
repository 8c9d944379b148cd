from itertools import groupby

from django.apps import apps
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache
from django.views.decorators.gzip import gzip_page

from portal import geo
from portal.models import FundingScheme, Meeting, Organisation, Subprefecture, WorkingGroup


def home(request):
    # Each app contributes its sections (portal core imports no app): AppConfig.home_sections(request).
    sections = [
        section
        for config in apps.get_app_configs()
        if hasattr(config, "home_sections")
        for section in config.home_sections(request)
    ]
    return render(
        request,
        "portal/home.html",
        {
            "working_group": WorkingGroup.load(),
            "subprefectures": Subprefecture.objects.all(),
            "home_sections": sections,
        },
    )


def about(request):
    meetings = Meeting.objects.order_by("held_on")
    meetings_by_year = [
        (year, list(group)) for year, group in groupby(meetings, key=lambda meeting: meeting.fiscal_year)
    ]
    return render(
        request,
        "portal/about.html",
        {
            "working_group": WorkingGroup.load(),
            "members": Organisation.objects.filter(is_member=True),
            "meetings_by_year": meetings_by_year,
            "funding_schemes": FundingScheme.objects.all(),
        },
    )


def accessibility(request):
    return render(request, "portal/accessibility.html")


def privacy(request):
    # the retention periods come from the same rules as the purge (portal/retention.py), so they never disagree
    from portal.retention import personal_data_kinds

    rules = [
        {"key": kind.key, "label": kind.label, "amount": kind.amount, "period": kind.period_display()}
        for kind in personal_data_kinds()
    ]
    return render(request, "portal/privacy.html", {"retention_rules": rules})


@never_cache
def healthz(request):
    """200 when the database answers, 503 otherwise: for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


MAP_LIST_PER_PAGE = 50
MAP_CACHE_SECONDS = 300


def map_page(request):
    """/map/: the filter form, the results as a list (works without JavaScript) and the map over them."""
    portal_map = geo.portal_map(request)
    page = Paginator(portal_map.features, MAP_LIST_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "portal/map.html", {"portal_map": portal_map, "page": page, "query": query.urlencode()})


@gzip_page  # a public JSON document without secrets: compressing it is safe (no BREACH) and 10x smaller
def map_features(request):
    """/map/features.geojson: the same places as /map/, as an RFC 7946 FeatureCollection."""
    response = HttpResponse(geo.portal_map(request).geojson(), content_type="application/geo+json")
    patch_cache_control(response, public=True, max_age=MAP_CACHE_SECONDS)
    return response
