"""Public pages of the seminars: /seminars/, /seminars/<id>/, /seminars/pdf/; their map features and calendar."""

from django.contrib.postgres.fields import ArrayField
from django.core.paginator import Paginator
from django.db.models import BooleanField, ExpressionWrapper, FloatField, Func, Prefetch, Q
from django.db.models.functions import Coalesce, Round
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import get_language, gettext

from portal import pdf
from portal.booking.filters import by_next_session, upcoming_sessions_of
from portal.choices import ListingStatus, SessionStatus
from portal.geo import COORDINATE_DECIMALS
from seminars.filters import SeminarFilter
from seminars.models import ItineraryStop, Seminar

SEMINARS_PER_PAGE = 20
#: The most seminars one PDF prints; the PDF says when the list was cut there.
PDF_MAX_SEMINARS = 300


def upcoming_seminar_sessions(now=None):
    """The upcoming scheduled sessions of seminars."""
    return upcoming_sessions_of(Seminar, now)


def with_upcoming_sessions(queryset, now=None):
    """Each seminar's upcoming sessions as ``seminar.upcoming_sessions``, in one query for the whole page."""
    sessions = upcoming_seminar_sessions(now).select_related("municipality")
    return queryset.prefetch_related(Prefetch("sessions", queryset=sessions, to_attr="upcoming_sessions"))


def filtered_seminars(request, now=None, data=None) -> SeminarFilter:
    """The published seminars filtered by the request's query (or ``data``): shared by the list, the PDF and
    the map."""
    queryset = Seminar.objects.published().select_related("provider").defer("search_folded")
    return SeminarFilter(request.GET if data is None else data, queryset=queryset, request=request, now=now)


def seminar_list(request):
    now = timezone.now()
    seminar_filter = filtered_seminars(request, now)
    page = Paginator(with_upcoming_sessions(seminar_filter.qs, now), SEMINARS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "seminars/seminar_list.html",
        {"filter": seminar_filter, "page": page, "seminars": page.object_list},
    )


def _public_partner(session):
    """The session ``session`` is held together with, if it is public (scheduled, of a published offering)."""
    partner = session.partner
    if partner is None or partner.status != SessionStatus.SCHEDULED:
        return None
    if getattr(partner.offering, "status", None) != ListingStatus.PUBLISHED:
        return None
    return partner


def seminar_detail(request, pk: int):
    now = timezone.now()
    sessions = upcoming_seminar_sessions(now).select_related(
        "municipality", "paired_with__municipality", "paired_from__municipality"
    )
    stops = ItineraryStop.objects.filter(tour__status=ListingStatus.PUBLISHED).select_related("tour__municipality")
    queryset = (
        Seminar.objects.published()
        .select_related("provider", "funding_scheme")
        .prefetch_related(
            Prefetch("sessions", queryset=sessions, to_attr="upcoming_sessions"),
            Prefetch("itinerary", queryset=stops, to_attr="public_itinerary"),
        )
    )
    seminar = get_object_or_404(queryset, pk=pk)
    for session in seminar.upcoming_sessions:
        session.public_partner = _public_partner(session)
    return render(request, "seminars/seminar_detail.html", {"seminar": seminar})


def seminar_pdf(request):
    """/seminars/pdf/: the same filtered list as /seminars/ with every upcoming session, as an A4 PDF."""
    now = timezone.now()
    seminar_filter = filtered_seminars(request, now)
    return pdf.list_pdf_response(
        request,
        "seminars/pdf/seminar_list.html",
        filterset=seminar_filter,
        items=with_upcoming_sessions(seminar_filter.qs, now),
        max_items=PDF_MAX_SEMINARS,
        title=gettext("Seminars"),
        filename=pdf.pdf_filename("seminars"),
    )


def next_seminars(count: int) -> list[Seminar]:
    """The ``count`` published seminars whose next session comes first (for the home page)."""
    now = timezone.now()
    seminars = Seminar.objects.published().select_related("provider").defer("search_folded")
    return list(with_upcoming_sessions(by_next_session(seminars, now=now), now)[:count])


def calendar_events(request) -> list[dict]:
    """Every upcoming scheduled session of a published seminar, as portal.calendar VEVENT dicts."""
    now = timezone.now()
    published = Seminar.objects.published().values("pk")
    sessions = (
        upcoming_seminar_sessions(now)
        .filter(offering_id__in=published)
        .select_related("municipality")
        .order_by("starts_at", "pk")
    )
    seminars = {
        seminar.pk: seminar
        for seminar in Seminar.objects.filter(pk__in={session.offering_id for session in sessions}).only(
            "pk", "title", "title_en", "description"
        )
    }
    host = request.get_host().split(":")[0]
    return [
        {
            "uid": f"seminar-session-{session.pk}@{host}",
            "start": session.starts_at,
            "end": session.ends_at,
            "summary": seminars[session.offering_id].display_name + (f"（{session.label}）" if session.label else ""),
            "location": f"{session.venue_name}（{session.municipality.name}{session.address}）",
            "description": seminars[session.offering_id].description,
            "url": request.build_absolute_uri(seminars[session.offering_id].get_absolute_url()),
            "updated": session.updated_at,
        }
        for session in sessions
    ]


def _map_point():
    """SQL: [longitude, latitude] of a session: its own, or else its municipality office's."""
    return Func(
        Round(Coalesce("longitude", "municipality__longitude"), COORDINATE_DECIMALS),
        Round(Coalesce("latitude", "municipality__latitude"), COORDINATE_DECIMALS),
        template="ARRAY[%(expressions)s]::float8[]",
        output_field=ArrayField(FloatField()),
    )


def seminar_features(queryset, *, kind: str = "seminar", now=None) -> list[dict]:
    """GeoJSON Point features of the venues of the upcoming sessions of ``queryset``'s seminars, in its order:
    one feature per seminar and venue. Only public facts. Two queries whatever the number of seminars."""
    english = (get_language() or "ja").startswith("en")
    seminars = {
        seminar.pk: (seminar.display_name, seminar.get_absolute_url())
        for seminar in queryset.select_related(None).only("pk", "title", "title_en")
    }
    if not seminars:
        return []
    rows = (
        upcoming_seminar_sessions(now)
        .filter(offering_id__in=list(seminars))
        .annotate(
            map_point=_map_point(),
            map_approximate=ExpressionWrapper(Q(latitude__isnull=True), output_field=BooleanField()),
        )
        .order_by("starts_at", "pk")
        .values_list("offering_id", "municipality__name", "municipality__name_en", "map_point", "map_approximate")
    )
    by_seminar: dict[int, dict[tuple, dict]] = {pk: {} for pk in seminars}
    for seminar_pk, municipality, municipality_en, point, approximate in rows:
        venues = by_seminar[seminar_pk]
        if tuple(point) in venues:  # several sessions at one venue: one marker
            continue
        name, url = seminars[seminar_pk]
        venues[tuple(point)] = {
            "type": "Feature",
            "id": f"{kind}-{seminar_pk}-{len(venues) + 1}",
            "geometry": {"type": "Point", "coordinates": point},
            "properties": {
                "kind": kind,
                "name": name,
                "municipality": (english and municipality_en) or municipality,
                "url": url,
                "approximate": approximate,
            },
        }
    return [feature for venues in by_seminar.values() for feature in venues.values()]
