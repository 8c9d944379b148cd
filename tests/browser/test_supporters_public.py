"""Issue 7 in chromium: a teacher looks for a supporter company by industry in the directory, opens its
profile, sees its tour and the mark; axe finds nothing on either page (Japanese and English)."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from supporters.models import SupporterStatus
from tests.browser.test_accessibility import AXE_OPTIONS, describe
from tests.factories import FactoryTourFactory, SupporterCompanyFactory

browser_test = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def assert_no_axe_violations(page, what):
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    assert not violations, f"{what}: {describe(violations)}"


def card_names(page) -> list[str]:
    return page.locator(".supporter-card h3").all_inner_texts()


@pytest.mark.browser
@browser_test
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_find_a_supporter_by_industry_and_open_its_profile(page, artifacts, prefix):
    brewer = SupporterCompanyFactory(
        name="小樽酒造株式会社",
        name_kana="オタルシュゾウ",
        municipality_code="012033",
        industry="brewing",
        offers=["factory_tour", "teacher_tour"],
        pr_message="酒蔵で、米が酒になるまでを見てください。",
    )
    SupporterCompanyFactory(name="北見精密工業株式会社", name_kana="キタミセイミツ", industry="machinery")
    SupporterCompanyFactory(name="審査中工業株式会社", status=SupporterStatus.PENDING_REVIEW, registration_number=None)
    FactoryTourFactory(name="酒蔵見学コース", supporter=brewer)

    assert page.goto(f"{prefix}/supporters/").status == 200
    assert sorted(card_names(page)) == sorted(["小樽酒造株式会社", "北見精密工業株式会社"])
    assert_no_axe_violations(page, "directory")

    page.select_option("#id_industry", "brewing")
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_url("**/supporters/?*industry=brewing*")
    assert card_names(page) == ["小樽酒造株式会社"]
    assert "酒蔵見学コース" in page.content()
    assert_no_axe_violations(page, "filtered directory")
    page.screenshot(path=str(artifacts / f"supporters-directory{prefix.replace('/', '-')}.png"), full_page=True)

    page.get_by_role("link", name="小樽酒造株式会社").click()
    page.wait_for_url(f"**{prefix}/supporters/{brewer.pk}/")
    assert page.locator("h1").inner_text().startswith("小樽酒造株式会社")
    assert page.locator("#mark-snippet").input_value().startswith('<a href="http://')
    # the mark is served and shown
    assert page.locator(f"img[src$='/supporters/{brewer.pk}/mark.svg']").evaluate("img => img.naturalWidth") > 0
    assert_no_axe_violations(page, "profile")
    page.screenshot(path=str(artifacts / f"supporter-profile{prefix.replace('/', '-')}.png"), full_page=True)
