"""/map/ and /map/features.geojson: valid RFC 7946, the same tours as /tours/, drafts never, bad values ignored."""

import json
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.template.loader import render_to_string
from django.utils import translation

from portal import geo
from portal.choices import ListingStatus
from portal.models import Municipality
from tests.factories import FactoryTourFactory

pytestmark = pytest.mark.django_db

FEATURE_PROPERTIES = {"kind", "name", "municipality", "url", "approximate"}


def geojson(client, path="/map/features.geojson"):
    response = client.get(path)
    assert response.status_code == 200
    return json.loads(response.content)


def ids(collection):
    return [feature["id"] for feature in collection["features"]]


def tour_ids(response):
    return [f"tour-{tour.pk}" for tour, _fit in response.context["tours"]]


@pytest.fixture
def tours():
    """Three published tours (one at its own coordinates), and one tour in each non-public status."""
    return {
        "paper": FactoryTourFactory(
            name="製紙工場見学",
            name_en="Paper Mill Tour",
            municipality_code="012131",  # 苫小牧市
            latitude=Decimal("42.634567"),
            longitude=Decimal("141.605432"),
            industry="paper",
            group_min=10,
            group_max=40,
            months=[5, 6, 7],
            bus_parking=True,
            phone="0144-00-0000",
            website="https://example.jp/paper",
        ),
        "weld": FactoryTourFactory(
            name="ヨウセツ体験工房",
            municipality_code="012084",  # 北見市
            industry="machinery",
            group_min=5,
            group_max=20,
            bus_parking=False,
        ),
        "dairy": FactoryTourFactory(
            name="牧場とチーズ工房", municipality_code="016373", industry="dairy", months=[7, 8]
        ),  # 芽室町
        "draft": FactoryTourFactory(name="下書きの工場", industry="paper", status=ListingStatus.DRAFT),
        "pending": FactoryTourFactory(name="審査中の工場", industry="paper", status=ListingStatus.PENDING_REVIEW),
        "archived": FactoryTourFactory(name="終了した工場", industry="paper", status=ListingStatus.ARCHIVED),
    }


# --- GeoJSON --------------------------------------------------------------------------------------


def test_geojson_is_a_valid_rfc7946_feature_collection(client, tours):
    response = client.get("/map/features.geojson")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert set(response["Cache-Control"].split(", ")) == {"public", "max-age=300"}
    assert "Set-Cookie" not in response.headers  # safe for shared caches
    collection = json.loads(response.content)
    assert set(collection) == {"type", "features"}  # no "crs": RFC 7946 is always WGS84
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == 3
    for feature in collection["features"]:
        assert set(feature) == {"type", "id", "geometry", "properties"}
        assert feature["type"] == "Feature"
        assert isinstance(feature["id"], str)
        assert feature["geometry"]["type"] == "Point"
        longitude, latitude = feature["geometry"]["coordinates"]  # [longitude, latitude], in this order
        assert 139 <= longitude <= 146
        assert 41 <= latitude <= 46
        assert set(feature["properties"]) == FEATURE_PROPERTIES
        assert feature["properties"]["kind"] == "tour"
        assert isinstance(feature["properties"]["approximate"], bool)
    assert len(set(ids(collection))) == 3


def test_geojson_is_compact_utf8(client, tours):
    body = client.get("/map/features.geojson").content
    assert b", " not in body and b": " not in body
    assert "製紙工場見学".encode() in body  # not \u escapes


def test_feature_of_a_tour_with_its_own_coordinates(client, tours):
    paper = tours["paper"]
    feature = next(f for f in geojson(client)["features"] if f["id"] == f"tour-{paper.pk}")
    assert feature == {
        "type": "Feature",
        "id": f"tour-{paper.pk}",
        "geometry": {"type": "Point", "coordinates": [141.605432, 42.634567]},
        "properties": {
            "kind": "tour",
            "name": "製紙工場見学",
            "municipality": "苫小牧市",
            "url": f"/tours/{paper.pk}/",
            "approximate": False,
        },
    }


def test_tour_without_coordinates_is_at_its_municipal_office_and_approximate(client, tours):
    weld = tours["weld"]
    office = Municipality.objects.get(code="012084")
    feature = next(f for f in geojson(client)["features"] if f["id"] == f"tour-{weld.pk}")
    assert feature["geometry"]["coordinates"] == [float(office.longitude), float(office.latitude)]
    assert feature["properties"]["approximate"] is True


def test_english_names_and_language_prefixed_urls(client, tours):
    features = {f["id"]: f["properties"] for f in geojson(client, "/en/map/features.geojson")["features"]}
    paper, weld = tours["paper"], tours["weld"]
    assert features[f"tour-{paper.pk}"]["name"] == "Paper Mill Tour"
    assert features[f"tour-{paper.pk}"]["municipality"] == "Tomakomai"
    assert features[f"tour-{paper.pk}"]["url"] == f"/en/tours/{paper.pk}/"
    assert features[f"tour-{weld.pk}"]["name"] == "ヨウセツ体験工房"  # no English name: the Japanese one


def test_coordinates_are_rounded_to_six_decimals():
    feature = geo.point_feature(feature_id="x-1", longitude=141.12345678, latitude=43.0000004, properties={})
    assert feature["geometry"]["coordinates"] == [141.123457, 43.0]


def test_drafts_pending_and_archived_tours_are_never_on_the_map(client, tours):
    body = client.get("/map/features.geojson?industry=paper").content.decode()
    assert ids(json.loads(body)) == [f"tour-{tours['paper'].pk}"]
    for status in ("draft", "pending", "archived"):
        assert f"tour-{tours[status].pk}" not in body
        assert tours[status].name not in body
    page = client.get("/map/").content.decode()
    for status in ("draft", "pending", "archived"):
        assert tours[status].name not in page


def test_no_contact_details_or_internal_fields(client, tours):
    body = client.get("/map/features.geojson").content.decode()
    assert "0144-00-0000" not in body
    assert "example.jp" not in body
    assert tours["paper"].company_name not in body
    assert tours["paper"].provider.name not in body


@pytest.mark.parametrize(
    "query",
    [
        "",
        "industry=paper",
        "subprefecture=okhotsk",
        "municipality=016373",
        "q=製紙",
        "q=ようせつ",
        "month=8",
        "group_size=30",
        "group_size=30&bus_parking=1",
        "bus_parking=1&month=6&industry=paper",
        "near=012084",  # ordered by distance, like the list
        "sort=confirmed&q=工",
        "industry=dairy&subprefecture=okhotsk",  # nothing
    ],
)
def test_same_tours_in_the_same_order_as_the_list(client, tours, query):
    expected = tour_ids(client.get(f"/tours/?{query}"))
    assert ids(geojson(client, f"/map/features.geojson?{query}")) == expected
    assert ids(geojson(client, f"/map/features.geojson?{query}&kind=tour")) == expected
    page = client.get(f"/map/?{query}")
    assert [f"{feature['id']}" for feature in page.context["page"].object_list] == expected


@pytest.mark.parametrize(
    "query",
    [
        "group_size=abc",
        "group_size=-3",
        "month=13",
        "subprefecture=atlantis",
        "municipality=999999",
        "near=0",
        "industry=spaceships",
        "audience=cats",
        "sort=random",
        "q=" + "あ" * 101,
        "kind=spaceships",
        "kind=",
        "kind=tour&kind=spaceships",
        "page=abc",
    ],
)
def test_bad_values_are_ignored(client, tours, query):
    assert len(ids(geojson(client, f"/map/features.geojson?{query}"))) == 3
    response = client.get(f"/map/?{query}")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 3


def test_the_map_page_says_which_values_were_ignored(client, tours):
    response = client.get("/map/?group_size=abc&kind=spaceships")
    assert sorted(item["name"] for item in response.context["portal_map"].ignored()) == ["group_size", "kind"]
    assert "読み取れなかったため、無視しました" in response.content.decode()
    assert "spaceships" in response.content.decode()


def test_every_registered_kind_comes_from_an_app_config():
    assert list(geo.map_kinds()) == ["tour", "event", "seminar"]


def test_query_count_does_not_grow_with_the_number_of_tours(client, django_assert_max_num_queries):
    FactoryTourFactory.create_batch(30)
    with django_assert_max_num_queries(4):  # tours: 1; events: the events and their sessions; seminars: 1
        assert len(ids(geojson(client))) == 30
    with django_assert_max_num_queries(6):  # + the subprefecture's lookup by each layer's filter form
        assert len(ids(geojson(client, "/map/features.geojson?subprefecture=okhotsk"))) == 30
    with django_assert_max_num_queries(6):
        assert client.get("/map/").status_code == 200


# --- The map page ----------------------------------------------------------------------------------


def test_map_page_lists_the_places_with_links_and_the_map_over_them(client, tours):
    response = client.get("/map/?industry=paper")
    assert response.status_code == 200
    html = response.content.decode()
    paper = tours["paper"]
    assert f'<a href="/tours/{paper.pk}/">製紙工場見学</a>' in html
    assert "牧場とチーズ工房" not in html
    assert response.context["page"].paginator.count == 1
    # the map: hidden without JavaScript, labelled, fed with the same query
    assert "data-map-area hidden" in html
    assert 'role="region"' in html
    assert 'data-features-url="/map/features.geojson?industry=paper"' in html
    # the filter form: the compact subset of the /tours/ form
    for name in ("q", "subprefecture", "industry", "group_size", "month", "bus_parking"):
        assert f'name="{name}"' in html
    assert 'name="kind" value="tour"' in html  # tours and events: people choose what to see
    assert 'name="kind" value="event"' in html
    # Leaflet and the markercluster plugin from the installed packages, and our script
    for path in (
        "/static/vendor/leaflet/leaflet.js",
        "/static/vendor/leaflet/leaflet.css",
        "/static/vendor/leaflet.markercluster/leaflet.markercluster-src.js",
        "/static/vendor/leaflet.markercluster/MarkerCluster.css",
        "/static/js/map.js",
        "/static/css/map.css",
    ):
        assert path in html


def test_map_page_in_english(client, tours):
    html = client.get("/en/map/").content.decode()
    assert f'<a href="/en/tours/{tours["paper"].pk}/">Paper Mill Tour</a>' in html
    assert 'data-features-url="/en/map/features.geojson"' in html
    assert "3 places" in html


def test_map_page_list_is_paginated(client):
    FactoryTourFactory.create_batch(51)
    first = client.get("/map/")
    assert len(first.context["page"].object_list) == 50
    assert 'href="?page=2"' in first.content.decode()
    second = client.get("/map/?page=2&industry=machinery")
    assert len(second.context["page"].object_list) == 1
    assert 'href="?industry=machinery&amp;page=1"' in second.content.decode()


def test_vendor_files_are_installed():
    """Leaflet and markercluster come from PyPI packages (requirements.txt), not from static/."""
    for path in (
        "vendor/leaflet/leaflet.js",
        "vendor/leaflet/leaflet.css",
        "vendor/leaflet/images/marker-icon.png",
        "vendor/leaflet.markercluster/leaflet.markercluster-src.js",
        "vendor/leaflet.markercluster/MarkerCluster.css",
    ):
        assert finders.find(path), path


# --- The small map of a tour's detail page -----------------------------------------------------------


def test_small_map_of_a_tour_with_its_own_coordinates(tours):
    with translation.override("en"):
        html = render_to_string("programmes/_tour_map.html", {"tour": tours["paper"]})
    assert 'data-latitude="42.634567"' in html
    assert 'data-longitude="141.605432"' in html
    assert 'data-name="Paper Mill Tour"' in html
    assert 'data-approximate="false"' in html
    assert "data-map-area hidden" in html  # until the script draws it
    assert "Approximate location" not in html


def test_small_map_of_a_tour_at_its_municipal_office(tours):
    weld = tours["weld"]
    office = weld.municipality
    with translation.override("en"):
        html = render_to_string("programmes/_tour_map.html", {"tour": weld})
    assert f'data-latitude="{office.latitude}"' in html
    assert f'data-longitude="{office.longitude}"' in html
    assert 'data-approximate="true"' in html
    assert "Approximate location (municipal office)" in html


def test_collectstatic_with_hashed_names_accepts_the_map_files(tmp_path, settings):
    """Production (DEBUG off) stores static files with hashed names, and refuses a file that refers to a file
    that is missing: the minified markercluster build names a source map that its package lacks."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "portal.staticfiles.PortalStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    for path in ("vendor/leaflet/leaflet.js", "vendor/leaflet.markercluster/leaflet.markercluster-src.js", "js/map.js"):
        assert (tmp_path / manifest[path]).exists()
