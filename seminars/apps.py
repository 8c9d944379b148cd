from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SeminarsConfig(AppConfig):
    name = "seminars"
    verbose_name = _("Seminars")
    # Header navigation entries (URL name, label), collected by portal.context_processors.
    portal_nav = (("seminars:seminar-list", _("Seminars")), ("seminars:lecture-list", _("Outreach lectures")))

    # Kinds this app puts on the portal map (slug, label), collected by portal.geo.portal_map.
    map_kinds = (("seminar", _("Seminars")),)
    # The filters that the map page offers for seminars: the /seminars/ form without ?kind= (on the map,
    # ?kind= chooses the layers).
    map_filter_fields = ("q", "subprefecture", "audience", "from", "to", "available")

    def map_features(self, request, kind: str):
        """The venues of the upcoming sessions of the published seminars, filtered by the request's query as
        /seminars/ filters them (the same FilterSet, without its ?kind=), as a portal.geo.MapLayer."""
        from portal.geo import MapLayer
        from seminars.views import filtered_seminars, seminar_features

        data = request.GET.copy()
        data.pop("kind", None)
        seminar_filter = filtered_seminars(request, data=data)
        return MapLayer(
            kind=kind,
            label=str(dict(self.map_kinds)[kind]),
            features=seminar_features(seminar_filter.qs, kind=kind, now=seminar_filter.now),
            filter=seminar_filter,
            form_fields=self.map_filter_fields,
        )

    def coverage_places(self) -> list:
        """What the staff coverage report (portal.reports.coverage) names as nearest to a municipality no
        programme reached: the venues of the upcoming sessions of published seminars."""
        from portal.reports.coverage import PlaceSource, places_from_features
        from seminars.models import Seminar
        from seminars.views import seminar_features

        return [
            PlaceSource(
                kind="seminar",
                label=_("Seminar"),
                places=lambda: places_from_features(seminar_features(Seminar.objects.published())),
            )
        ]

    def home_sections(self, request) -> list[dict]:
        """What the home page shows of this app: the next three seminars."""
        from seminars.views import next_seminars

        return [{"template": "seminars/seminar_home_section.html", "seminars": next_seminars(3)}]

    def calendar_events(self, request) -> list[dict]:
        """The upcoming public sessions of published seminars, for /calendar.ics (portal.calendar)."""
        from seminars.views import calendar_events

        return calendar_events(request)

    def api_routes(self) -> list:
        """The endpoints this app adds to the read-only API (portal.api): (URL prefix, viewset, basename)."""
        from seminars.api import LectureOfferViewSet, SeminarViewSet

        return [("seminars", SeminarViewSet, "seminar"), ("lectures", LectureOfferViewSet, "lecture")]

    def report_sources(self) -> list:
        """What the staff reports (portal.reports) count of this app: the seminars' sessions, one row per kind of
        seminar, with their funding schemes, and the outreach lectures given at schools (requests of kind lecture)."""
        from portal.choices import EnquiryKind
        from portal.reports import ENQUIRIES, ReportProgramme
        from seminars.models import LectureOffer, Seminar

        return [
            ReportProgramme(
                label=_("Seminars"), model=Seminar, funding_scheme_field="funding_scheme", variant_field="kind"
            ),
            ReportProgramme(
                label=_("Outreach lectures"), model=LectureOffer, held_by=ENQUIRIES, enquiry_kind=EnquiryKind.LECTURE
            ),
        ]

    def seed_demo(self, *, options, stdout) -> None:
        from seminars.demo import seed_demo_seminars
        from seminars.lecture_demo import seed_lectures_and_materials

        seed_demo_seminars(stdout=stdout)
        seed_lectures_and_materials(stdout)

    def opendata_datasets(self) -> list:
        """What this app offers on /opendata/ (portal.opendata): the published seminars as an EventSource of the
        core's events dataset (one row per session)."""
        from seminars.opendata import seminar_source

        return [seminar_source()]
