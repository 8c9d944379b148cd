"""Public pages of the experience events: /events/, /events/<id>/, /events/pdf/, /events/<id>/flyer.pdf."""

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from portal import pdf
from programmes.event_filters import ExperienceEventFilter, by_next_session, upcoming_event_sessions
from programmes.models import ExperienceEvent

EVENTS_PER_PAGE = 20
#: The most events one PDF prints; the PDF says when the list was cut there.
PDF_MAX_EVENTS = 300


def with_upcoming_sessions(queryset, now=None):
    """Each event's upcoming sessions as ``event.upcoming_sessions``, in one query for the whole page."""
    sessions = upcoming_event_sessions(now).select_related("municipality")
    return queryset.prefetch_related(Prefetch("sessions", queryset=sessions, to_attr="upcoming_sessions"))


def filtered_events(request, now=None) -> ExperienceEventFilter:
    """The published events filtered by the request's query: shared by the list, the PDF and the map."""
    queryset = ExperienceEvent.objects.published().select_related("provider").defer("search_folded")
    return ExperienceEventFilter(request.GET, queryset=queryset, request=request, now=now)


def event_list(request):
    now = timezone.now()
    event_filter = filtered_events(request, now)
    page = Paginator(with_upcoming_sessions(event_filter.qs, now), EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "programmes/event_list.html",
        {"filter": event_filter, "page": page, "events": page.object_list},
    )


def _published_event(pk: int) -> ExperienceEvent:
    queryset = ExperienceEvent.objects.published().select_related("provider", "funding_scheme")
    return get_object_or_404(with_upcoming_sessions(queryset), pk=pk)


def event_detail(request, pk: int):
    event = _published_event(pk)
    return render(request, "programmes/event_detail.html", {"event": event})


def event_pdf(request):
    """/events/pdf/: the same filtered list as /events/ with every upcoming session, as an A4 PDF."""
    now = timezone.now()
    event_filter = filtered_events(request, now)
    return pdf.list_pdf_response(
        request,
        "programmes/pdf/event_list.html",
        filterset=event_filter,
        items=with_upcoming_sessions(event_filter.qs, now),
        max_items=PDF_MAX_EVENTS,
        title=gettext("Experience events"),
        filename=pdf.pdf_filename("experience-events"),
    )


def event_flyer(request, pk: int):
    """/events/<id>/flyer.pdf: an A4 flyer for school notice boards, with a QR code to the event's page."""
    event = _published_event(pk)
    url = request.build_absolute_uri(reverse("programmes:event-detail", args=[event.pk]))
    return pdf.pdf_response(
        request,
        "programmes/pdf/event_flyer.html",
        {"event": event, "qr": pdf.qr_png_data_uri(url, scale=6), "url": url},
        title=event.display_name,
        filename=pdf.pdf_filename(f"event-{event.pk}-flyer"),
    )


def next_events(count: int) -> list[ExperienceEvent]:
    """The ``count`` published events whose next session comes first (for the home page)."""
    now = timezone.now()
    events = ExperienceEvent.objects.published().select_related("provider").defer("search_folded")
    return list(with_upcoming_sessions(by_next_session(events, now=now), now)[:count])


def calendar_events(request) -> list[dict]:
    """Every upcoming scheduled session of a published event, as portal.calendar VEVENT dicts."""
    now = timezone.now()
    published = ExperienceEvent.objects.published().values("pk")
    sessions = (
        upcoming_event_sessions(now)
        .filter(offering_id__in=published)
        .select_related("municipality")
        .order_by("starts_at", "pk")
    )
    events = {
        event.pk: event
        for event in ExperienceEvent.objects.filter(pk__in={session.offering_id for session in sessions}).only(
            "pk", "title", "title_en", "description"
        )
    }
    host = request.get_host().split(":")[0]
    return [
        {
            "uid": f"event-session-{session.pk}@{host}",
            "start": session.starts_at,
            "end": session.ends_at,
            "summary": events[session.offering_id].display_name + (f"（{session.label}）" if session.label else ""),
            "location": f"{session.venue_name}（{session.municipality.name}{session.address}）",
            "description": events[session.offering_id].description,
            "url": request.build_absolute_uri(events[session.offering_id].get_absolute_url()),
            "updated": session.updated_at,
        }
        for session in sessions
    ]
