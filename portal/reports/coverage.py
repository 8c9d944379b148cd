"""Where the programmes reached in a fiscal year: a dot map of Hokkaido's 179 municipalities, the table of
them all, and for every municipality nothing reached, the nearest places a school there could turn to.

    coverage = build_coverage({"011002": 12, "011011": 3, "012084": 1, …})  # code → programmes that reached it
    coverage.svg          # the map (inline SVG, accessible, prints in grayscale)
    coverage.rows         # the 179 municipalities with their count, by subprefecture then code
    coverage.unreached    # [(Municipality, [Nearest(kind, kind_label, name, url, distance_km), …]), …]

Sapporo's wards are folded into the city, so the map shows the 179 local governments (市町村); unknown
codes are ignored. The map has no boundary polygons (the project holds none): each municipality is a dot
at its office, on a schematic coastline drawn from a few dozen points for orientation only.

The nearest places come from the apps, which this module never imports. An app takes part through its
AppConfig:

    class ProgrammesConfig(AppConfig):
        def coverage_places(self) -> list[PlaceSource]:
            return [PlaceSource(kind="tour", label=_("Factory tour"), indexed_model=FactoryTour), …]

A source is either a listing model with the KNN ``place`` column (portal.geo.place_trigger_sql): the nearest
published row to every unreached municipality is read off the index in ONE query (a LATERAL join, so 10,000
tours cost no more than 100), plus one to load those rows; or a callable returning a few hundred ``Place``
(event venues, advisors), measured in Python with the haversine formula. Queries: one for the municipalities,
then a fixed number per source (2 per indexed model, whatever the callable makes), none per municipality.
"""

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from portal.choices import ListingStatus
from portal.geo import EARTH_RADIUS_KM, unit_vector
from portal.models import Municipality
from portal.reports.charts import FONT_FAMILY, element_id, text_width

# --- What the apps offer ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """Something public at a point: its public name and page (no personal data: an advisor is its card)."""

    name: str
    url: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class PlaceSource:
    """One kind of place an app offers as "nearest": either ``indexed_model`` (a listing model whose
    published rows have the KNN ``place`` column; each row shows its ``display_name`` and links to its
    ``get_absolute_url()``), or ``places``, a callable returning the places (a few hundred at most)."""

    kind: str
    label: str
    indexed_model: type | None = None
    places: Callable[[], Iterable[Place]] | None = None


@dataclass(frozen=True)
class Nearest:
    """The nearest place of one kind to a municipality's office, as the crow flies."""

    kind: str
    kind_label: str
    name: str
    url: str
    distance_km: float

    @property
    def distance_display(self) -> str:
        """0.4 km, 8.2 km, 35 km: a decimal only where it tells something."""
        km = f"{self.distance_km:.1f}" if self.distance_km < 10 else f"{self.distance_km:.0f}"
        return gettext("%(km)s km") % {"km": km}


def places_from_features(features: Iterable[dict]) -> list[Place]:
    """Places from GeoJSON Point features as portal.geo / the apps' map layers make them (name, url)."""
    return [
        Place(
            name=feature["properties"]["name"],
            url=feature["properties"]["url"],
            latitude=feature["geometry"]["coordinates"][1],
            longitude=feature["geometry"]["coordinates"][0],
        )
        for feature in features
    ]


def place_sources() -> list[PlaceSource]:
    """Every source the apps offer (AppConfig.coverage_places), in INSTALLED_APPS order."""
    return [
        source
        for config in apps.get_app_configs()
        if hasattr(config, "coverage_places")
        for source in config.coverage_places()
    ]


# --- Distances -------------------------------------------------------------------------------------


def haversine_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """The great-circle distance in km between two WGS84 points (on a sphere of the Earth's mean radius)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    half_dphi, half_dlambda = (phi2 - phi1) / 2, math.radians(lng2 - lng1) / 2
    a = math.sin(half_dphi) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlambda) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def nearest_places(origins: Mapping[str, tuple[float, float]], places: Iterable[Place]) -> dict[str, tuple]:
    """origin key → (the nearest Place, km), by the haversine formula; ties go to the first place given."""
    places = list(places)
    if not places:
        return {}
    # precomputed radians and cosines: 179 origins × a few hundred places stay well under 50 ms
    prepared = [
        (place, math.radians(place.latitude), math.radians(place.longitude), math.cos(math.radians(place.latitude)))
        for place in places
    ]
    result = {}
    for key, (latitude, longitude) in origins.items():
        phi1, lambda1 = math.radians(latitude), math.radians(longitude)
        cos1 = math.cos(phi1)
        best, best_a = None, 2.0
        for place, phi2, lambda2, cos2 in prepared:
            a = math.sin((phi2 - phi1) / 2) ** 2 + cos1 * cos2 * math.sin((lambda2 - lambda1) / 2) ** 2
            if a < best_a:
                best, best_a = place, a
        result[key] = (best, 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(best_a))))
    return result


def nearest_indexed(model, origins: Mapping[str, tuple[float, float]]) -> dict[str, tuple]:
    """origin key → (the nearest published row of ``model``, km), read off its KNN index in one query (a
    LATERAL join over the origins) and one more to load the rows; ties go to the lowest primary key."""
    if not origins:
        return {}
    keys = list(origins)
    vectors = [unit_vector(*origins[key]) for key in keys]
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    # Per origin: the nearest chord off the KNN index (an ORDER BY with a tie-breaker would not use it), then
    # the lowest primary key among the rows at that chord (a bounding cube, also off the index).
    # Names come from the model's metadata; every value is a bound parameter.
    sql = f"""
        SELECT origin.key, nearest.pk, best.chord
        FROM unnest(%s::text[], %s::float8[], %s::float8[], %s::float8[]) AS origin(key, x, y, z)
        CROSS JOIN LATERAL (SELECT cube(ARRAY[origin.x, origin.y, origin.z]) AS point) AS here
        CROSS JOIN LATERAL (
            SELECT row.place <-> here.point AS chord FROM {table} AS row
            WHERE row.status = %s ORDER BY row.place <-> here.point LIMIT 1
        ) AS best
        CROSS JOIN LATERAL (
            SELECT row.{pk} AS pk FROM {table} AS row
            WHERE row.status = %s AND row.place <@ cube_enlarge(here.point, best.chord, 3)
                AND (row.place <-> here.point) <= best.chord
            ORDER BY row.{pk} LIMIT 1
        ) AS nearest
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                keys,
                [v[0] for v in vectors],
                [v[1] for v in vectors],
                [v[2] for v in vectors],
                ListingStatus.PUBLISHED.value,
                ListingStatus.PUBLISHED.value,
            ],
        )
        found = cursor.fetchall()
    rows = model.objects.in_bulk({row_pk for _key, row_pk, _chord in found})
    return {
        key: (rows[row_pk], 2 * EARTH_RADIUS_KM * math.asin(min(1.0, chord / 2)))
        for key, row_pk, chord in found
        if row_pk in rows
    }


def nearest_by_source(source: PlaceSource, origins: Mapping[str, tuple[float, float]]) -> dict[str, Nearest]:
    label = str(source.label)
    if source.indexed_model is not None:
        return {
            key: Nearest(source.kind, label, str(row.display_name), row.get_absolute_url(), distance)
            for key, (row, distance) in nearest_indexed(source.indexed_model, origins).items()
        }
    return {
        key: Nearest(source.kind, label, str(place.name), place.url, distance)
        for key, (place, distance) in nearest_places(origins, source.places()).items()
    }


# --- Counts, classes and the result ----------------------------------------------------------------

#: (lowest, highest or None, radius, fill, stroke, stroke width): each class bigger and darker than the last,
#: so the map reads in grayscale; the blues are ColorBrewer's colour-blind-safe sequential "Blues". The
#: outline of every dot has at least 3:1 against the land and the sea (WCAG 1.4.11).
COUNT_CLASSES = (
    (0, 0, 3.6, "#ffffff", "#c2410c", 1.6),  # not reached: a hollow orange ring (5.2:1 on white)
    (1, 1, 4.6, "#c6dbef", "#1b1f24", 0.9),
    (2, 3, 5.8, "#6baed6", "#1b1f24", 0.9),
    (4, 6, 7.2, "#2171b5", "#1b1f24", 0.9),
    (7, None, 8.8, "#08306b", "#1b1f24", 0.9),
)


def count_class(count: int) -> int:
    for index, (low, high, *_style) in enumerate(COUNT_CLASSES):
        if count >= low and (high is None or count <= high):
            return index
    raise ValueError(count)


def class_label(index: int) -> str:
    low, high = COUNT_CLASSES[index][:2]
    if low == 0:
        return gettext("Not reached")
    if high is None:
        return gettext("%(count)d or more") % {"count": low}
    if low == high:
        return str(low)
    return f"{low}–{high}"


@dataclass(frozen=True)
class CoverageRow:
    """One of the 179 municipalities: its subprefecture and the number of programmes that reached it."""

    municipality: Municipality
    count: int

    @property
    def subprefecture(self):
        return self.municipality.subprefecture

    @property
    def code(self) -> str:
        return self.municipality.code

    @property
    def name(self) -> str:
        return self.municipality.display_name

    @property
    def count_class(self) -> int:
        return count_class(self.count)

    @property
    def class_label(self) -> str:
        return class_label(self.count_class)


@dataclass
class Coverage:
    svg: SafeString
    legend: list[tuple[str, str]]  # (label, fill colour), not reached first
    rows: list[CoverageRow]
    unreached: list[tuple[Municipality, list[Nearest]]]
    reached_count: int
    total: int
    kinds: list[tuple[str, str]] = field(default_factory=list)  # (kind, label) of the nearest places offered

    @property
    def unreached_count(self) -> int:
        return self.total - self.reached_count

    @property
    def unreached_by_subprefecture(self) -> list[dict]:
        """For the include: [{subprefecture, entries: [{municipality, cells}]}], each entry's cells aligned
        with ``kinds`` (None where an app offers no such place)."""
        groups: list[dict] = []
        for municipality, nearest in self.unreached:
            if not groups or groups[-1]["subprefecture"].pk != municipality.subprefecture_id:
                groups.append({"subprefecture": municipality.subprefecture, "entries": []})
            by_kind = {item.kind: item for item in nearest}
            groups[-1]["entries"].append(
                {"municipality": municipality, "cells": [by_kind.get(kind) for kind, _label in self.kinds]}
            )
        return groups

    @property
    def by_subprefecture(self) -> list[dict]:
        """Reached / total per subprefecture, in the rows' order."""
        groups: list[dict] = []
        for row in self.rows:
            if not groups or groups[-1]["subprefecture"].pk != row.subprefecture.pk:
                groups.append({"subprefecture": row.subprefecture, "reached": 0, "total": 0})
            groups[-1]["total"] += 1
            groups[-1]["reached"] += row.count > 0
        return groups


def build_coverage(counts: Mapping[str, int], *, sources: list[PlaceSource] | None = None) -> Coverage:
    """The coverage of a year from ``counts`` (municipality code → programmes that reached it); wards count
    for their city, unknown codes are ignored, a negative count is a ValueError. ``sources`` defaults to
    what the apps offer (``place_sources()``)."""
    everyone = list(Municipality.objects.select_related("subprefecture").order_by("subprefecture__sort_order", "code"))
    city_of = {m.code: (m.parent_id or m.code) for m in everyone}
    totals: dict[str, int] = {}
    for code, count in counts.items():
        if count < 0:
            raise ValueError(f"{code}: a negative number of programmes ({count})")
        city = city_of.get(str(code))
        if city is not None:
            totals[city] = totals.get(city, 0) + int(count)
    municipalities = [m for m in everyone if m.parent_id is None]
    rows = [CoverageRow(municipality=m, count=totals.get(m.code, 0)) for m in municipalities]

    if sources is None:
        sources = place_sources()
    unreached_municipalities = [row.municipality for row in rows if row.count == 0]
    origins = {m.code: (float(m.latitude), float(m.longitude)) for m in unreached_municipalities}
    found = [nearest_by_source(source, origins) for source in sources] if origins else []
    unreached = [(m, [by_code[m.code] for by_code in found if m.code in by_code]) for m in unreached_municipalities]
    reached = sum(1 for row in rows if row.count > 0)
    return Coverage(
        svg=coverage_map(rows, reached=reached),
        legend=[(class_label(index), style[3]) for index, style in enumerate(COUNT_CLASSES)],
        rows=rows,
        unreached=unreached,
        reached_count=reached,
        total=len(rows),
        kinds=[(source.kind, str(source.label)) for source in sources],
    )


# --- The map ---------------------------------------------------------------------------------------

# A schematic coastline of Hokkaido, (latitude, longitude) clockwise from Cape Soya, and the islands with a
# municipality of their own (Rebun, Rishiri, Okushiri): a few dozen points entered by hand, for orientation.
MAINLAND = (
    (45.523, 141.936), (45.45, 142.02), (45.33, 142.14), (45.15, 142.35), (44.94, 142.59), (44.72, 142.80),
    (44.57, 142.97), (44.36, 143.36), (44.25, 143.60), (44.18, 143.80), (44.12, 144.10), (44.03, 144.26),
    (43.96, 144.45), (43.92, 144.67), (44.07, 144.99), (44.20, 145.15), (44.35, 145.33), (44.22, 145.32),
    (44.02, 145.20), (43.82, 145.10), (43.66, 145.13), (43.52, 145.22), (43.40, 145.13), (43.33, 145.35),
    (43.35, 145.58), (43.385, 145.82), (43.30, 145.74), (43.24, 145.55), (43.17, 145.50), (43.10, 145.25),
    (43.05, 145.12), (43.00, 144.87), (42.98, 144.70), (42.97, 144.38), (42.93, 144.10), (42.85, 143.85),
    (42.66, 143.62), (42.45, 143.42), (42.28, 143.33), (42.08, 143.25), (41.93, 143.25), (42.03, 143.10),
    (42.12, 142.93), (42.16, 142.77), (42.33, 142.37), (42.48, 142.05), (42.56, 141.85), (42.63, 141.60),
    (42.55, 141.36), (42.41, 141.10), (42.30, 140.95), (42.40, 140.88), (42.52, 140.74), (42.55, 140.55),
    (42.50, 140.37), (42.35, 140.30), (42.25, 140.28), (42.12, 140.57), (42.03, 140.82), (41.95, 141.05),
    (41.81, 141.18), (41.74, 141.05), (41.77, 140.85), (41.75, 140.70), (41.82, 140.62), (41.70, 140.45),
    (41.68, 140.43), (41.55, 140.33), (41.48, 140.25), (41.40, 140.20), (41.41, 140.08), (41.50, 140.02),
    (41.65, 140.05), (41.87, 140.12), (42.00, 140.12), (42.12, 139.98), (42.30, 139.85), (42.45, 139.83),
    (42.60, 139.95), (42.70, 140.04), (42.80, 140.20), (42.98, 140.48), (43.13, 140.40), (43.33, 140.34),
    (43.38, 140.47), (43.31, 140.62), (43.20, 140.78), (43.21, 141.00), (43.16, 141.22), (43.23, 141.35),
    (43.40, 141.43), (43.60, 141.38), (43.85, 141.52), (43.95, 141.63), (44.10, 141.66), (44.32, 141.66),
    (44.36, 141.70), (44.55, 141.76), (44.72, 141.78), (44.88, 141.74), (45.10, 141.62), (45.25, 141.62),
    (45.40, 141.65), (45.42, 141.75), (45.45, 141.85),
)  # fmt: skip
ISLANDS = (
    ((45.45, 141.03), (45.40, 141.07), (45.30, 141.07), (45.27, 141.03), (45.33, 140.97), (45.42, 140.97)),
    ((45.27, 141.24), (45.22, 141.33), (45.13, 141.32), (45.09, 141.22), (45.14, 141.13), (45.23, 141.14)),
    ((42.25, 139.53), (42.17, 139.56), (42.06, 139.46), (42.10, 139.42), (42.20, 139.43)),
)

MAP_WIDTH = 800
MAP_MARGIN = 14
WEST, EAST, SOUTH, NORTH = 139.3, 145.95, 41.32, 45.62
_K = math.cos(math.radians((SOUTH + NORTH) / 2))  # equirectangular, scaled at the mid latitude
_SCALE = (MAP_WIDTH - 2 * MAP_MARGIN) / ((EAST - WEST) * _K)
MAP_HEIGHT = round((NORTH - SOUTH) * _SCALE + 2 * MAP_MARGIN)

SEA, LAND, COAST = "#eaf1f7", "#ffffff", "#8c9bab"
LABEL, HALO = "#4a5561", "#ffffff"
LABEL_SIZE = 15  # 12 px when the 800-wide map is printed 640 px wide (an A4 column)
TEXT_SIZE = 15


def project(latitude: float, longitude: float) -> tuple[float, float]:
    """(x, y) in the map's viewBox."""
    return (
        MAP_MARGIN + (float(longitude) - WEST) * _K * _SCALE,
        MAP_MARGIN + (NORTH - float(latitude)) * _SCALE,
    )


def _path(points) -> str:
    return "M" + " L".join("{:.1f},{:.1f}".format(*project(lat, lng)) for lat, lng in points) + " Z"


def _halo_text(x: float, y: float, text: str, *, size: int, fill: str, anchor: str = "middle", bold=False) -> str:
    """Text with a white halo (drawn twice: a stroked copy under it), legible over dots and the coast."""
    weight = ' font-weight="bold"' if bold else ""
    attrs = f'x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}"{weight}'
    return (
        f'<text {attrs} fill="{HALO}" stroke="{HALO}" stroke-width="3.5" stroke-linejoin="round" '
        f'aria-hidden="true">{escape(text)}</text><text {attrs} fill="{fill}">{escape(text)}</text>'
    )


def _legend(x: float, y: float) -> tuple[list[str], tuple]:
    """The legend anchored at its top-right corner (x, y): its SVG and its box (left, top, right, bottom)."""
    title = gettext("Programmes that reached it")
    rows = [class_label(index) for index in range(len(COUNT_CLASSES))]
    width = max(text_width(title, TEXT_SIZE), *(text_width(r, TEXT_SIZE) + 30 for r in rows)) + 26
    height = 34 + 24 * len(rows) + 4
    x -= width  # anchored at its top-right corner
    parts = [
        '<g class="coverage-legend">',
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height}" rx="6" fill="#ffffff" '
        f'stroke="{COAST}" stroke-width="1"/>',
        f'<text x="{x + 12:.1f}" y="{y + 22:.1f}" font-size="{TEXT_SIZE}" font-weight="bold" fill="#1b1f24">'
        f"{escape(title)}</text>",
    ]
    for index, (_low, _high, radius, fill, stroke, stroke_width) in enumerate(COUNT_CLASSES):
        cy = y + 42 + 24 * index
        parts.append(
            f'<circle cx="{x + 22:.1f}" cy="{cy:.1f}" r="{radius}" fill="{fill}" stroke="{stroke}" '
            f'stroke-width="{stroke_width}"/>'
        )
        parts.append(
            f'<text x="{x + 40:.1f}" y="{cy + 5:.1f}" font-size="{TEXT_SIZE}" fill="#1b1f24">'
            f"{escape(rows[index])}</text>"
        )
    parts.append("</g>")
    return parts, (x, y, x + width, y + height)


def _corner_notes(summary: str) -> tuple[list[str], tuple]:
    """In the empty Pacific corner: the summary in words, a 100 km scale bar and what the dots are."""
    right, bottom = MAP_WIDTH - MAP_MARGIN - 6, MAP_HEIGHT - MAP_MARGIN - 6
    bar = 100 / (math.pi * EARTH_RADIUS_KM / 180) * _SCALE  # 100 km north–south, as the projection keeps it
    note = gettext("Dots at the municipal offices; coastline simplified.")
    lines = _wrap(summary, TEXT_SIZE + 1, 300)
    top = bottom - 60 - 20 * len(lines)
    parts = ['<g class="coverage-notes">']
    for index, line in enumerate(lines):
        parts.append(
            f'<text x="{right:.1f}" y="{top + 16 + index * 20:.1f}" font-size="{TEXT_SIZE + 1}" '
            f'font-weight="bold" text-anchor="end" fill="#1b1f24">{escape(line)}</text>'
        )
    parts += [
        f'<path d="M{right - bar:.1f},{bottom - 34:.1f} v6 H{right:.1f} v-6" fill="none" stroke="#1b1f24" '
        'stroke-width="1.5"/>',
        f'<text x="{right - bar / 2:.1f}" y="{bottom - 36:.1f}" font-size="13" text-anchor="middle" '
        f'fill="#1b1f24">100 km</text>',
        f'<text x="{right:.1f}" y="{bottom:.1f}" font-size="13" text-anchor="end" fill="{LABEL}">{escape(note)}</text>',
        "</g>",
    ]
    width = max(bar, text_width(note, 13), *(text_width(line, TEXT_SIZE + 1) for line in lines))
    return parts, (right - width, top, right, bottom + 4)


def _wrap(text: str, size: float, width: float) -> list[str]:
    """``text`` in lines no wider than ``width`` (at spaces, or anywhere in Japanese text)."""
    lines, line = [], ""
    for word in text.split(" ") if " " in text else list(text):
        candidate = f"{line} {word}" if line and " " in text else line + word
        if line and text_width(candidate, size) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return [*lines, line] if line else lines


def _inside(x: float, y: float, polygon: list[tuple[float, float]]) -> bool:
    """Whether (x, y) lies inside ``polygon`` (even-odd rule, a ray to the right)."""
    inside = False
    for (x1, y1), (x2, y2) in zip(polygon, polygon[1:] + polygon[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


REACH = 95  # how far (viewBox units) a subprefecture's label may move from the middle of its dots


def region_labels(rows: list[CoverageRow], reserved=()) -> list[tuple[str, float, float]]:
    """(name, x, y) of each subprefecture's label: the spot nearest the middle of its municipalities' dots
    that covers no dot (of the biggest size, so the places do not move with the year's counts), no label
    placed before it and no ``reserved`` box (left, top, right, bottom), and is closer to one of its own
    municipalities than to any other's: on land if there is such a spot nearby, else in the sea next to it,
    else the middle itself."""
    land = [project(lat, lng) for lat, lng in MAINLAND]
    dots = [project(row.municipality.latitude, row.municipality.longitude) for row in rows]
    clearance = COUNT_CLASSES[-1][2] + 1.5
    clearance_squared = clearance**2
    owners = [row.subprefecture.pk for row in rows]
    groups: dict[int, list] = {}
    for row, dot in zip(rows, dots, strict=True):
        groups.setdefault(row.subprefecture.pk, [row.subprefecture, []])[1].append(dot)

    owned = [(px, py, owner) for (px, py), owner in zip(dots, owners, strict=True)]

    def nearest_owner(x: float, y: float) -> int:
        best, found = math.inf, None
        for px, py, owner in owned:
            distance = (px - x) ** 2 + (py - y) ** 2
            if distance < best:
                best, found = distance, owner
        return found

    def apart(box, other, gap: float = 12) -> bool:
        return box[2] + gap < other[0] or box[0] > other[2] + gap or box[3] + gap < other[1] or box[1] > other[3] + gap

    offsets = sorted(
        ((dx, dy) for dx in range(-REACH, REACH + 1, 5) for dy in range(-REACH, REACH + 1, 5)),
        key=lambda d: d[0] ** 2 + d[1] ** 2,
    )
    placed: list[tuple[float, float, float, float]] = list(reserved)
    labels = []
    for subprefecture, points in groups.values():
        name = str(subprefecture.short_name)
        half_width, half_height = text_width(name, LABEL_SIZE) / 2 + 2, LABEL_SIZE * 0.6
        cx = sum(p[0] for p in points) / len(points)
        cy = sum(p[1] for p in points) / len(points)
        # only the dots within reach can be in the way (a fraction of them: fast)
        near = [
            (px, py)
            for px, py in dots
            if abs(px - cx) < REACH + half_width + clearance and abs(py - cy) < REACH + half_height + clearance
        ]

        def fits(x: float, y: float, *, on_land: bool) -> bool:
            box = (x - half_width, y - half_height, x + half_width, y + half_height)  # noqa: B023
            if box[0] < 2 or box[1] < 2 or box[2] > MAP_WIDTH - 2 or box[3] > MAP_HEIGHT - 2:
                return False
            corners = ((box[0], box[1]), (box[2], box[1]), (box[0], box[3]), (box[2], box[3]))
            if not all(apart(box, other) for other in placed):
                return False
            left, top, right, bottom = box
            for px, py in near:  # noqa: B023
                nx, ny = min(max(px, left), right), min(max(py, top), bottom)  # the box's point nearest the dot
                if (px - nx) ** 2 + (py - ny) ** 2 <= clearance_squared:
                    return False
            return nearest_owner(x, y) == subprefecture.pk and (  # noqa: B023
                not on_land or all(_inside(px, py, land) for px, py in corners)
            )

        spot = next(
            (
                (cx + dx, cy + dy)
                for on_land, reach in ((True, REACH * 3 // 4), (False, REACH))
                for dx, dy in offsets
                if dx * dx + dy * dy <= reach * reach and fits(cx + dx, cy + dy, on_land=on_land)
            ),
            (cx, cy),
        )
        placed.append((spot[0] - half_width, spot[1] - half_height, spot[0] + half_width, spot[1] + half_height))
        labels.append((name, *spot))
    return labels


def coverage_map(rows: list[CoverageRow], *, reached: int) -> SafeString:
    """The dot map: every municipality at its office, sized and coloured by its count class, with a
    tooltip "<name>: N"; the subprefectures' names at the middle of their municipalities; the legend."""
    total = len(rows)
    summary = ngettext(
        "%(reached)d of %(total)d municipality reached by at least one programme.",
        "%(reached)d of %(total)d municipalities reached by at least one programme.",
        total,
    ) % {"reached": reached, "total": total}
    desc = " ".join(
        [
            gettext(
                "Map of Hokkaido with a dot for each municipality at its office; the bigger and darker the dot, "
                "the more programmes reached it; a hollow ring: none."
            ),
            summary,
            gettext("The table of every municipality follows the map."),
        ]
    )
    body = [
        f'<rect x="0" y="0" width="{MAP_WIDTH}" height="{MAP_HEIGHT}" fill="{SEA}"/>',
        f'<g fill="{LAND}" stroke="{COAST}" stroke-width="1.2" stroke-linejoin="round" aria-hidden="true">',
        f'<path d="{_path(MAINLAND)}"/>',
        *(f'<path d="{_path(island)}"/>' for island in ISLANDS),
        "</g>",
    ]
    # the dots: biggest first, so that a small neighbour stays visible on top
    body.append('<g class="coverage-dots">')
    for row in sorted(rows, key=lambda r: (-r.count_class, r.code)):
        _low, _high, radius, fill, stroke, stroke_width = COUNT_CLASSES[row.count_class]
        x, y = project(row.municipality.latitude, row.municipality.longitude)
        body.append(
            f'<circle class="coverage-dot coverage-class-{row.count_class}" cx="{x:.1f}" cy="{y:.1f}" r="{radius}" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="{stroke_width}">'
            f"<title>{escape(row.name)}: {row.count}</title></circle>"
        )
    body.append("</g>")
    legend, legend_box = _legend(MAP_WIDTH - MAP_MARGIN, MAP_MARGIN)
    notes, notes_box = _corner_notes(summary)
    # subprefecture names near the middle of their municipalities, where they cover no dot
    body.append('<g class="coverage-regions">')
    for name, x, y in region_labels(rows, reserved=(legend_box, notes_box)):
        body.append(_halo_text(x, y + LABEL_SIZE * 0.35, name, size=LABEL_SIZE, fill=LABEL, bold=True))
    body.append("</g>")
    body += legend + notes
    number = element_id("coverage-map")
    head = (
        f'xmlns="http://www.w3.org/2000/svg" class="coverage-map" viewBox="0 0 {MAP_WIDTH} {MAP_HEIGHT}" '
        f'width="{MAP_WIDTH}" height="{MAP_HEIGHT}" role="img" aria-labelledby="{number}-title {number}-desc" '
        f'font-family="{FONT_FAMILY}"'
    )
    return mark_safe(  # noqa: S308 - every text went through escape()
        f"<svg {head}>"
        f'<title id="{number}-title">{escape(gettext("Municipalities reached by the programmes"))}</title>'
        f'<desc id="{number}-desc">{escape(desc)}</desc>' + "".join(body) + "</svg>"
    )
