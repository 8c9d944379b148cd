"""/api/municipalities/ and /api/subprefectures/: the core's reference data with codes, names and places."""

import pytest

from portal.models import Municipality
from tests.api.conftest import api_get, count_queries

pytestmark = pytest.mark.django_db

MUNICIPALITIES = "/api/municipalities/"


def all_items(client, path: str, query: str = "") -> list[dict]:
    data = api_get(client, path, f"page_size=200&{query}").json()
    assert data["next"] is None
    return data["results"]


def test_every_municipality_and_ward(client):
    items = all_items(client, MUNICIPALITIES)
    assert len(items) == 189 == Municipality.objects.count()
    assert [item["code"] for item in items] == sorted(item["code"] for item in items)
    assert sum(item["kind"] == "ward" for item in items) == 10


def test_a_ward(client):
    ward = Municipality.objects.get(code="011037")
    assert api_get(client, f"{MUNICIPALITIES}011037/").json() == {
        "code": "011037",
        "name": "札幌市東区",
        "name_kana": ward.name_kana,
        "name_en": ward.name_en,
        "kind": "ward",
        "subprefecture": "ishikari",
        "latitude": float(ward.latitude),
        "longitude": float(ward.longitude),
        "parent": "011002",
    }
    assert api_get(client, f"{MUNICIPALITIES}011002/").json()["parent"] is None
    assert api_get(client, f"{MUNICIPALITIES}999999/").status_code == 404


def test_filter_by_subprefecture_and_kind(client):
    okhotsk = all_items(client, MUNICIPALITIES, "subprefecture=okhotsk")
    expected = Municipality.objects.filter(subprefecture__slug="okhotsk").order_by("code")
    assert [item["code"] for item in okhotsk] == [municipality.code for municipality in expected]
    assert "012084" in [item["code"] for item in okhotsk]
    cities = all_items(client, MUNICIPALITIES, "subprefecture=okhotsk&kind=city")
    assert {item["kind"] for item in cities} == {"city"}
    assert 0 < len(cities) < len(okhotsk)


@pytest.mark.parametrize(
    ("query", "names"), [("subprefecture=okinawa", ["subprefecture"]), ("kind=metropolis", ["kind"])]
)
def test_a_bad_value_is_a_400(client, query, names):
    response = api_get(client, MUNICIPALITIES, query)
    assert response.status_code == 400
    assert sorted(response.json()["errors"]) == names


def test_query_count_does_not_grow_with_the_page(client):
    assert count_queries(client, MUNICIPALITIES, "page_size=1") == count_queries(
        client, MUNICIPALITIES, "page_size=200"
    )


def test_subprefectures(client):
    items = all_items(client, "/api/subprefectures/")
    assert [item["slug"] for item in items][:4] == ["sorachi", "ishikari", "shiribeshi", "iburi"]
    assert len(items) == 14
    assert api_get(client, "/api/subprefectures/okhotsk/").json() == {
        "slug": "okhotsk",
        "name": "オホーツク総合振興局",
        "name_kana": "おほーつくそうごうしんこうきょく",
        "name_en": "Okhotsk General Subprefectural Bureau",
        "short_name_en": "Okhotsk",
        "kind": "general",
        "seat": "012114",  # 網走市
    }
