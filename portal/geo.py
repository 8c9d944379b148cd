"""Geography shared by every map and "near" filter: great-circle distances in SQL, GeoJSON, the map's layers.

The portal map (/map/) shows what the apps put on it. An app takes part through its AppConfig:

    class ProgrammesConfig(AppConfig):
        map_kinds = (("tour", _("Factory tours")),)  # kind slug, label

        def map_features(self, request, kind: str) -> MapLayer:
            ...  # the published things of that kind, filtered by the request's query with the kind's FilterSet

This module never imports an app: it finds them through the app registry.
"""

import json
import math
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import F, FloatField, Value
from django.db.models.functions import ASin, Cast, Cos, Radians, Sin, Sqrt
from django.utils.translation import gettext

EARTH_RADIUS_KM = 6371.0088


def distance_km(latitude: float, longitude: float, lat_expr, lng_expr):
    """SQL expression: haversine distance in km from (latitude, longitude) to each row's point.

    ``lat_expr``/``lng_expr`` are field names or expressions (e.g. a Coalesce of the row's own point and
    its municipality's office).
    """
    row_lat = Radians(Cast(F(lat_expr) if isinstance(lat_expr, str) else lat_expr, FloatField()))
    row_lng = Radians(Cast(F(lng_expr) if isinstance(lng_expr, str) else lng_expr, FloatField()))
    half_dlat = (row_lat - Value(math.radians(float(latitude)))) / Value(2.0)
    half_dlng = (row_lng - Value(math.radians(float(longitude)))) / Value(2.0)
    chord = Sin(half_dlat) * Sin(half_dlat) + Value(math.cos(math.radians(float(latitude)))) * Cos(row_lat) * Sin(
        half_dlng
    ) * Sin(half_dlng)
    return Value(2 * EARTH_RADIUS_KM, output_field=FloatField()) * ASin(Sqrt(chord))


# --- GeoJSON (RFC 7946) ----------------------------------------------------------------------------

COORDINATE_DECIMALS = 6  # about 10 cm, as precise as the data


def point_feature(*, feature_id: str | int, longitude: float, latitude: float, properties: dict) -> dict:
    """A GeoJSON Point Feature: WGS84 coordinates in RFC 7946 order, [longitude, latitude]."""
    return {
        "type": "Feature",
        "id": feature_id,
        "geometry": {
            "type": "Point",
            "coordinates": [round(longitude, COORDINATE_DECIMALS), round(latitude, COORDINATE_DECIMALS)],
        },
        "properties": properties,
    }


def feature_collection(features) -> dict:
    """A FeatureCollection (no "crs" member: RFC 7946 GeoJSON is always WGS84)."""
    return {"type": "FeatureCollection", "features": list(features)}


def geojson_bytes(collection: dict) -> bytes:
    """Compact UTF-8 JSON: no spaces, Japanese text as is (half the size of \\u escapes)."""
    return json.dumps(collection, separators=(",", ":"), ensure_ascii=False).encode()


# --- The portal map: what the apps put on it -------------------------------------------------------


@dataclass
class MapLayer:
    """One kind of thing on the map, as an app's ``map_features`` returns it for a request."""

    kind: str
    label: str
    #: GeoJSON Features (``point_feature``), in the order of the kind's list page; their properties are
    #: ``kind``, ``name``, ``municipality``, ``url`` and ``approximate``, and nothing that is not public.
    features: list[dict]
    #: the kind's FilterSet (a portal.filtering.PortalFilterSet) bound to the request: the form, ignored values
    filter: object = None
    #: the names of that FilterSet's fields that the map page offers, in order
    form_fields: tuple[str, ...] = ()


@dataclass
class PortalMap:
    """The map for one request: the layers of the kinds asked for, and what the page needs to show them."""

    layers: list[MapLayer]
    kinds: list[dict] = field(default_factory=list)  # every kind on offer: slug, label, selected
    ignored_kinds: list[str] = field(default_factory=list)  # ?kind= values that are not a kind

    @property
    def features(self) -> list[dict]:
        return [feature for layer in self.layers for feature in layer.features]

    def geojson(self) -> bytes:
        return geojson_bytes(feature_collection(self.features))

    def form_fields(self) -> list:
        """The bound form fields of the layers' filters, each name once (the first layer's wins)."""
        seen, fields = set(), []
        for layer in self.layers:
            for name in layer.form_fields:
                if name not in seen and layer.filter is not None:
                    seen.add(name)
                    fields.append(layer.filter.form[name])
        return fields

    def ignored(self) -> list[dict]:
        """Every parameter whose value was ignored (as PortalFilterSet.ignored), each name once."""
        items = {}
        for layer in self.layers:
            for item in layer.filter.ignored() if layer.filter is not None else ():
                items.setdefault(item["name"], item)
        if self.ignored_kinds:
            items["kind"] = {
                "name": "kind",
                "label": gettext("Kind"),
                "value": ", ".join(self.ignored_kinds),
                "message": gettext("There is no such kind on the map."),
            }
        return list(items.values())

    def active(self) -> list[dict]:
        """The applied filters as removable chips (as PortalFilterSet.active), each name once."""
        chips = {}
        for layer in self.layers:
            for chip in layer.filter.active() if layer.filter is not None else ():
                chips.setdefault(chip["name"], chip)
        return list(chips.values())


def map_kinds() -> dict[str, tuple[str, object]]:
    """Every kind that an app puts on the map: slug -> (label, the app's config), in INSTALLED_APPS order."""
    return {
        slug: (label, config)
        for config in apps.get_app_configs()
        if hasattr(config, "map_features")
        for slug, label in getattr(config, "map_kinds", ())
    }


def portal_map(request) -> PortalMap:
    """The layers for ``?kind=`` (every kind when none is given or none is known), filtered by the query.

    Unknown kinds are ignored and reported, like any other bad filter value: the map shows what it can.
    """
    available = map_kinds()
    asked = [value for value in request.GET.getlist("kind") if value]
    wanted = [slug for slug in available if slug in asked] or list(available)
    layers = [config.map_features(request, slug) for slug, (_label, config) in available.items() if slug in wanted]
    return PortalMap(
        layers=layers,
        kinds=[
            {"slug": slug, "label": label, "selected": slug in asked} for slug, (label, _config) in available.items()
        ],
        ignored_kinds=[value for value in asked if value not in available],
    )
