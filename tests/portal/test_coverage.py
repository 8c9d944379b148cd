"""The coverage of a fiscal year (portal/reports/coverage.py, templates/staff/_coverage.html): 179 municipalities,
Sapporo's wards folded into the city, the dot map, and the truly nearest tour / event / advisor / seminar of every
municipality nothing reached, found with a fixed number of queries."""

import math
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from portal.models import Municipality, Subprefecture
from portal.reports.coverage import build_coverage, place_sources
from supporters.models import AdvisorStatus, SeniorAdvisor
from supporters.models.advisor import PERSONAL_FIELDS
from tests.factories import ExperienceEventFactory, FactoryTourFactory, SeminarFactory, SessionFactory

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
SAPPORO, CHUO_WARD, KITA_WARD = "011002", "011011", "011029"
KITAMI, HAKODATE, WAKKANAI, NEMURO, OBIHIRO = "012084", "012025", "012149", "012238", "012076"


def haversine(lat1, lng1, lat2, lng2) -> float:
    """Independent of the code under test: the textbook formula, R = 6371.0088 km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lng2 - lng1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


def office(code: str) -> tuple[float, float]:
    m = Municipality.objects.get(code=code)
    return float(m.latitude), float(m.longitude)


_numbers = iter(range(1, 100_000))


def make_advisor(*, home: str, public: bool = True, **fields) -> SeniorAdvisor:
    """An advisor whose personal fields are all distinctive, so that a leak would be found."""
    number = next(_numbers)
    values = {
        "name": f"秘密名前{number}",
        "name_kana": f"ヒミツナマエ{number}",
        "email": f"secret{number}@private.example.jp",
        "phone": f"0157-99-{number:04d}",
        "postal_address": f"秘密町{number}丁目",
        "former_employer": f"秘密製作所{number}",
        "home_municipality": Municipality.objects.get(code=home),
        "consent_to_contact": True,
        "status": AdvisorStatus.ACTIVE if public else AdvisorStatus.APPLIED,
        "public_summary": f"元 機械メーカー 旋盤 40年 #{number}",
        "summary_approved": True,
        **fields,
    }
    advisor = SeniorAdvisor.objects.create(**values)
    advisor.areas.set(Subprefecture.objects.filter(slug="okhotsk"))
    return advisor


# --- Counting -------------------------------------------------------------------------------------


def test_the_179_municipalities_with_wards_folded_into_sapporo_and_unknown_codes_ignored():
    counts = {CHUO_WARD: 2, KITA_WARD: 1, SAPPORO: 1, KITAMI: 3, "019999": 7, "999999": 1, "abc": 4}
    coverage = build_coverage(counts, sources=[])
    assert coverage.total == 179 == len(coverage.rows)
    codes = [row.code for row in coverage.rows]
    assert len(set(codes)) == 179
    assert CHUO_WARD not in codes and KITA_WARD not in codes
    by_code = {row.code: row.count for row in coverage.rows}
    assert by_code[SAPPORO] == 4
    assert by_code[KITAMI] == 3
    assert sum(by_code.values()) == 7
    assert coverage.reached_count == 2
    assert coverage.unreached_count == 177
    # by subprefecture (its order), then by code
    keys = [(row.subprefecture.sort_order, row.code) for row in coverage.rows]
    assert keys == sorted(keys)
    assert [row.subprefecture.slug for row in coverage.rows][:1] == [Subprefecture.objects.first().slug]


def test_a_ward_alone_makes_its_city_reached():
    coverage = build_coverage({CHUO_WARD: 1}, sources=[])
    assert coverage.reached_count == 1
    assert SAPPORO not in [m.code for m, _nearest in coverage.unreached]


def test_the_unreached_list_is_exactly_the_municipalities_with_nothing():
    counts = {SAPPORO: 1, KITAMI: 2, HAKODATE: 1}
    coverage = build_coverage(counts)
    unreached = [m.code for m, _nearest in coverage.unreached]
    assert len(unreached) == 176 == coverage.unreached_count
    assert not {SAPPORO, KITAMI, HAKODATE} & set(unreached)
    assert unreached == [row.code for row in coverage.rows if row.count == 0]  # in the table's order


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError, match="negative"):
        build_coverage({KITAMI: -1}, sources=[])


# --- Nearest places ----------------------------------------------------------------------------------


@pytest.fixture
def places():
    """Tours, events, seminars and advisors around Hokkaido, and closer ones that must not count."""
    tours = [
        FactoryTourFactory(name="網走の工場", municipality_code=KITAMI, latitude=44.02, longitude=144.27),
        FactoryTourFactory(name="函館の工場", municipality_code=HAKODATE),  # at the city office
        FactoryTourFactory(name="稚内の工場", municipality_code=WAKKANAI, latitude=45.40, longitude=141.70),
        FactoryTourFactory(name="帯広の工場", municipality_code=OBIHIRO, latitude=42.90, longitude=143.20),
    ]
    # a draft tour exactly at Nemuro's office: never offered
    FactoryTourFactory(name="下書きの工場", municipality_code=NEMURO, status="draft")
    event = ExperienceEventFactory(title="釧路の体験会")
    SessionFactory(offering=event, municipality_code="012068", latitude=42.99, longitude=144.38)  # 釧路市
    other = ExperienceEventFactory(title="札幌の体験会")
    SessionFactory(offering=other, municipality_code=SAPPORO)
    past = ExperienceEventFactory(title="終わった体験会")
    SessionFactory(offering=past, municipality_code=NEMURO, days=-3)
    draft = ExperienceEventFactory(title="下書きの体験会", status="draft")
    SessionFactory(offering=draft, municipality_code=NEMURO)
    seminar = SeminarFactory(title="旭川のセミナー")
    SessionFactory(offering=seminar, municipality_code="012041")  # 旭川市
    advisors = [make_advisor(home=HAKODATE), make_advisor(home=KITAMI)]
    hidden = [
        make_advisor(home=NEMURO, public=False),
        make_advisor(home=NEMURO, consent_to_contact=False),
        make_advisor(home=NEMURO, summary_approved=False),
    ]
    return {"tours": tours, "advisors": advisors, "hidden": hidden}


def test_the_apps_offer_tours_events_advisors_and_seminars():
    assert [source.kind for source in place_sources()] == ["tour", "event", "advisor", "seminar"]


def test_each_unreached_municipality_gets_the_truly_nearest_place_of_each_kind(places):
    candidates = {
        "tour": [(tour.name, tour.point) for tour in places["tours"]],
        "event": [("釧路の体験会", (42.99, 144.38)), ("札幌の体験会", office(SAPPORO))],
        "advisor": [(a.public_summary, office(a.home_municipality_id)) for a in places["advisors"]],
        "seminar": [("旭川のセミナー", office("012041"))],
    }
    coverage = build_coverage({KITAMI: 1})
    assert coverage.kinds[0][0] == "tour" and len(coverage.unreached) == 178
    for municipality, nearest in coverage.unreached:
        here = (float(municipality.latitude), float(municipality.longitude))
        assert [n.kind for n in nearest] == ["tour", "event", "advisor", "seminar"]
        for found in nearest:
            name, distance = min(
                ((name, haversine(*here, *point)) for name, point in candidates[found.kind]), key=lambda c: c[1]
            )
            assert (found.name, round(found.distance_km, 3)) == (name, round(distance, 3)), municipality.name
    nemuro = dict((m.code, nearest) for m, nearest in coverage.unreached)[NEMURO]
    tour, event, advisor, _seminar = nemuro
    assert tour.name == "網走の工場" and tour.url == reverse("programmes:tour-detail", args=[places["tours"][0].pk])
    assert event.name == "釧路の体験会" and event.url.startswith("/events/")
    assert advisor.url == reverse("supporters:advisor-list")
    assert tour.distance_km == pytest.approx(haversine(*office(NEMURO), 44.02, 144.27), abs=0.001)


def test_tied_tours_go_to_the_lowest_id():
    first = FactoryTourFactory(name="一番目", municipality_code=HAKODATE)
    FactoryTourFactory(name="二番目", municipality_code=HAKODATE)  # the same point: the city office
    coverage = build_coverage({}, sources=[s for s in place_sources() if s.kind == "tour"])
    names = {nearest[0].name for _m, nearest in coverage.unreached}
    assert names == {first.name}


def test_no_places_of_a_kind_leave_that_column_empty():
    coverage = build_coverage({})
    assert all(nearest == [] for _m, nearest in coverage.unreached)
    group = coverage.unreached_by_subprefecture[0]
    assert group["entries"][0]["cells"] == [None, None, None, None]


def test_nothing_personal_about_advisors_reaches_the_report(places):
    coverage = build_coverage({})
    with translation.override("en"):
        html = render_to_string("staff/_coverage.html", {"coverage": coverage})
    advisors = places["advisors"] + places["hidden"]
    personal = [getattr(a, name) for a in advisors for name in PERSONAL_FIELDS if getattr(a, name)]
    assert len(personal) == 30
    for value in personal:
        assert value not in html
        assert value not in str(coverage.svg)
    assert places["advisors"][0].public_summary in html
    for hidden in places["hidden"]:
        assert hidden.public_summary not in html


def test_the_queries_are_a_fixed_number_whatever_the_data(places, django_assert_max_num_queries):
    build_coverage({})  # content types cached, as in a running site
    with CaptureQueriesContext(connection) as few:
        build_coverage({})
    for number in range(30):
        FactoryTourFactory(municipality_code=HAKODATE, latitude=41.8 + number / 100, longitude=140.7)
        SessionFactory(offering=ExperienceEventFactory(), municipality_code=OBIHIRO)
        make_advisor(home=WAKKANAI)
    # 1 municipalities + 2 tours (KNN join, rows) + 2 events + 1 advisors + 2 seminars
    with django_assert_max_num_queries(8), CaptureQueriesContext(connection) as many:
        build_coverage({})
    assert len(many.captured_queries) == len(few.captured_queries)


def test_when_everything_was_reached_no_place_is_looked_up(django_assert_num_queries):
    everyone = {m.code: 1 for m in Municipality.objects.local_governments()}
    with django_assert_num_queries(1):
        coverage = build_coverage(everyone)
    assert coverage.unreached == [] and coverage.reached_count == 179


# --- The map -----------------------------------------------------------------------------------------


def test_the_map_has_a_dot_per_municipality_with_its_name_and_number():
    coverage = build_coverage({CHUO_WARD: 4, KITAMI: 1, HAKODATE: 9}, sources=[])
    root = ET.fromstring(str(coverage.svg))  # noqa: S314
    assert root.get("role") == "img"
    ids = root.get("aria-labelledby").split()
    by_id = {e.get("id"): "".join(e.itertext()) for e in root.iter() if e.get("id")}
    assert all(by_id[i] for i in ids)
    dots = [c for c in root.iter(f"{SVG}circle") if "coverage-dot" in (c.get("class") or "")]
    assert len(dots) == 179
    titles = {"".join(dot.find(f"{SVG}title").itertext()): dot for dot in dots}
    assert {"札幌市: 4", "北見市: 1", "函館市: 9", "根室市: 0"} <= set(titles)
    radius = {name: float(titles[name].get("r")) for name in ("根室市: 0", "北見市: 1", "札幌市: 4", "函館市: 9")}
    assert list(radius.values()) == sorted(radius.values())  # size grows with the class: reads in grayscale
    assert len(set(radius.values())) == 4
    assert titles["根室市: 0"].get("fill") == "#ffffff"  # not reached: a hollow ring
    # every dot inside the viewBox; the east (Nemuro) right of the west (Hakodate), the north up
    width, height = (float(n) for n in root.get("viewBox").split()[2:])
    assert all(0 < float(d.get("cx")) < width and 0 < float(d.get("cy")) < height for d in dots)
    assert float(titles["根室市: 0"].get("cx")) > float(titles["函館市: 9"].get("cx"))
    assert float(titles["北見市: 1"].get("cy")) < float(titles["函館市: 9"].get("cy"))
    assert 'style="' not in coverage.svg and "<script" not in coverage.svg


def test_the_legend_lists_the_classes_with_not_reached_first():
    with translation.override("en"):
        coverage = build_coverage({}, sources=[])
        assert [label for label, _colour in coverage.legend] == ["Not reached", "1", "2–3", "4–6", "7 or more"]
        assert "Not reached" in str(coverage.svg) and "7 or more" in str(coverage.svg)


# --- The include ---------------------------------------------------------------------------------------


def test_the_include_shows_the_summary_the_unreached_by_subprefecture_and_every_number(places):
    coverage = build_coverage({SAPPORO: 2, KITAMI: 1})
    with translation.override("en"):
        html = render_to_string("staff/_coverage.html", {"coverage": coverage})
        groups = [group["subprefecture"].display_name for group in coverage.unreached_by_subprefecture]
    assert "2 of 179 municipalities reached" in html
    assert html.count("<svg") == 1
    assert "<details" in html and 'style="' not in html and "<script" not in html
    # every municipality's code is in the full table; the unreached are grouped in subprefecture order
    for row in coverage.rows:
        assert f"<td>{row.code}</td>" in html
    assert len(groups) == 14
    positions = [html.index(f'colspan="5">{name} ') for name in groups]
    assert positions == sorted(positions)
    tour = places["tours"][0]
    assert f'<a href="{tour.get_absolute_url()}">{tour.name}</a>' in html
    assert "km</span>" in html


def test_the_include_says_when_everything_was_reached():
    everyone = {m.code: 1 for m in Municipality.objects.local_governments()}
    with translation.override("en"):
        html = render_to_string("staff/_coverage.html", {"coverage": build_coverage(everyone)})
    assert "Every municipality was reached by at least one programme." in html
    assert "179 of 179 municipalities reached" in html
