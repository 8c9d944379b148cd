"""Japanese dates: the fiscal year (年度, April to March) and the era (元号), in one place.

A fiscal year is named by the calendar year in which it starts: 2026年度 runs from 2026-04-01 to
2027-03-31. Its era name is the era in effect for most of it (on its 1 October), which gives the names
in official use: 昭和63年度 for FY1988 (the era changed on 1989-01-08), 令和元年度 for FY2019 (the era
changed on 2019-05-01).
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import get_language


@dataclass(frozen=True)
class Era:
    name: str  # 令和
    name_en: str  # Reiwa
    start: dt.date


ERAS = (  # newest first
    Era("令和", "Reiwa", dt.date(2019, 5, 1)),
    Era("平成", "Heisei", dt.date(1989, 1, 8)),
    Era("昭和", "Showa", dt.date(1926, 12, 25)),
    Era("大正", "Taisho", dt.date(1912, 7, 30)),
    Era("明治", "Meiji", dt.date(1868, 10, 23)),
)

WEEKDAYS_JA = "月火水木金土日"
FISCAL_YEAR_START_MONTH = 4


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


def today() -> dt.date:
    return timezone.localdate()


def fiscal_year(value: dt.date | dt.datetime | None = None) -> int:
    """The fiscal year (年度) of a date or datetime (aware datetimes count in Tokyo time); today by default."""
    day = _as_date(value) if value is not None else today()
    return day.year if day.month >= FISCAL_YEAR_START_MONTH else day.year - 1


def fiscal_year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """First and last day of a fiscal year: (year-04-01, (year+1)-03-31)."""
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


def era_of(value: dt.date | dt.datetime) -> tuple[Era, int]:
    """The era and the year within it (1 for 元年) of a date."""
    day = _as_date(value)
    for era in ERAS:
        if day >= era.start:
            return era, day.year - era.start.year + 1
    raise ValueError(f"{day} is before the Meiji era")


def fiscal_year_era(year: int) -> tuple[Era, int]:
    return era_of(dt.date(year, 10, 1))


def _era_year_ja(number: int) -> str:
    return "元" if number == 1 else str(number)


def format_fiscal_year(year: int, language: str | None = None) -> str:
    """2026年度 (令和8年度) in Japanese, FY2026 (Reiwa 8) in English."""
    era, number = fiscal_year_era(year)
    if (language or get_language() or "ja").startswith("en"):
        return f"FY{year} ({era.name_en} {number})"
    return f"{year}年度 ({era.name}{_era_year_ja(number)}年度)"


def format_era_date(value: dt.date | dt.datetime) -> str:
    """令和8年5月9日: the form used on certificates and official documents."""
    day = _as_date(value)
    era, number = era_of(day)
    return f"{era.name}{_era_year_ja(number)}年{day.month}月{day.day}日"


def format_date(value: dt.date | dt.datetime, language: str | None = None) -> str:
    """2026年5月9日(土) in Japanese, Sat 9 May 2026 in English."""
    day = _as_date(value)
    if (language or get_language() or "ja").startswith("en"):
        return f"{day:%a} {day.day} {day:%B %Y}"
    return f"{day.year}年{day.month}月{day.day}日({WEEKDAYS_JA[day.weekday()]})"
