"""/api/tours/: the published tours with what a school needs, the filters of /tours/ with the same results and
order, a 400 that names each bad value, pages, and a constant number of queries per page."""

import datetime as dt
from decimal import Decimal

import pytest
from django import forms
from django.utils import translation

from portal.choices import FeeKind, ListingStatus
from tests.api.conftest import api_get, api_ids, count_queries, page_ids
from tests.factories import FactoryTourFactory, FundingSchemeFactory

pytestmark = pytest.mark.django_db

LIST = "/api/tours/"


@pytest.fixture
def tours():
    """Four published tours around Hokkaido and one draft (as in tests/programmes/test_tour_list.py)."""
    return {
        "paper": FactoryTourFactory(
            name="製紙工場見学",
            name_kana="せいしこうじょうけんがく",
            name_en="Paper mill tour",
            company_name="王子製紙株式会社",
            municipality_code="012131",  # 苫小牧市 (胆振)
            industry="paper",
            audiences=["elementary", "junior_high"],
            group_min=10,
            group_max=40,
            months=[5, 6, 7, 8, 9, 10],
            bus_parking=True,
            fee_kind=FeeKind.FREE,
            confirmed_on=dt.date(2026, 5, 1),
            phone="0144-00-0000",
            funding_scheme=FundingSchemeFactory(name="テスト事業A", name_en="Scheme A"),
        ),
        "weld": FactoryTourFactory(
            name="ヨウセツ体験工房",
            company_name="北見溶接工業株式会社",
            description="溶接ロボットの実演を見学します",
            municipality_code="012084",  # 北見市 (オホーツク)
            industry="machinery",
            audiences=["junior_high", "high_school"],
            group_min=5,
            group_max=20,
            bus_parking=False,
            wheelchair_access=True,
            fee_kind=FeeKind.PAID,
            fee_amount=500,
            latitude=Decimal("43.804000"),
            longitude=Decimal("143.896000"),
            confirmed_on=dt.date(2026, 9, 1),
        ),
        "dairy": FactoryTourFactory(
            name="牧場とチーズ工房",
            company_name="十勝乳業",
            municipality_code="016373",  # 芽室町 (十勝)
            industry="dairy",
            audiences=["elementary"],
            months=[7, 8],
            fee_kind=FeeKind.FREE,
        ),
        "sapporo": FactoryTourFactory(
            name="ビール工場",
            company_name="札幌麦酒株式会社",
            municipality_code="011037",  # 札幌市東区
            industry="brewing",
            audiences=["general"],
            group_max=100,
            bus_parking=True,
            fee_kind=FeeKind.UNKNOWN,
            confirmed_on=dt.date(2025, 4, 1),
        ),
        "draft": FactoryTourFactory(
            name="下書きの製紙工場", municipality_code="012131", industry="paper", status=ListingStatus.DRAFT
        ),
    }


def test_a_tour_has_what_a_school_needs(client, tours):
    tour = tours["paper"]
    response = api_get(client, f"{LIST}{tour.pk}/")
    assert response.status_code == 200
    data = response.json()
    assert data == {
        "id": tour.pk,
        "url": f"http://testserver/tours/{tour.pk}/",
        "name": "製紙工場見学",
        "name_kana": "せいしこうじょうけんがく",
        "name_en": "Paper mill tour",
        "company_name": "王子製紙株式会社",
        "industry": "paper",
        "audiences": ["elementary", "junior_high"],
        "description": "",
        "municipality": {"code": "012131", "name": "苫小牧市", "name_en": "Tomakomai", "subprefecture": "iburi"},
        "postcode": "",
        "address": "",
        "location": {
            "latitude": round(float(tour.municipality.latitude), 6),
            "longitude": round(float(tour.municipality.longitude), 6),
            "approximate": True,
        },
        "duration_minutes": None,
        "group_min": 10,
        "group_max": 40,
        "months": [5, 6, 7, 8, 9, 10],
        "weekdays": [],
        "lead_time_days": None,
        "reservation_required": None,
        "bus_parking": True,
        "wheelchair_access": None,
        "winter_note": "",
        "fee": {"kind": "free", "amount_yen": None, "note": ""},
        "phone": "0144-00-0000",
        "website": "",
        "provider": {"name": tour.provider.name, "name_en": tour.provider.name_en},
        "funding_scheme": {"name": "テスト事業A", "name_en": "Scheme A"},
        "confirmed_on": "2026-05-01",
        "is_demo": False,
        "updated": data["updated"],
        "distance_km": None,
    }
    assert dt.datetime.fromisoformat(data["updated"]) == tour.updated_at


def test_own_coordinates_are_exact(client, tours):
    data = api_get(client, f"{LIST}{tours['weld'].pk}/").json()
    assert data["location"] == {"latitude": 43.804, "longitude": 143.896, "approximate": False}
    assert data["fee"] == {"kind": "paid", "amount_yen": 500, "note": ""}


def test_only_published_tours(client, tours):
    ids = api_ids(client, LIST)
    assert sorted(ids) == sorted(tours[name].pk for name in ("paper", "weld", "dairy", "sapporo"))
    assert api_get(client, f"{LIST}{tours['draft'].pk}/").status_code == 404


def test_default_order_is_recently_confirmed_as_on_the_page(client, tours):
    expected = [tours[name].pk for name in ("weld", "paper", "sapporo", "dairy")]
    assert api_ids(client, LIST) == expected
    assert page_ids(client, "/tours/", "", "tours") == expected


@pytest.mark.parametrize(
    "query",
    [
        "subprefecture=iburi",
        "municipality=011002",  # Sapporo: its wards' tours too
        "industry=paper",
        "audience=elementary",
        "month=7",
        "month=11",
        "group_size=30",
        "bus_parking=1",
        "wheelchair=1",
        "free=1",
        "q=製紙",
        "q=せいし",
        "q=苫小牧",
        "q=工場",
        "q=工場&sort=confirmed",
        "near=012084",
        "near=011002&free=1",
        "near=016373&sort=confirmed",
        "audience=elementary&month=7&free=1",
    ],
)
def test_filters_give_the_pages_results_in_its_order(client, tours, query):
    api = api_ids(client, LIST, query)
    assert api == page_ids(client, "/tours/", query, "tours")
    assert api  # every query finds something: the comparison means something


def test_near_lists_nearest_first_with_distances(client, tours):
    results = api_get(client, LIST, "near=012084").json()["results"]
    assert [item["id"] for item in results][:2] == [tours["weld"].pk, tours["dairy"].pk]
    distances = [item["distance_km"] for item in results]
    assert distances == sorted(distances)
    assert distances[0] == pytest.approx(0.0, abs=3)
    assert all(distance > 0 for distance in distances[1:])


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("month=13", ["month"]),
        ("group_size=abc", ["group_size"]),
        ("group_size=0", ["group_size"]),
        ("subprefecture=atlantis", ["subprefecture"]),
        ("municipality=999999", ["municipality"]),
        ("near=kitami", ["near"]),
        ("industry=spaceships", ["industry"]),
        ("audience=cats", ["audience"]),
        ("sort=random", ["sort"]),
        ("q=" + "x" * 101, ["q"]),
        ("month=13&near=kitami&industry=paper", ["month", "near"]),
        ("page=abc", ["page"]),
        ("page=0", ["page"]),
        ("page_size=0", ["page_size"]),
        ("page_size=201", ["page_size"]),
        ("page_size=ten", ["page_size"]),
    ],
)
def test_a_bad_value_is_a_400_that_names_it(client, tours, query, names):
    response = api_get(client, LIST, query)
    assert response.status_code == 400
    body = response.json()
    assert sorted(body["errors"]) == names
    assert all(body["errors"][name] and all(body["errors"][name]) for name in names)
    assert all(name in body["detail"] for name in names)


def test_messages_are_english_by_default_and_japanese_on_request(client, tours):
    english = api_get(client, LIST, "month=13")
    assert english["Content-Language"] == "en"
    assert english.json()["errors"] == {"month": ["Select a valid choice. 13 is not one of the available choices."]}
    japanese = api_get(client, LIST, "month=13", accept_language="ja-JP,ja;q=0.9,en;q=0.8")
    assert japanese["Content-Language"] == "ja"
    with translation.override("ja"):
        expected = str(forms.ChoiceField.default_error_messages["invalid_choice"]) % {"value": "13"}
    assert japanese.json()["errors"] == {"month": [expected]}
    assert expected != english.json()["errors"]["month"][0]
    assert "Accept-Language" in english["Vary"]
    # the data does not change with the language: the public page's address stays the main language's
    first = api_get(client, LIST, accept_language="en").json()["results"][0]
    assert first["url"] == f"http://testserver/tours/{first['id']}/"


def test_unknown_parameters_are_ignored(client, tours):
    assert api_ids(client, LIST, "colour=blue&format_version=2") == api_ids(client, LIST)


def test_pages(client, tours):
    first = api_get(client, LIST, "page_size=3").json()
    assert first["count"] == 4
    assert len(first["results"]) == 3
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/tours/?page=2&page_size=3"
    second = api_get(client, LIST, "page=2&page_size=3").json()
    assert [item["id"] for item in first["results"] + second["results"]] == api_ids(client, LIST)
    assert api_get(client, LIST, "page=last&page_size=3").json()["results"] == second["results"]
    assert api_get(client, LIST, "page=3&page_size=3").status_code == 404


def test_near_pages_match_the_unpaged_order(client, tours):
    whole = api_ids(client, LIST, "near=011002")
    pages = api_ids(client, LIST, "near=011002&page_size=3") + api_ids(client, LIST, "near=011002&page=2&page_size=3")
    assert pages == whole


def test_read_only(client, tours):
    assert client.post(LIST, {}, content_type="application/json").status_code == 405
    assert client.delete(f"{LIST}{tours['paper'].pk}/").status_code == 405


@pytest.mark.parametrize("query", ["", "near=012084", "q=工場&audience=junior_high", "subprefecture=okhotsk"])
def test_query_count_is_constant_per_page(client, query):
    one = FactoryTourFactory(name="工場0", audiences=["junior_high"])
    few = count_queries(client, LIST, query)
    assert api_ids(client, LIST, query) == [one.pk]
    for number in range(1, 15):
        FactoryTourFactory(
            name=f"工場{number}",
            audiences=["junior_high"],
            funding_scheme=FundingSchemeFactory(),
            municipality_code="012084" if number % 2 else "011002",
        )
    many = count_queries(client, LIST, query)
    assert many == few
    assert many <= 4
