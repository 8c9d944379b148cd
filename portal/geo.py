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
from django.core.paginator import Paginator
from django.db.models import BooleanField, FloatField
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext

EARTH_RADIUS_KM = 6371.0088


# --- Nearest first: a KNN index instead of sorting every row --------------------------------------
#
# A model that can be listed "nearest first" keeps its place as a unit vector in a ``place cube`` column
# (PostgreSQL's trusted ``cube`` extension), filled by a trigger from its own coordinates or, without them,
# its municipality office's, and indexed with GiST. Ordering by ``place <-> origin`` (the chord between two
# points of the unit sphere, which grows with the great-circle distance) is then read off the index: a
# page of the 20 nearest of 10,000 rows costs a fraction of a millisecond instead of a sort of them all.
# The column is PostgreSQL's own business (see ``place_trigger_sql``): Django models do not declare it.

NEAR_ORDER = "near_chord"


def unit_vector(latitude: float, longitude: float) -> list[float]:
    """The point on the unit sphere (x, y, z) of a WGS84 latitude/longitude, as the ``place`` column holds it."""
    lat, lng = math.radians(float(latitude)), math.radians(float(longitude))
    return [math.cos(lat) * math.cos(lng), math.cos(lat) * math.sin(lng), math.sin(lat)]


class PlaceChord(RawSQL):
    """SQL: the chord from each row's ``place`` to the origin; order by it to list nearest first."""

    def __init__(self, model, latitude: float, longitude: float):
        self.vector = unit_vector(latitude, longitude)
        self.table = model._meta.db_table
        super().__init__(f'"{self.table}"."place" <-> cube(%s::float8[])', (self.vector,), output_field=FloatField())


def chord_to_km(chord_sql: str) -> str:
    return f"{2 * EARTH_RADIUS_KM!r} * asin(least(1.0, ({chord_sql}) / 2.0))"


def near_annotations(model, latitude: float, longitude: float) -> dict:
    """Annotations for a "near" filter: ``near_chord`` (order by it: NEAR_ORDER) and ``distance`` in km."""
    chord = PlaceChord(model, latitude, longitude)
    return {
        NEAR_ORDER: chord,
        "distance": RawSQL(chord_to_km(chord.sql), chord.params, output_field=FloatField()),  # noqa: S611 (bound)
    }


def within_nearest(queryset, stop: int):
    """The queryset (ordered by NEAR_ORDER first) cut to its ``stop`` nearest rows and any tied with the last.

    Slicing ``[start:stop]`` of the result gives the same rows as slicing the queryset itself, but the
    database reads them off the KNN index: the ``stop``-th distance is found by an index scan, then only
    the rows inside that distance (a bounding cube, also off the index) are sorted with their tie-breakers.
    """
    order = queryset.query.order_by
    if stop <= 0 or not order or order[0] != NEAR_ORDER:
        return queryset
    chord = queryset.query.annotations[NEAR_ORDER]
    cutoff = queryset.order_by(NEAR_ORDER).values_list(NEAR_ORDER, flat=True)[stop - 1 : stop]
    cutoff = next(iter(cutoff), None)
    if cutoff is None:  # fewer rows than that: nothing to cut
        return queryset
    # every value is a bound parameter; the table name comes from the model
    inside = RawSQL(  # noqa: S611
        f'"{chord.table}"."place" <@ cube_enlarge(cube(%s::float8[]), %s, 3) AND ({chord.sql}) <= %s',
        (chord.vector, cutoff, *chord.params, cutoff),
        output_field=BooleanField(),
    )
    return queryset.filter(inside)


class NearestFirstPaginator(Paginator):
    """A Paginator whose pages of a nearest-first queryset are read off the KNN index (``within_nearest``)."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(within_nearest(self.object_list, top)[bottom:top], number, self)


def place_trigger_sql(table: str, municipality_column: str = "municipality_id") -> tuple[list[str], list[str]]:
    """SQL (forward, reverse) that adds the ``place`` column to ``table``, keeps it filled and indexes it.

    The place is the row's own latitude/longitude or, when they are empty, its municipality office's. The
    KNN index is partial: only published rows are ever listed nearest first.
    """
    function = f"{table}_place"
    # table and column names from migrations, never from input
    forward = [
        f"ALTER TABLE {table} ADD COLUMN place cube",
        f"""CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE lat float8; lng float8;
        BEGIN
            IF NEW.latitude IS NOT NULL AND NEW.longitude IS NOT NULL THEN
                lat := NEW.latitude; lng := NEW.longitude;
            ELSE
                SELECT m.latitude, m.longitude INTO lat, lng FROM portal_municipality m
                WHERE m.code = NEW.{municipality_column};
            END IF;
            NEW.place := cube(ARRAY[cos(radians(lat)) * cos(radians(lng)),
                                    cos(radians(lat)) * sin(radians(lng)),
                                    sin(radians(lat))]);
            RETURN NEW;
        END $$""",  # noqa: S608
        f"""CREATE TRIGGER {function} BEFORE INSERT OR UPDATE OF latitude, longitude, {municipality_column}
        ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()""",
        f"UPDATE {table} SET latitude = latitude",  # noqa: S608
        f"CREATE INDEX {table}_place_knn ON {table} USING gist (place) WHERE status = 'published'",
    ]
    reverse = [
        f"DROP TRIGGER {function} ON {table}",
        f"DROP FUNCTION {function}()",
        f"ALTER TABLE {table} DROP COLUMN place",
    ]
    return forward, reverse


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
