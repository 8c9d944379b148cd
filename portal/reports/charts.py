"""Server-side charts for the staff reports: accessible inline SVG, the same in a browser and in a WeasyPrint PDF.

    bar_chart(title=…, rows=[("石狩", 120), …], previous=[98, …], unit="人")   # horizontal bars
    column_chart(title=…, labels=["4月", …], values=[…], previous=[…], unit="人")  # vertical columns

Each returns a ``SafeString``: an ``<svg role="img" aria-labelledby="…">`` whose ``<title>`` is the title and
whose ``<desc>`` says what the data shows in words (total, the top three, last year's total), so a screen
reader needs no picture. The title is not drawn: the page's heading says it.

- Sizes come from the ``viewBox`` (and width/height attributes for WeasyPrint, which need no CSS):
  ``static/css/staff-charts.css`` lets the chart shrink to a phone's width.
- No ``style`` attribute and no ``<style>`` element (a strict Content-Security-Policy forbids inline styles):
  colours and fonts are SVG presentation attributes, which the page's CSS may override.
- Every text is XML-escaped; values must be finite and not negative (``ValueError`` otherwise).
- Last year's values, when given, are drawn as a thin grey bar beside this year's, and a legend appears.
  Colour is never the only channel: this year's bar is thick, last year's thin, so a grayscale print reads.
"""

import itertools
import math
import unicodedata
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

WIDTH = 640  # the viewBox width: an A4 page's text column at 96 dpi, a desktop's content column
FONT_SIZE = 13  # labels and values; ticks and secondary values use SMALL_SIZE
SMALL_SIZE = 12
FONT_FAMILY = "'BIZ UDPGothic', 'Hiragino Sans', 'Noto Sans JP', 'Noto Sans CJK JP', 'Yu Gothic', sans-serif"
PAD = 8

INK = "#1b1f24"  # text: 16.8:1 on white
MUTED = "#4a5561"  # ticks, last year's values: 7.6:1
CURRENT = "#0b4f8a"  # this year's bars (the portal's brand blue): 8.0:1, dark grey in grayscale
PREVIOUS = "#6b7682"  # last year's bars: 4.6:1 on white (non-text contrast needs 3:1), mid grey in grayscale
GRID = "#d5dce3"
AXIS = "#4a5561"

LABEL_MAX_WIDTH = 220  # longer category labels are shortened with "…" (the full label is in the tooltip)

_ids = itertools.count(1)


# --- Small helpers -------------------------------------------------------------------------------


def text_width(text: str, size: float) -> float:
    """An estimate of the width of ``text`` set at ``size``: full-width (CJK) characters are one em, others
    about 0.6 em. Good enough to lay out labels without a font engine."""
    return sum(size if unicodedata.east_asian_width(char) in "WF" else size * 0.6 for char in text)


def shorten(text: str, size: float, max_width: float) -> str:
    """``text`` cut with "…" so that it fits ``max_width`` at ``size``."""
    if text_width(text, size) <= max_width:
        return text
    kept = ""
    for char in text:
        if text_width(kept + char + "…", size) > max_width:
            break
        kept += char
    return kept + "…"


def format_number(value: float) -> str:
    """1234 → "1,234"; 12.5 → "12.5"; 0.35 → "0.35"; 3.0 → "3" (at most two decimals, none for integers)."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def with_unit(value: float, unit: str) -> str:
    """The value with its unit: 12人 (a Japanese unit is written close), 12 km (a Latin one after a space)."""
    number = format_number(value)
    if not unit:
        return number
    if unit[0].isascii() and unit[0].isalnum():
        return f"{number} {unit}"
    return f"{number}{unit}"


def nice_ticks(maximum: float, *, integers: bool, target: int = 5) -> list[float]:
    """Axis ticks from 0 to at least ``maximum`` in steps of 1, 2 or 5 × 10ⁿ (about ``target`` steps);
    steps of whole numbers only when the data are counts."""
    if maximum <= 0:
        return [0, 1]
    raw = maximum / target
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    if integers:
        step = max(1, round(step))
    count = math.ceil(maximum / step - 1e-9)
    ticks = [round(i * step, 10) for i in range(count + 1)]
    return [int(t) if float(t).is_integer() else t for t in ticks]


def _checked(values: Sequence[float], name: str) -> list[float]:
    checked = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int | float):
            try:
                value = float(value)
            except (TypeError, ValueError):
                raise ValueError(f"{name}: {value!r} is not a number") from None
        if not math.isfinite(value):
            raise ValueError(f"{name}: {value!r} is not a finite number")
        if value < 0:
            raise ValueError(f"{name}: {value!r} is negative; a chart of counts cannot show it")
        checked.append(value)
    return checked


def _previous(previous: Sequence[float] | None, length: int) -> list[float] | None:
    if previous is None:
        return None
    values = _checked(previous, "previous")
    if len(values) != length:
        raise ValueError(f"previous has {len(values)} values for {length} categories")
    return values


def _attrs(**attributes) -> str:
    """XML attributes from keyword arguments (``class_`` → class, ``aria_hidden`` → aria-hidden)."""
    parts = []
    for name, value in attributes.items():
        if value is None:
            continue
        name = name.rstrip("_").replace("_", "-")
        if isinstance(value, float):
            value = f"{value:.2f}".rstrip("0").rstrip(".")
        parts.append(f'{name}="{escape(value)}"')
    return " ".join(parts)


def _text(x: float, y: float, content: str, **attributes) -> str:
    return f"<text {_attrs(x=float(x), y=float(y), **attributes)}>{escape(content)}</text>"


def _describe(labels: Sequence[str], values: Sequence[float], previous: Sequence[float] | None, unit: str) -> str:
    """The data in words, for the <desc>: how many categories, the total, the three highest, last year."""
    if not values or (not any(values) and not any(previous or ())):
        return gettext("No data.")
    parts = [
        gettext("%(count)d categories; total %(total)s.")
        % {"count": len(values), "total": with_unit(sum(values), unit)}
    ]
    ranked = sorted(zip(labels, values, strict=True), key=lambda item: -item[1])
    top = [f"{label} {with_unit(value, unit)}" for label, value in ranked[:3] if value > 0]
    if top:
        parts.append(gettext("Highest: %(top)s.") % {"top": gettext(", ").join(top)})
    if previous is not None:
        parts.append(gettext("Previous year: total %(total)s.") % {"total": with_unit(sum(previous), unit)})
    return " ".join(parts)


def element_id(prefix: str) -> str:
    """An id for a <title> or <desc> that no other chart or map on the page has."""
    return f"{prefix}-{next(_ids)}"


def _svg(*, title: str, desc: str, width: float, height: float, body: list[str], kind: str) -> SafeString:
    number = element_id("chart")
    title_id, desc_id = f"{number}-title", f"{number}-desc"
    head = _attrs(
        xmlns="http://www.w3.org/2000/svg",
        class_=f"chart chart-{kind}",
        viewBox=f"0 0 {width:.0f} {height:.0f}",
        width=f"{width:.0f}",
        height=f"{height:.0f}",
        role="img",
        aria_labelledby=f"{title_id} {desc_id}",
        font_family=FONT_FAMILY,
        font_size=str(FONT_SIZE),
    )
    return mark_safe(  # noqa: S308 - every text and attribute above went through escape()
        f"<svg {head}>"
        f'<title id="{title_id}">{escape(title)}</title>'
        f'<desc id="{desc_id}">{escape(desc)}</desc>' + "".join(body) + "</svg>"
    )


def _no_data(*, title: str, kind: str) -> SafeString:
    height = 80
    body = [
        f"<rect {_attrs(x=0.5, y=0.5, width=str(WIDTH - 1), height=str(height - 1), fill='#ffffff')} "
        f'stroke="{GRID}" rx="6"/>',
        _text(WIDTH / 2, height / 2 + 5, gettext("No data for this period"), fill=MUTED, text_anchor="middle"),
    ]
    return _svg(title=title, desc=gettext("No data."), width=WIDTH, height=height, body=body, kind=kind)


def _legend(x: float, y: float) -> list[str]:
    """This year (a thick bar) and last year (a thin bar), in a row starting at (x, y) (the top)."""
    this_year, previous_year = gettext("This year"), gettext("Previous year")
    second = x + 22 + text_width(this_year, SMALL_SIZE) + 18
    return [
        '<g class="chart-legend">',
        f"<rect {_attrs(x=float(x), y=float(y + 2), width='16', height='10', fill=CURRENT)}/>",
        _text(x + 22, y + 11, this_year, fill=INK, font_size=str(SMALL_SIZE)),
        f"<rect {_attrs(x=float(second), y=float(y + 5), width='16', height='4', fill=PREVIOUS)}/>",
        _text(second + 22, y + 11, previous_year, fill=INK, font_size=str(SMALL_SIZE)),
        "</g>",
    ]


# --- Horizontal bars -----------------------------------------------------------------------------


def bar_chart(
    *, title: str, rows: Sequence[tuple[str, float]], previous: Sequence[float] | None = None, unit: str = ""
) -> SafeString:
    """Horizontal bars, one per (label, value) row in the given order, each labelled with its value;
    ``previous`` (last year's values, same order) adds a thin grey bar under each and a legend."""
    labels = [str(label) for label, _value in rows]
    values = _checked([value for _label, value in rows], "rows")
    last = _previous(previous, len(values))
    if not values or (not any(values) and not any(last or ())):
        return _no_data(title=title, kind="bar")
    integers = all(float(v).is_integer() for v in [*values, *(last or ())])
    ticks = nice_ticks(max([*values, *(last or ())]), integers=integers)
    top_value = ticks[-1]

    label_width = min(LABEL_MAX_WIDTH, max(text_width(label, FONT_SIZE) for label in labels))
    value_width = max(text_width(with_unit(v, unit), FONT_SIZE) for v in [*values, *(last or ())]) + 8
    x0 = PAD + label_width + 10
    x1 = WIDTH - PAD - value_width
    plot_width = x1 - x0
    legend_height = 26 if last is not None else 0
    top = PAD + legend_height
    bar_height = 16
    row_height = 38 if last is not None else 26
    plot_height = row_height * len(values)
    height = top + plot_height + 26 + PAD

    def scale(value: float) -> float:
        return value / top_value * plot_width

    body = []
    if last is not None:
        body += _legend(x0, PAD)
    body.append('<g class="chart-grid" aria-hidden="true">')
    for tick in ticks:
        x = x0 + scale(tick)
        body.append(
            f"<line {_attrs(x1=x, y1=float(top - 4), x2=x, y2=float(top + plot_height))} "
            f'stroke="{AXIS if tick == 0 else GRID}" stroke-width="1"/>'
        )
        body.append(
            _text(
                x,
                top + plot_height + 17,
                format_number(tick),
                fill=MUTED,
                font_size=str(SMALL_SIZE),
                text_anchor="middle",
            )
        )
    body.append("</g>")
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + index * row_height + (row_height - (bar_height + (9 if last is not None else 0))) / 2
        tooltip = f"{label}: {with_unit(value, unit)}"
        if last is not None:
            tooltip += " (" + gettext("previous year: %(value)s") % {"value": with_unit(last[index], unit)} + ")"
        body.append(f'<g class="chart-row"><title>{escape(tooltip)}</title>')
        body.append(
            _text(
                x0 - 10,
                y + bar_height / 2 + 4.5,
                shorten(label, FONT_SIZE, LABEL_MAX_WIDTH),
                fill=INK,
                text_anchor="end",
            )
        )
        body.append(
            f"<rect {_attrs(class_='bar-current', x=x0, y=float(y), width=scale(value), height=str(bar_height))} "
            f'fill="{CURRENT}"/>'
        )
        body.append(_text(x0 + scale(value) + 5, y + bar_height / 2 + 4.5, with_unit(value, unit), fill=INK))
        if last is not None:
            previous_y = y + bar_height + 3
            body.append(
                f"<rect {_attrs(class_='bar-previous', x=x0, y=float(previous_y), width=scale(last[index]))} "
                f'height="6" fill="{PREVIOUS}"/>'
            )
            if last[index]:
                body.append(
                    _text(
                        x0 + scale(last[index]) + 5,
                        previous_y + 7.5,
                        with_unit(last[index], unit),
                        fill=MUTED,
                        font_size=str(SMALL_SIZE),
                    )
                )
        body.append("</g>")
    desc = _describe(labels, values, last, unit)
    return _svg(title=title, desc=desc, width=WIDTH, height=height, body=body, kind="bar")


# --- Vertical columns ----------------------------------------------------------------------------


def column_chart(
    *,
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    previous: Sequence[float] | None = None,
    unit: str = "",
) -> SafeString:
    """Vertical columns, one per label in the given order (e.g. the months 4月 … 3月), each with its value
    above; ``previous`` (last year's values, same order) adds a thin grey column beside each and a legend."""
    labels = [str(label) for label in labels]
    values = _checked(values, "values")
    if len(labels) != len(values):
        raise ValueError(f"{len(labels)} labels for {len(values)} values")
    last = _previous(previous, len(values))
    if not values or (not any(values) and not any(last or ())):
        return _no_data(title=title, kind="column")
    integers = all(float(v).is_integer() for v in [*values, *(last or ())])
    ticks = nice_ticks(max([*values, *(last or ())]), integers=integers)
    top_value = ticks[-1]

    tick_width = max(text_width(format_number(t), SMALL_SIZE) for t in ticks)
    x0 = PAD + tick_width + 8
    x1 = WIDTH - PAD
    slot = (x1 - x0) / len(values)
    # category labels: level when they fit their slot, else turned 45° (and shortened to 8 em)
    widest = max(text_width(label, SMALL_SIZE) for label in labels)
    rotate = widest > slot - 4
    label_height = 22 if not rotate else min(widest, SMALL_SIZE * 8) * 0.72 + 16
    legend_height = 26 if last is not None else 0
    top = PAD + legend_height + 18  # room for the value above the highest column
    plot_height = 220
    bottom = top + plot_height
    height = bottom + label_height + PAD

    def scale(value: float) -> float:
        return value / top_value * plot_height

    column_width = slot * (0.5 if last is not None else 0.62)
    previous_width = max(3.0, slot * 0.14)
    body = []
    if last is not None:
        body += _legend(x0, PAD)
    body.append('<g class="chart-grid" aria-hidden="true">')
    for tick in ticks:
        y = bottom - scale(tick)
        body.append(
            f'<line {_attrs(x1=x0, y1=y, x2=float(x1), y2=y)} stroke="{AXIS if tick == 0 else GRID}" stroke-width="1"/>'
        )
        body.append(_text(x0 - 6, y + 4, format_number(tick), fill=MUTED, font_size=str(SMALL_SIZE), text_anchor="end"))
    body.append("</g>")
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        left = x0 + index * slot + (slot - column_width - (previous_width + 2 if last is not None else 0)) / 2
        tooltip = f"{label}: {with_unit(value, unit)}"
        if last is not None:
            tooltip += " (" + gettext("previous year: %(value)s") % {"value": with_unit(last[index], unit)} + ")"
        body.append(f'<g class="chart-row"><title>{escape(tooltip)}</title>')
        body.append(
            f"<rect {_attrs(class_='bar-current', x=left, y=bottom - scale(value), width=column_width)} "
            f'{_attrs(height=scale(value))} fill="{CURRENT}"/>'
        )
        if value:  # an empty month stays quiet: its 0 is in the tooltip and the table
            body.append(
                _text(
                    left + column_width / 2,
                    bottom - scale(value) - 5,
                    format_number(value),
                    fill=INK,
                    font_size=str(SMALL_SIZE),
                    text_anchor="middle",
                )
            )
        if last is not None:
            body.append(
                f"<rect {_attrs(class_='bar-previous', x=left + column_width + 2, y=bottom - scale(last[index]))} "
                f'{_attrs(width=previous_width, height=scale(last[index]))} fill="{PREVIOUS}"/>'
            )
        centre = x0 + index * slot + slot / 2
        if rotate:
            short = shorten(label, SMALL_SIZE, SMALL_SIZE * 8)
            body.append(
                _text(
                    centre,
                    bottom + 14,
                    short,
                    fill=INK,
                    font_size=str(SMALL_SIZE),
                    text_anchor="end",
                    transform=f"rotate(-45 {centre:.1f} {bottom + 14:.1f})",
                )
            )
        else:
            body.append(_text(centre, bottom + 17, label, fill=INK, font_size=str(SMALL_SIZE), text_anchor="middle"))
        body.append("</g>")
    desc = _describe(labels, values, last, unit)
    return _svg(title=title, desc=desc, width=WIDTH, height=height, body=body, kind="column")
