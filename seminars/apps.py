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

    def home_sections(self, request) -> list[dict]:
        """What the home page shows of this app: the next three seminars."""
        from seminars.views import next_seminars

        return [{"template": "seminars/seminar_home_section.html", "seminars": next_seminars(3)}]

    def calendar_events(self, request) -> list[dict]:
        """The upcoming public sessions of published seminars, for /calendar.ics (portal.calendar)."""
        from seminars.views import calendar_events

        return calendar_events(request)

    def seed_demo(self, *, options, stdout) -> None:
        from seminars.demo import seed_demo_seminars
        from seminars.lecture_demo import seed_lectures_and_materials

        seed_demo_seminars(stdout=stdout)
        seed_lectures_and_materials(stdout)
