"""The map in chromium: markers and clusters without map tiles, popups linking to the tours, keyboard, axe.

This machine (and CI) has no internet, and the tests make sure of it: every request for an OpenStreetMap
tile is aborted, so the map must show its places on its plain background and say that the tiles failed.
"""

from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.template import engines
from django.test import RequestFactory
from playwright.sync_api import expect

from tests.browser.test_accessibility import AXE_OPTIONS, describe
from tests.factories import FactoryTourFactory

browser_test = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TILES = "https://tile.openstreetmap.org/**"


@pytest.fixture
def tours():
    """One tour at its own coordinates in 苫小牧市; two without coordinates, both at 北見市's office."""
    return {
        "paper": FactoryTourFactory(
            name="製紙工場見学",
            name_en="Paper Mill Tour",
            municipality_code="012131",
            latitude=Decimal("42.634567"),
            longitude=Decimal("141.605432"),
            industry="paper",
        ),
        "weld": FactoryTourFactory(name="溶接体験工房", municipality_code="012084", industry="machinery"),
        "robot": FactoryTourFactory(name="ロボット工場", municipality_code="012084", industry="electronics"),
        "draft": FactoryTourFactory(name="下書きの工場", municipality_code="012084", status="draft"),
    }


@pytest.fixture
def offline(page):
    """The page, with every map tile request failing as it does without internet; and, so that a click lands
    where the marker is, without animations (the portal honours prefers-reduced-motion)."""
    page.emulate_media(reduced_motion="reduce")
    failed = []
    page.route(TILES, lambda route: (failed.append(route.request.url), route.abort()))
    page.tiles_failed = failed
    return page


def open_map(page, path="/map/", markers=3):
    page.goto(path)
    expect(page.locator("[data-portal-map]")).to_have_attribute("data-markers", str(markers))


@pytest.mark.browser
@browser_test
def test_markers_and_clusters_show_without_tiles(offline, tours, artifacts):
    open_map(offline)
    page = offline
    assert page.tiles_failed, "the map should have asked for tiles"
    expect(page.locator(".map-marker")).to_have_count(1)  # 製紙工場見学, alone in 苫小牧
    cluster = page.locator(".map-cluster")
    expect(cluster).to_have_count(1)  # the two tours at 北見市's office
    expect(cluster).to_contain_text("2")
    expect(page.locator(".map-note")).to_be_visible()
    expect(page.locator(".leaflet-control-attribution")).to_contain_text("© OpenStreetMap contributors")
    expect(page.locator("[data-portal-map]")).to_have_attribute("role", "region")
    # the list beside the map: the same three places, no draft
    expect(page.locator(".map-list li")).to_have_count(3)
    expect(page.locator("main")).not_to_contain_text("下書きの工場")
    # Leaflet's own marker images, should anything use them, resolve
    response = page.request.get(page.locator("link[href*='vendor/leaflet/leaflet.css']").get_attribute("href"))
    assert response.ok
    assert page.request.get("/static/vendor/leaflet/images/marker-icon.png").ok
    page.screenshot(path=artifacts / "map-desktop.png", full_page=True)


@pytest.mark.browser
@browser_test
def test_clicking_a_marker_opens_a_popup_linking_to_the_tour(offline, tours, live_server):
    open_map(offline)
    page = offline
    page.locator(".map-marker").click()
    link = page.locator(".leaflet-popup .map-popup a")
    expect(link).to_have_text("製紙工場見学")
    expect(link).to_have_attribute("href", f"/tours/{tours['paper'].pk}/")
    expect(page.locator(".leaflet-popup")).to_contain_text("苫小牧市")
    link.click()
    page.wait_for_url(f"{live_server.url}/tours/{tours['paper'].pk}/")
    expect(page.locator("h1")).to_contain_text("製紙工場見学")


@pytest.mark.browser
@browser_test
def test_a_cluster_spreads_out_and_its_markers_open_popups(offline, tours):
    open_map(offline)
    page = offline
    page.locator(".map-cluster").click()
    expect(page.locator(".map-marker")).to_have_count(3)  # spread out: the two places share one point
    spread = page.locator(".map-marker-approximate")
    expect(spread).to_have_count(2)
    spread.first.click()
    popup = page.locator(".leaflet-popup")
    expect(popup).to_contain_text("北見市")
    href = popup.locator(".map-popup a").get_attribute("href")
    assert href in {f"/tours/{tours['weld'].pk}/", f"/tours/{tours['robot'].pk}/"}


@pytest.mark.browser
@browser_test
def test_keyboard_opens_clusters_and_popups_and_escape_closes_them(offline, tours):
    open_map(offline, "/en/map/")
    page = offline
    page.locator(".map-cluster").focus()
    page.keyboard.press("Enter")
    # spread out, and the focus is on the first of its places
    expect(page.locator(".map-marker-approximate")).to_have_count(2)
    page.wait_for_function("() => document.activeElement.classList.contains('map-marker-approximate')")
    page.keyboard.press("Enter")
    link = page.locator(".leaflet-popup .map-popup a")
    expect(link).to_be_focused()
    expect(page.locator(".leaflet-popup-close-button")).to_have_attribute("aria-label", "Close")
    expect(page.locator(".leaflet-popup")).to_contain_text("Approximate location (municipal office)")
    assert link.get_attribute("href").startswith("/en/tours/")
    page.keyboard.press("Escape")
    expect(page.locator(".leaflet-popup")).to_have_count(0)
    assert page.evaluate("() => document.activeElement.classList.contains('map-marker-approximate')")

    page.locator(".map-marker:not(.map-marker-approximate)").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".leaflet-popup .map-popup a")).to_have_text("Paper Mill Tour")
    expect(page.locator(".leaflet-popup .map-popup a")).to_be_focused()


@pytest.mark.browser
@browser_test
def test_the_map_follows_the_filters(offline, tours):
    open_map(offline, "/map/?industry=paper", markers=1)
    page = offline
    expect(page.locator(".map-marker")).to_have_count(1)
    expect(page.locator(".map-cluster")).to_have_count(0)
    expect(page.locator(".map-list li")).to_have_count(1)
    page.select_option("#id_industry", "machinery")
    page.locator(".map-filters button[type=submit]").click()
    expect(page.locator("[data-portal-map]")).to_have_attribute("data-markers", "1")
    expect(page.locator(".map-list")).to_contain_text("溶接体験工房")


@pytest.mark.browser
@browser_test
def test_without_javascript_the_list_is_the_page(browser, live_server, tours):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/map/")
        expect(page.locator(".map-list li")).to_have_count(3)
        expect(page.locator(".map-area")).to_be_hidden()
        expect(page.locator(".map-list a").first).to_be_visible()
    finally:
        context.close()


@pytest.mark.browser
@browser_test
@pytest.mark.parametrize("path", ["/map/", "/en/map/"])
def test_map_page_has_no_axe_violations(offline, tours, path):
    open_map(offline, path)
    page = offline
    page.locator(".map-marker").click()  # with a popup open, too
    expect(page.locator(".leaflet-popup")).to_have_count(1)
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    assert not violations, f"{path}: {describe(violations)}"


def small_map_page(tour) -> str:
    """A page with only the detail page's small map (the same base layout), whatever tour_detail.html holds."""
    template = engines["django"].from_string(
        '{% extends "base.html" %}{% block content %}<div class="container"><h1>{{ tour.name }}</h1>'
        '{% include "programmes/_tour_map.html" %}</div>{% endblock %}'
    )
    return template.render({"tour": tour}, RequestFactory().get(f"/tours/{tour.pk}/"))


@pytest.mark.browser
@browser_test
@pytest.mark.parametrize(("key", "approximate"), [("paper", False), ("weld", True)])
def test_small_map_shows_one_marker(offline, tours, live_server, key, approximate):
    page = offline
    tour = tours[key]
    html = small_map_page(tour)
    page.route(f"{live_server.url}/small-map/", lambda route: route.fulfill(body=html, content_type="text/html"))
    page.goto("/small-map/")
    expect(page.locator("[data-point-map]")).to_have_attribute("data-markers", "1")
    expect(page.locator(".point-map .map-marker")).to_have_count(1)
    expect(page.locator(".map-note")).to_be_visible()  # the tiles failed
    expect(page.locator(".leaflet-control-attribution")).to_contain_text("© OpenStreetMap contributors")
    caption = page.locator(".point-map-figure figcaption")
    expect(caption).to_have_count(1 if approximate else 0)
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    assert not violations, describe(violations)
