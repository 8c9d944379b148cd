import argparse

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _count(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return number


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = _("Programmes")
    # Header navigation entries (URL name, label), collected by portal.context_processors.
    portal_nav = (("programmes:tour-list", _("Factory tours")), ("programmes:event-list", _("Experience events")))

    # Kinds this app puts on the portal map (slug, label), collected by portal.geo.portal_map.
    map_kinds = (("tour", _("Factory tours")), ("event", _("Experience events")))
    # The filters that the map page offers for tours: a compact subset of the /tours/ form.
    map_filter_fields = ("q", "subprefecture", "industry", "group_size", "month", "bus_parking")
    # … and for events: the /events/ form without the municipality select.
    event_map_filter_fields = ("q", "subprefecture", "audience", "from", "to", "available")

    def map_features(self, request, kind: str):
        """The published tours (or events: their upcoming sessions' venues) filtered by the request's query
        exactly as /tours/ (/events/) filters them (the same FilterSet), as a portal.geo.MapLayer: their GeoJSON
        features and the FilterSet for the map's form."""
        from portal.geo import MapLayer
        from programmes.selectors import event_features, tour_features
        from programmes.views import filtered_tours

        if kind == "event":
            from programmes.event_views import filtered_events

            event_filter = filtered_events(request)
            return MapLayer(
                kind=kind,
                label=str(dict(self.map_kinds)[kind]),
                features=event_features(event_filter.qs, kind=kind, now=event_filter.now),
                filter=event_filter,
                form_fields=self.event_map_filter_fields,
            )
        tour_filter = filtered_tours(request)
        return MapLayer(
            kind=kind,
            label=str(dict(self.map_kinds)[kind]),
            features=tour_features(tour_filter.qs, kind=kind),
            filter=tour_filter,
            form_fields=self.map_filter_fields,
        )

    def coverage_places(self) -> list:
        """What the staff coverage report (portal.reports.coverage) names as nearest to a municipality no
        programme reached: the published tours (read off their KNN index) and the venues of the upcoming
        sessions of published experience events."""
        from portal.reports.coverage import PlaceSource, places_from_features
        from programmes.models import ExperienceEvent, FactoryTour
        from programmes.selectors import event_features

        return [
            PlaceSource(kind="tour", label=_("Factory tour"), indexed_model=FactoryTour),
            PlaceSource(
                kind="event",
                label=_("Experience event"),
                places=lambda: places_from_features(event_features(ExperienceEvent.objects.published())),
            ),
        ]

    def home_sections(self, request) -> list[dict]:
        """What the home page shows of this app: the tour search with a few recently confirmed tours, and the
        next experience events."""
        from programmes.event_views import next_events
        from programmes.filters import FactoryTourFilter
        from programmes.models import FactoryTour

        featured = FactoryTour.objects.published().featured()[:3]
        return [
            {
                "template": "programmes/_home_tours.html",
                "form": FactoryTourFilter(queryset=FactoryTour.objects.none()).form,
                "tours": list(featured.select_related("municipality__subprefecture")),
            },
            {"template": "programmes/_home_events.html", "events": next_events(3)},
        ]

    def add_demo_arguments(self, parser) -> None:
        parser.add_argument(
            "--tours",
            type=_count,
            default=0,
            metavar="N",
            help=(
                "Top the generated factory tours (for benchmarks) up to N. The 29 real demo tours are always "
                "loaded and come on top."
            ),
        )

    def report_sources(self) -> list:
        """What the staff reports (portal.reports) count of this app: the school visits to factory tours (requests
        of kind tour) and the experience events (their sessions), with their funding schemes."""
        from portal.choices import EnquiryKind
        from portal.reports import ENQUIRIES, ReportProgramme
        from programmes.models import ExperienceEvent, FactoryTour

        return [
            ReportProgramme(
                label=_("Factory tours (school visits)"),
                model=FactoryTour,
                held_by=ENQUIRIES,
                enquiry_kind=EnquiryKind.TOUR,
                funding_scheme_field="funding_scheme",
            ),
            ReportProgramme(label=_("Experience events"), model=ExperienceEvent, funding_scheme_field="funding_scheme"),
        ]

    def seed_demo(self, *, options, stdout) -> None:
        from programmes.demo import seed_demo_tours
        from programmes.event_demo import seed_demo_events

        seed_demo_tours(generated=options.get("tours") or 0, stdout=stdout)
        seed_demo_events(stdout=stdout)

    def calendar_events(self, request) -> list[dict]:
        """The upcoming public sessions of published experience events, for /calendar.ics (portal.calendar)."""
        from programmes.event_views import calendar_events

        return calendar_events(request)

    def api_routes(self) -> list:
        """The endpoints this app adds to the read-only API (portal.api): (URL prefix, viewset, basename)."""
        from programmes.api import ExperienceEventViewSet, FactoryTourViewSet

        return [("tours", FactoryTourViewSet, "tour"), ("events", ExperienceEventViewSet, "event")]

    def opendata_datasets(self) -> list:
        """What this app offers on /opendata/ (portal.opendata): the published tours as a Dataset, and the
        experience events as an EventSource of the core's events dataset (one row per session)."""
        from programmes.opendata import event_source, factory_tour_dataset

        return [factory_tour_dataset(), event_source()]
