"""/tours/ and /tours/<id>/: the FilterSet, search, "can my class go there?", bad values, drafts."""

import datetime as dt

import pytest

from portal.choices import FeeKind, ListingStatus
from tests.factories import FactoryTourFactory

pytestmark = pytest.mark.django_db


def names(response):
    return [tour.name for tour, _fit in response.context["tours"]]


def ignored(response):
    return sorted(item["name"] for item in response.context["filter"].ignored())


@pytest.fixture
def tours():
    """Four published tours around Hokkaido and one draft."""
    return {
        "paper": FactoryTourFactory(
            name="製紙工場見学",
            name_kana="せいしこうじょうけんがく",
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
            months=[],
            bus_parking=False,
            wheelchair_access=True,
            fee_kind=FeeKind.PAID,
            fee_amount=500,
            confirmed_on=dt.date(2026, 9, 1),
        ),
        "dairy": FactoryTourFactory(
            name="牧場とチーズ工房",
            company_name="十勝乳業",
            municipality_code="016373",  # 芽室町 (十勝)
            industry="dairy",
            audiences=["elementary"],
            group_min=None,
            group_max=None,
            months=[7, 8],
            bus_parking=None,
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


def test_lists_only_published_tours_recently_confirmed_first(client, tours):
    response = client.get("/tours/")
    assert response.status_code == 200
    assert names(response) == ["ヨウセツ体験工房", "製紙工場見学", "ビール工場", "牧場とチーズ工房"]
    assert "下書きの製紙工場" not in response.content.decode()
    assert "4件" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=製紙", ["製紙工場見学"]),  # 2-character Japanese query
        ("q=溶接", ["ヨウセツ体験工房"]),  # in the company name and description
        ("q=ようせつ", ["ヨウセツ体験工房"]),  # hiragana finds katakana
        ("q=ﾖｳｾﾂ", ["ヨウセツ体験工房"]),  # half-width katakana too
        ("q=ＹＯＵＳＥＴＵ", []),  # full-width letters fold but match nothing here
        ("q=苫小牧", ["製紙工場見学"]),  # municipality name
        ("q=めむろ", ["牧場とチーズ工房"]),  # municipality kana
        ("q=  製紙　見学 ", ["製紙工場見学"]),  # several terms, ideographic space
        ("subprefecture=okhotsk", ["ヨウセツ体験工房"]),
        ("municipality=011002", ["ビール工場"]),  # Sapporo includes its wards
        ("municipality=012131", ["製紙工場見学"]),
        ("industry=dairy", ["牧場とチーズ工房"]),
        ("audience=elementary", ["製紙工場見学", "牧場とチーズ工房"]),
        ("month=10", ["ヨウセツ体験工房", "製紙工場見学", "ビール工場"]),  # empty months = all year
        ("month=1", ["ヨウセツ体験工房", "ビール工場"]),
        ("group_size=38", ["製紙工場見学", "ビール工場", "牧場とチーズ工房"]),  # unknown size is kept
        ("group_size=4", ["ビール工場", "牧場とチーズ工房"]),
        ("bus_parking=1", ["製紙工場見学", "ビール工場"]),
        ("wheelchair=1", ["ヨウセツ体験工房"]),
        ("free=1", ["製紙工場見学", "牧場とチーズ工房"]),
        ("group_size=38&month=10&bus_parking=1&free=1", ["製紙工場見学"]),
        ("audience=junior_high&subprefecture=iburi", ["製紙工場見学"]),
    ],
)
def test_filters(client, tours, query, expected):
    response = client.get(f"/tours/?{query}")
    assert response.status_code == 200
    assert ignored(response) == []
    assert names(response) == expected


def test_near_orders_by_distance_and_shows_km(client, tours):
    response = client.get("/tours/?near=012084")  # 北見市
    assert names(response) == ["ヨウセツ体験工房", "牧場とチーズ工房", "ビール工場", "製紙工場見学"]
    distances = [round(tour.distance) for tour, _fit in response.context["tours"]]
    assert distances[0] == 0
    assert distances == sorted(distances)
    assert "約0 km" in response.content.decode()


def test_search_ranks_name_matches_first(client, tours):
    response = client.get("/tours/?q=工場")
    assert names(response)[:2] == ["製紙工場見学", "ビール工場"]


def test_can_my_class_go_there(client, tours):
    response = client.get("/tours/?group_size=38&month=7&bus_parking=1")
    fits = {tour.name: [check["state"] for check in fit] for tour, fit in response.context["tours"]}
    assert fits == {
        "製紙工場見学": ["yes", "yes", "yes"],
        "ビール工場": ["yes", "yes", "yes"],
    }
    response = client.get("/tours/?group_size=38&month=7")
    fits = {tour.name: [check["state"] for check in fit] for tour, fit in response.context["tours"]}
    assert fits["牧場とチーズ工房"] == ["unknown", "yes"]
    assert "38人で見学できるかは要問合せ" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "bad"),
    [
        ("group_size=abc", ["group_size"]),
        ("group_size=-3", ["group_size"]),
        ("group_size=100000", ["group_size"]),
        ("month=13", ["month"]),
        ("month=", []),
        ("subprefecture=atlantis", ["subprefecture"]),
        ("municipality=999999", ["municipality"]),
        ("municipality=札幌", ["municipality"]),
        ("near=0", ["near"]),
        ("industry=spaceships", ["industry"]),
        ("audience=cats", ["audience"]),
        ("sort=random", ["sort"]),
        ("q=" + "あ" * 101, ["q"]),
        ("page=999", []),
        ("page=abc", []),
        ("unknown_param=1", []),
    ],
)
def test_bad_values_are_ignored_and_reported(client, tours, query, bad):
    response = client.get(f"/tours/?{query}")
    assert response.status_code == 200
    assert ignored(response) == bad
    assert len(names(response)) == 4  # the list is shown unfiltered by the bad value
    if bad:
        assert "読み取れなかったため、無視しました" in response.content.decode()


def test_active_filters_are_removable_chips(client, tours):
    response = client.get("/tours/?industry=paper&group_size=38&page=1")
    chips = {chip["name"]: chip for chip in response.context["filter"].active()}
    assert set(chips) == {"industry", "group_size"}
    assert chips["industry"]["remove"] == "group_size=38"
    assert chips["group_size"]["remove"] == "industry=paper"


def test_list_query_count_does_not_grow_with_rows(client, tours, django_assert_max_num_queries):
    for n in range(25):
        FactoryTourFactory(name=f"追加工場{n}")
    with django_assert_max_num_queries(10):
        response = client.get("/tours/?near=012084&group_size=10&month=6&q=工場")
    assert response.status_code == 200
    assert len(response.context["tours"]) == 20


def test_detail_shows_every_fact(client, tours):
    tour = tours["weld"]
    response = client.get(f"/tours/{tour.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    for fact in ["ヨウセツ体験工房", "北見溶接工業株式会社", "北見市", "5〜20人", "500円", "通年", "2026年9月1日(火)"]:
        assert fact in html, fact


def test_drafts_and_unknown_tours_are_404(client, tours):
    assert client.get(f"/tours/{tours['draft'].pk}/").status_code == 404
    assert client.get("/tours/999999/").status_code == 404
    assert client.get("/tours/abc/").status_code == 404


def test_english_list(client, tours):
    response = client.get("/en/tours/?industry=paper")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Paper and pulp" in html


def test_home_page_offers_the_tour_search_and_a_few_tours(client, tours, django_assert_max_num_queries):
    client.get("/")  # warm: content types are cached per process (tests clear that cache now and then)
    with django_assert_max_num_queries(6):
        response = client.get("/")
    html = response.content.decode()
    assert 'action="/tours/"' in html
    assert 'name="group_size"' in html
    assert "下書きの製紙工場" not in html
    # recently confirmed first
    assert [tour.name for tour in response.context["home_sections"][0]["tours"]] == [
        "ヨウセツ体験工房",
        "製紙工場見学",
        "ビール工場",
    ]


def test_detail_pages_name_the_audiences(client):
    tour = FactoryTourFactory(audiences=["junior_high", "elementary"])
    html = client.get(f"/tours/{tour.pk}/").content.decode()
    assert "<dd>小学生、中学生</dd>" in html  # in the shared order, in words
