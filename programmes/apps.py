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
    portal_nav = (("programmes:tour-list", _("Factory tours")),)

    # Kinds this app puts on the portal map (slug, label), collected by portal.geo.portal_map.
    map_kinds = (("tour", _("Factory tours")),)
    # The filters that the map page offers for tours: a compact subset of the /tours/ form.
    map_filter_fields = ("q", "subprefecture", "industry", "group_size", "month", "bus_parking")

    def map_features(self, request, kind: str):
        """The published tours filtered by the request's query exactly as /tours/ filters them (the same
        FilterSet), as a portal.geo.MapLayer: their GeoJSON features and the FilterSet for the map's form."""
        from portal.geo import MapLayer
        from programmes.selectors import tour_features
        from programmes.views import filtered_tours

        tour_filter = filtered_tours(request)
        return MapLayer(
            kind=kind,
            label=str(dict(self.map_kinds)[kind]),
            features=tour_features(tour_filter.qs, kind=kind),
            filter=tour_filter,
            form_fields=self.map_filter_fields,
        )

    def home_sections(self, request) -> list[dict]:
        """What the home page shows of this app: the tour search and a few recently confirmed tours."""
        from programmes.filters import FactoryTourFilter
        from programmes.models import FactoryTour

        featured = FactoryTour.objects.published().featured()[:3]
        return [
            {
                "template": "programmes/_home_tours.html",
                "form": FactoryTourFilter(queryset=FactoryTour.objects.none()).form,
                "tours": list(featured.select_related("municipality__subprefecture")),
            }
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

    def seed_demo(self, *, options, stdout) -> None:
        from programmes.demo import seed_demo_tours

        seed_demo_tours(generated=options.get("tours") or 0, stdout=stdout)

    def opendata_datasets(self) -> list:
        """The datasets this app offers on /opendata/ (portal.opendata.Dataset): the published tours."""
        from programmes.opendata import factory_tour_dataset

        return [factory_tour_dataset()]
