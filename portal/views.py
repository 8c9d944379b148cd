from itertools import groupby

from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from portal.models import FundingScheme, Meeting, Organisation, Subprefecture, WorkingGroup


def home(request):
    return render(
        request,
        "portal/home.html",
        {
            "working_group": WorkingGroup.load(),
            "subprefectures": Subprefecture.objects.all(),
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
