"""?near=: tours nearest first, read off the KNN index of the ``place`` column (portal/geo.py).

The pages must be exactly those of a full sort by (great-circle distance, name, id), ties included: many
tours without their own coordinates share their municipality office's point.
"""

import math
import random
from decimal import Decimal

import pytest
from django.db import connection

from portal.geo import EARTH_RADIUS_KM, NearestFirstPaginator, within_nearest
from portal.models import Municipality
from programmes.models import FactoryTour
from programmes.views import TOURS_PER_PAGE
from tests.factories import FactoryTourFactory

pytestmark = pytest.mark.django_db

KITAMI = "012084"


def great_circle_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lng1, lat2, lng2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def place_of(tour_pk: int) -> tuple[float, float]:
    """(latitude, longitude) back from the trigger-kept unit vector in the ``place`` column."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT cube_ll_coord(place, 1), cube_ll_coord(place, 2), cube_ll_coord(place, 3) "
            "FROM programmes_factorytour WHERE id = %s",
            [tour_pk],
        )
        x, y, z = cursor.fetchone()
    return math.degrees(math.asin(z)), math.degrees(math.atan2(y, x))


@pytest.fixture
def scattered_tours():
    """70 published tours: half at their own coordinates, half at their municipality's office (ties)."""
    rng = random.Random(20261126)  # noqa: S311 - reproducible test data
    codes = list(Municipality.objects.values_list("code", flat=True))
    tours = []
    for number in range(70):
        municipality = Municipality.objects.get(code=rng.choice(codes[:40] + [KITAMI] * 10))
        own = number % 2 == 0
        tours.append(
            FactoryTourFactory(
                name=f"工場{rng.randint(0, 9)}",  # repeated names: the id decides among equals
                municipality=municipality,
                latitude=(municipality.latitude + Decimal(rng.uniform(-0.2, 0.2))).quantize(Decimal("0.000001"))
                if own
                else None,
                longitude=(municipality.longitude + Decimal(rng.uniform(-0.2, 0.2))).quantize(Decimal("0.000001"))
                if own
                else None,
            )
        )
    FactoryTourFactory(status="draft", municipality=Municipality.objects.get(code=KITAMI))
    return tours


def expected_order(tours) -> list[int]:
    kitami = Municipality.objects.get(code=KITAMI)
    origin = (float(kitami.latitude), float(kitami.longitude))
    return [
        tour.pk
        for tour in sorted(tours, key=lambda tour: (round(great_circle_km(origin, tour.point), 6), tour.name, tour.pk))
    ]


def test_every_page_is_that_of_a_full_sort(client, scattered_tours):
    expected = expected_order(scattered_tours)
    seen = []
    for page in range(1, 5):
        response = client.get(f"/tours/?near={KITAMI}&page={page}")
        seen += [tour.pk for tour, _fit in response.context["tours"]]
    assert seen == expected
    assert response.context["page"].paginator.count == 70


def test_distances_shown_are_great_circle_km(client, scattered_tours):
    kitami = Municipality.objects.get(code=KITAMI)
    response = client.get(f"/tours/?near={KITAMI}&page=2")
    for tour, _fit in response.context["tours"]:
        assert tour.distance == pytest.approx(
            great_circle_km((float(kitami.latitude), float(kitami.longitude)), tour.point), abs=1e-6
        )


def test_within_nearest_cuts_the_query_but_not_the_result(scattered_tours):
    from programmes.filters import FactoryTourFilter

    queryset = FactoryTourFilter({"near": KITAMI}, queryset=FactoryTour.objects.published()).qs
    full = list(queryset.values_list("pk", flat=True))
    assert full == expected_order(scattered_tours)
    for stop in (1, 20, 33, 70, 500):
        cut = within_nearest(queryset, stop)
        assert list(cut.values_list("pk", flat=True)[:stop]) == full[:stop]
        assert cut.count() >= min(stop, 70)
    paginator = NearestFirstPaginator(queryset, TOURS_PER_PAGE, orphans=5)
    assert [tour.pk for number in paginator.page_range for tour in paginator.page(number).object_list] == full


def test_other_sort_orders_are_left_alone(scattered_tours):
    from programmes.filters import FactoryTourFilter

    queryset = FactoryTourFilter({"near": KITAMI, "sort": "confirmed"}, queryset=FactoryTour.objects.published()).qs
    assert within_nearest(queryset, 5) is queryset


def test_the_place_follows_coordinates_and_municipality():
    sapporo = Municipality.objects.get(code="011002")
    kitami = Municipality.objects.get(code=KITAMI)
    tour = FactoryTourFactory(municipality=sapporo, latitude=None, longitude=None)
    assert place_of(tour.pk) == pytest.approx((float(sapporo.latitude), float(sapporo.longitude)))

    tour.municipality = kitami
    tour.save()
    assert place_of(tour.pk) == pytest.approx((float(kitami.latitude), float(kitami.longitude)))

    tour.latitude, tour.longitude = Decimal("43.5"), Decimal("144.1")
    tour.save()
    assert place_of(tour.pk) == pytest.approx((43.5, 144.1))

    FactoryTour.objects.filter(pk=tour.pk).update(latitude=None, longitude=None)  # bulk paths too
    assert place_of(tour.pk) == pytest.approx((float(kitami.latitude), float(kitami.longitude)))


def test_the_page_query_reads_the_knn_index(scattered_tours):
    """With many rows, the cut-off query is an index scan ordered by distance, not a sort of every row."""
    from programmes.filters import FactoryTourFilter

    queryset = FactoryTourFilter({"near": KITAMI}, queryset=FactoryTour.objects.published()).qs
    cutoff_query = queryset.order_by("near_chord").values_list("near_chord", flat=True)[19:20]
    with connection.cursor() as cursor:
        # 70 rows: make the planner choose as it does for 10,000
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_sort = off")
        sql, params = cutoff_query.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "programmes_factorytour_place_knn" in plan
    assert "Order By" in plan
