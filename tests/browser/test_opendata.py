"""Issue 9 in chromium: the open data page and a dataset's column dictionary, with data in every dataset; axe
finds nothing on either (Japanese and English), and the download links lead to the files."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.test_accessibility import AXE_OPTIONS, describe
from tests.factories import (
    ExperienceEventFactory,
    FactoryTourFactory,
    SeminarFactory,
    SessionFactory,
    SupporterCompanyFactory,
)

browser_test = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def assert_no_axe_violations(page, what):
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    assert not violations, f"{what}: {describe(violations)}"


@pytest.mark.browser
@browser_test
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_open_data_pages_have_no_axe_violations(page, prefix):
    FactoryTourFactory(name="溶接ロボット工場")
    SessionFactory(offering=ExperienceEventFactory(title="親子で旋盤体験"), label="午前の部")
    SessionFactory(offering=SeminarFactory(title="保護者向けセミナー"), days=20)
    SupporterCompanyFactory(name="北見精密工業株式会社")

    assert page.goto(f"{prefix}/opendata/").status == 200
    assert page.locator("h2", has_text="CSV").count() == 0  # the formats are links, not headings
    assert page.locator("section.dataset").count() == 6
    assert_no_axe_violations(page, f"{prefix}/opendata/")

    page.locator(f'a[href="{prefix}/opendata/events/"]').click()
    page.wait_for_url(f"**{prefix}/opendata/events/")
    assert page.locator("table.column-dictionary tbody tr").count() == 32
    assert_no_axe_violations(page, f"{prefix}/opendata/events/")

    with page.expect_download() as download:
        page.locator(f'a[href="{prefix}/opendata/events.csv"]').click()
    assert download.value.suggested_filename.startswith("events_")

    assert page.goto(f"{prefix}/opendata/map/").status == 200
    assert_no_axe_violations(page, f"{prefix}/opendata/map/")
