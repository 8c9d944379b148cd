"""Geography shared by every map and "near" filter: great-circle distances in SQL."""

import math

from django.db.models import F, FloatField, Value
from django.db.models.functions import ASin, Cast, Cos, Radians, Sin, Sqrt

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


def haversine_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """The same distance computed in Python (tests, small lists)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lng2 - lng1)
    chord = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(chord))
