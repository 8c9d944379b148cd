"""Heavy reads of the programmes: tours and event sessions as map features (no model instances)."""

from django.contrib.postgres.fields import ArrayField
from django.db.models import BooleanField, ExpressionWrapper, FloatField, Func, Q
from django.db.models.functions import Coalesce, Round
from django.urls import reverse
from django.utils.translation import get_language

from portal.geo import COORDINATE_DECIMALS

_PK_PLACEHOLDER = 987654321


def map_point():
    """SQL: [longitude, latitude] as a float8[], the tour's own point or else its municipality office's,
    rounded to COORDINATE_DECIMALS. psycopg returns it as a list of floats: no per-row conversion in Python."""
    return Func(
        Round(Coalesce("longitude", "municipality__longitude"), COORDINATE_DECIMALS),
        Round(Coalesce("latitude", "municipality__latitude"), COORDINATE_DECIMALS),
        template="ARRAY[%(expressions)s]::float8[]",
        output_field=ArrayField(FloatField()),
    )


def tour_features(queryset, *, kind: str = "tour") -> list[dict]:
    """GeoJSON Point features (as portal.geo.point_feature makes them) of ``queryset``'s tours, in its order,
    for the current language.

    Each tour is at its own coordinates or, without them, at its municipality's office (``approximate``).
    Only public facts: the name, the municipality, the detail page's path. Fast for 10,000 tours (issue 4:
    ≤ 300 ms): the point is chosen and rounded in SQL, the rows come as tuples, and the features are built
    inline rather than through point_feature (a function call per row costs a third more).
    """
    english = (get_language() or "ja").startswith("en")
    rows = queryset.annotate(
        map_point=map_point(),
        map_approximate=ExpressionWrapper(Q(latitude__isnull=True), output_field=BooleanField()),
    ).values_list(
        "pk", "name", "name_en", "municipality__name", "municipality__name_en", "map_point", "map_approximate"
    )
    # One reverse() for all rows: the detail path with a placeholder, split around it.
    url_head, _placeholder, url_tail = reverse("programmes:tour-detail", kwargs={"pk": _PK_PLACEHOLDER}).partition(
        str(_PK_PLACEHOLDER)
    )
    return [
        {
            "type": "Feature",
            "id": f"{kind}-{pk}",
            "geometry": {"type": "Point", "coordinates": point},
            "properties": {
                "kind": kind,
                "name": (english and name_en) or name,
                "municipality": (english and municipality_en) or municipality,
                "url": f"{url_head}{pk}{url_tail}",
                "approximate": approximate,
            },
        }
        for pk, name, name_en, municipality, municipality_en, point, approximate in rows
    ]


def event_features(events_queryset, *, kind: str = "event", now=None) -> list[dict]:
    """GeoJSON Point features of the upcoming sessions of ``events_queryset``'s events, in its order: one
    feature per event and venue, at the session's own coordinates or else its municipality's office
    (``approximate``). Only public facts, as tour_features. Two queries whatever the number of events."""
    from programmes.event_filters import upcoming_event_sessions

    english = (get_language() or "ja").startswith("en")
    events = {
        pk: (english and title_en) or title
        for pk, title, title_en in events_queryset.values_list("pk", "title", "title_en")
    }
    if not events:
        return []
    rows = (
        upcoming_event_sessions(now)
        .filter(offering_id__in=list(events))
        .annotate(
            map_point=map_point(),
            map_approximate=ExpressionWrapper(Q(latitude__isnull=True), output_field=BooleanField()),
        )
        .order_by("starts_at", "pk")
        .values_list("offering_id", "municipality__name", "municipality__name_en", "map_point", "map_approximate")
    )
    url_head, _placeholder, url_tail = reverse("programmes:event-detail", kwargs={"pk": _PK_PLACEHOLDER}).partition(
        str(_PK_PLACEHOLDER)
    )
    by_event: dict[int, dict[tuple, dict]] = {pk: {} for pk in events}
    for event_pk, municipality, municipality_en, point, approximate in rows:
        venues = by_event[event_pk]
        if tuple(point) in venues:  # several sessions at one venue: one marker
            continue
        venues[tuple(point)] = {
            "type": "Feature",
            "id": f"{kind}-{event_pk}-{len(venues) + 1}",
            "geometry": {"type": "Point", "coordinates": point},
            "properties": {
                "kind": kind,
                "name": events[event_pk],
                "municipality": (english and municipality_en) or municipality,
                "url": f"{url_head}{event_pk}{url_tail}",
                "approximate": approximate,
            },
        }
    return [feature for venues in by_event.values() for feature in venues.values()]
