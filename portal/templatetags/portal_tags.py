from django import template

from portal import dates
from portal.choices import Audience

register = template.Library()


@register.filter
def jdate(value):
    """{{ meeting.held_on|jdate }} → 2026年5月9日(土) / Sat 9 May 2026."""
    return dates.format_date(value) if value else ""


@register.filter
def fiscal_year_label(year):
    """{{ 2026|fiscal_year_label }} → 2026年度 (令和8年度) / FY2026 (Reiwa 8)."""
    return dates.format_fiscal_year(int(year)) if year not in (None, "") else ""


@register.filter
def localized(obj, field):
    """{{ organisation|localized:"name" }}: the English field in English when it is filled in."""
    return obj.localized(field) if obj is not None else ""


@register.filter
def audience_labels(values) -> list[str]:
    """{{ tour.audiences|audience_labels }} → ["小学生", "中学生"]: the shared audiences in words, in their order."""
    chosen = set(values or ())
    return [str(label) for value, label in Audience.choices if value in chosen]
