"""axe-core on the public pages, in Japanese and English, and on the 404 page: zero violations."""

import pytest
from axe_playwright_python.sync_playwright import Axe

PAGES = [
    ("/", 200),
    ("/about/", 200),
    ("/accessibility/", 200),
    ("/privacy/", 200),
    ("/opendata/", 200),
    ("/en/", 200),
    ("/en/about/", 200),
    ("/en/accessibility/", 200),
    ("/en/privacy/", 200),
    ("/no-such-page/", 404),
    ("/en/no-such-page/", 404),
]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    "resultTypes": ["violations"],
}


def describe(violations):
    """One block per violation: id, impact, help text and link, and the selector of every offending node."""
    lines = [f"{len(violations)} axe violation(s):"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    at {target}")
            if node.get("failureSummary"):
                lines.extend(f"       {line}" for line in node["failureSummary"].splitlines())
    return "\n".join(lines)


def test_describe_lists_id_impact_help_and_selectors():
    violations = [
        {
            "id": "color-contrast",
            "impact": "serious",
            "help": "Elements must meet minimum color contrast ratio thresholds",
            "helpUrl": "https://dequeuniversity.com/rules/axe/4.10/color-contrast",
            "nodes": [{"target": [".site-footer p"], "failureSummary": "Fix any of the following:\n  low contrast"}],
        }
    ]
    assert describe(violations) == (
        "1 axe violation(s):\n"
        "- color-contrast (serious): Elements must meet minimum color contrast ratio thresholds"
        " <https://dequeuniversity.com/rules/axe/4.10/color-contrast>\n"
        "    at .site-footer p\n"
        "       Fix any of the following:\n"
        "         low contrast"
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize(("path", "status"), PAGES)
def test_page_has_no_axe_violations(page, path, status):
    response = page.goto(path)
    assert response.status == status
    results = Axe().run(page, options=AXE_OPTIONS)
    violations = results.response["violations"]
    assert not violations, f"{path}: {describe(violations)}"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_tour_pages_have_no_axe_violations(page):
    """The factory tour list (with filters, chips, the class check and an ignored value) and a detail page."""
    from tests.factories import FactoryTourFactory

    tour = FactoryTourFactory(
        name="製紙工場見学", group_min=10, group_max=40, months=[5, 6, 7, 8, 9, 10], bus_parking=True
    )
    FactoryTourFactory(name="溶接体験工房", municipality_code="012131")
    for path in [
        "/tours/",
        "/tours/?group_size=38&month=10&bus_parking=1&near=012084",
        "/tours/?group_size=abc&industry=spaceships",
        "/en/tours/?q=製紙",
        f"/tours/{tour.pk}/",
        f"/en/tours/{tour.pk}/",
    ]:
        response = page.goto(path)
        assert response.status == 200, path
        violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
        assert not violations, f"{path}: {describe(violations)}"
