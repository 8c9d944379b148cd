"""The fiscal year (年度) and era helpers in portal/dates.py, at their boundaries."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from portal import dates

TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (dt.date(2026, 3, 31), 2025),
        (dt.date(2026, 4, 1), 2026),
        (dt.date(2026, 12, 31), 2026),
        (dt.date(2027, 1, 1), 2026),
        (dt.date(2027, 3, 31), 2026),
        (dt.date(2027, 4, 1), 2027),
    ],
)
def test_fiscal_year_starts_on_april_first(day, year):
    assert dates.fiscal_year(day) == year


def test_aware_datetimes_count_in_tokyo_time():
    # 2026-03-31 15:30 UTC is 2026-04-01 00:30 in Tokyo: already the new fiscal year.
    assert dates.fiscal_year(dt.datetime(2026, 3, 31, 15, 30, tzinfo=dt.UTC)) == 2026
    assert dates.fiscal_year(dt.datetime(2026, 3, 31, 14, 59, tzinfo=dt.UTC)) == 2025
    assert dates.fiscal_year(dt.datetime(2026, 4, 1, 0, 0, tzinfo=TOKYO)) == 2026


def test_fiscal_year_bounds():
    assert dates.fiscal_year_bounds(2026) == (dt.date(2026, 4, 1), dt.date(2027, 3, 31))


@pytest.mark.parametrize(
    ("day", "era", "number"),
    [
        (dt.date(2019, 4, 30), "平成", 31),
        (dt.date(2019, 5, 1), "令和", 1),
        (dt.date(1989, 1, 7), "昭和", 64),
        (dt.date(1989, 1, 8), "平成", 1),
        (dt.date(2026, 11, 26), "令和", 8),
    ],
)
def test_era_change(day, era, number):
    found, year = dates.era_of(day)
    assert (found.name, year) == (era, number)


@pytest.mark.parametrize(
    ("year", "label"),
    [
        (2026, "2026年度 (令和8年度)"),
        (2019, "2019年度 (令和元年度)"),  # the era changed on 1 May 2019, early in the fiscal year
        (2018, "2018年度 (平成30年度)"),
        (2008, "2008年度 (平成20年度)"),
        (1989, "1989年度 (平成元年度)"),
        (1988, "1988年度 (昭和63年度)"),  # the era changed on 8 January 1989, late in the fiscal year
    ],
)
def test_fiscal_year_label_in_japanese(year, label):
    assert dates.format_fiscal_year(year, "ja") == label


def test_fiscal_year_label_in_english():
    assert dates.format_fiscal_year(2026, "en") == "FY2026 (Reiwa 8)"
    assert dates.format_fiscal_year(2019, "en") == "FY2019 (Reiwa 1)"


def test_language_follows_the_active_translation():
    with translation.override("en"):
        assert dates.format_fiscal_year(2026) == "FY2026 (Reiwa 8)"
        assert dates.format_date(dt.date(2026, 5, 9)) == "Sat 9 May 2026"
    with translation.override("ja"):
        assert dates.format_fiscal_year(2026) == "2026年度 (令和8年度)"
        assert dates.format_date(dt.date(2026, 5, 9)) == "2026年5月9日(土)"


def test_japanese_dates():
    assert dates.format_date(dt.date(2026, 5, 9), "ja") == "2026年5月9日(土)"
    assert dates.format_date(dt.date(2026, 5, 10), "ja") == "2026年5月10日(日)"
    assert dates.format_era_date(dt.date(2019, 5, 1)) == "令和元年5月1日"
    assert dates.format_era_date(dt.date(2019, 4, 30)) == "平成31年4月30日"


def test_dates_before_meiji_are_refused():
    with pytest.raises(ValueError, match="before the Meiji era"):
        dates.era_of(dt.date(1868, 1, 1))
