"""Layout smoke tests in chromium: language, language switcher, skip link, phone width, focus indicator.

Each page is also saved as a full-page screenshot (phone and desktop) in tests/artifacts/ for a human look.
"""

import pytest
from django.contrib.auth.models import Group

from portal.models import Municipality, Organisation, Subprefecture, WorkingGroup
from portal.roles import ROLES

browser_test = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PAGES = [
    "/",
    "/about/",
    "/accessibility/",
    "/en/",
    "/en/about/",
    "/en/accessibility/",
    "/no-such-page/",
    "/en/no-such-page/",
]
VIEWPORTS = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1280, "height": 800}}

# The elements sticking out on the right, to say what makes a page scroll sideways.
OVERFLOWING_ELEMENTS = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll("body *")]
    .filter((element) => element.getBoundingClientRect().right > width + 0.5)
    .slice(0, 10)
    .map((element) => {
      const classes = element.classList.length ? "." + [...element.classList].join(".") : "";
      const right = Math.round(element.getBoundingClientRect().right);
      return `${element.tagName.toLowerCase()}${classes} (right edge ${right}px): ${element.outerHTML.slice(0, 120)}`;
    });
}"""

FOCUSED_ELEMENT = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  return {
    tag: element.tagName.toLowerCase(),
    id: element.id,
    className: element.className,
    text: (element.textContent || "").trim().slice(0, 60),
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth),
    boxShadow: style.boxShadow,
    html: element.outerHTML.slice(0, 120),
  };
}"""


def slug(path):
    """A file name for a URL path: "/en/about/" -> "en-about", "/" -> "home"."""
    return path.strip("/").replace("/", "-") or "home"


def has_focus_indicator(focused):
    outline = focused["outlineStyle"] != "none" and focused["outlineWidth"] > 0
    return outline or focused["boxShadow"] != "none"


@pytest.mark.browser
@browser_test
def test_html_lang_matches_the_language(page):
    for path, lang in [("/", "ja"), ("/about/", "ja"), ("/en/", "en"), ("/en/about/", "en")]:
        page.goto(path)
        assert (path, page.locator("html").get_attribute("lang")) == (path, lang)


@pytest.mark.browser
@browser_test
def test_language_switcher_goes_to_the_same_page_in_the_other_language(page, live_server):
    page.goto("/about/")
    page.locator(".language-switcher a[hreflang='en']").click()
    page.wait_for_url(f"{live_server.url}/en/about/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator(".language-switcher [aria-current='true']").get_attribute("lang") == "en"

    page.locator(".language-switcher a[hreflang='ja']").click()
    page.wait_for_url(f"{live_server.url}/about/")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.locator(".language-switcher [aria-current='true']").get_attribute("lang") == "ja"


@pytest.mark.browser
@browser_test
@pytest.mark.parametrize("path", ["/", "/en/about/"])
def test_skip_link_is_first_visible_on_focus_and_moves_focus_to_main(page, path):
    for viewport, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        page.goto(path)
        skip_link = page.locator("a.skip-link")
        assert skip_link.get_attribute("href") == "#main"

        page.keyboard.press("Tab")

        focused = page.evaluate(FOCUSED_ELEMENT)
        assert skip_link.evaluate("(element) => element === document.activeElement"), (viewport, focused)
        box = skip_link.bounding_box()
        assert box is not None, viewport
        assert box["width"] > 0 and box["height"] > 0, (viewport, box)
        assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"], (viewport, box)
        assert box["y"] >= 0 and box["y"] + box["height"] <= size["height"], (viewport, box)
        assert has_focus_indicator(focused), (viewport, focused)

        page.keyboard.press("Enter")

        in_main = page.evaluate("() => document.activeElement.matches('main#main')")
        assert in_main, (viewport, page.evaluate(FOCUSED_ELEMENT))
        assert page.url.endswith("#main"), (viewport, page.url)


@pytest.mark.browser
@browser_test
@pytest.mark.parametrize("path", ["/", "/about/", "/en/accessibility/"])
def test_every_focusable_element_shows_a_focus_indicator(page, path):
    """Tab through the whole page; each link or control that receives focus draws an outline or a ring."""
    page.goto(path)
    seen = []
    for _ in range(200):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_ELEMENT)
        if focused["tag"] == "body" or focused["html"] in seen[:1]:
            break
        assert has_focus_indicator(focused), f"no visible focus indicator on {focused}"
        seen.append(focused["html"])
    else:
        pytest.fail("Tab never left the page: more than 200 focusable elements?")
    assert len(seen) >= 5, seen  # skip link, site name, language, main navigation, footer at least


@pytest.mark.browser
@browser_test
def test_focused_link_indicator_is_drawn(page, artifacts):
    """The computed style of a keyboard-focused link in the content has an outline and a ring."""
    page.goto("/")
    link = page.locator("main a").first
    link.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED_ELEMENT)
    assert link.evaluate("(element) => element === document.activeElement"), focused
    assert focused["outlineStyle"] == "solid", focused
    assert focused["outlineWidth"] >= 2, focused
    assert focused["boxShadow"] != "none", focused
    box = link.bounding_box()
    ring = {"x": box["x"] - 12, "y": box["y"] - 12, "width": box["width"] + 24, "height": box["height"] + 24}
    page.screenshot(path=artifacts / "focus-home-link.png", clip=ring)


@pytest.mark.browser
@browser_test
@pytest.mark.parametrize("path", PAGES)
def test_no_horizontal_scrolling_and_screenshot(page, path, artifacts):
    """Phone (375px) and desktop: the page never scrolls sideways. Screenshots land in tests/artifacts/."""
    problems = []
    for viewport, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        page.goto(path)
        page.screenshot(path=artifacts / f"{slug(path)}-{viewport}.png", full_page=True)
        widths = page.evaluate(
            "() => ({scrollWidth: document.scrollingElement.scrollWidth, innerWidth: window.innerWidth})"
        )
        assert widths["innerWidth"] == size["width"]
        if widths["scrollWidth"] > widths["innerWidth"]:
            problems.append(
                f"{viewport}: {widths['scrollWidth']}px wide in a {widths['innerWidth']}px window; sticking out:\n  "
                + "\n  ".join(page.evaluate(OVERFLOWING_ELEMENTS))
            )
    assert not problems, f"{path} scrolls sideways\n" + "\n".join(problems)


# The tests of tests/browser/ run after all others, and this one (run_last) after every browser test
# (conftest.py); each of those ended with a flush of the test database.
@pytest.mark.django_db
def test_reference_data_is_still_there_after_the_browser_tests():
    assert Subprefecture.objects.count() == 14
    assert Municipality.objects.local_governments().count() == 179
    assert sorted(Group.objects.values_list("name", flat=True)) == sorted(ROLES)
    assert Group.objects.get(name=ROLES[1]).permissions.exists()
    assert WorkingGroup.load() is not None
    assert Organisation.objects.filter(is_member=True).exists()


test_reference_data_is_still_there_after_the_browser_tests.run_last = True
