"""The staff reports' server-side charts (portal/reports/charts.py): accessible, escaped, proportional SVG."""

import math
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation
from django.utils.safestring import SafeString

from portal.reports.charts import bar_chart, column_chart, format_number, nice_ticks, with_unit

SVG = "{http://www.w3.org/2000/svg}"

SUBPREFECTURES = ["空知", "石狩", "後志", "胆振", "日高", "渡島", "檜山", "上川", "留萌", "宗谷", "オホーツク", "十勝"]
MONTHS = ["4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月", "1月", "2月", "3月"]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(str(svg))  # noqa: S314


def rects(root: ET.Element, cls: str) -> list[ET.Element]:
    return [rect for rect in root.iter(f"{SVG}rect") if rect.get("class") == cls]


def texts(root: ET.Element) -> list[str]:
    return ["".join(text.itertext()) for text in root.iter(f"{SVG}text")]


def described_by(root: ET.Element) -> tuple[str, str]:
    """The texts of the <title> and <desc> that aria-labelledby points at."""
    ids = root.get("aria-labelledby").split()
    by_id = {element.get("id"): "".join(element.itertext()) for element in root.iter() if element.get("id")}
    assert len(ids) == 2 and all(i in by_id for i in ids)
    return by_id[ids[0]], by_id[ids[1]]


# --- Structure ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "chart",
    [
        lambda: bar_chart(title="振興局別の参加者", rows=list(zip(SUBPREFECTURES, range(12), strict=True)), unit="人"),
        lambda: column_chart(title="振興局別の参加者", labels=MONTHS, values=list(range(12)), unit="人"),
    ],
)
def test_a_chart_is_an_accessible_svg_image_sized_by_its_viewbox(chart):
    svg = chart()
    assert isinstance(svg, SafeString)
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title, desc = described_by(root)
    assert title == "振興局別の参加者"
    assert root[0].tag == f"{SVG}title" and root[1].tag == f"{SVG}desc"  # first children, as ARIA expects
    assert desc
    x, y, width, height = (float(n) for n in root.get("viewBox").split())
    assert (x, y) == (0, 0) and width == float(root.get("width")) and height == float(root.get("height"))
    assert 'style="' not in svg and "<style" not in svg and "<script" not in svg  # a strict CSP comes


def test_every_text_is_at_least_12px_at_the_natural_size():
    svg = bar_chart(title="t", rows=[("a", 1), ("b", 2)], previous=[2, 1])
    root = parse(svg)
    default = float(root.get("font-size"))
    sizes = [float(text.get("font-size") or default) for text in root.iter(f"{SVG}text")]
    assert sizes and min(sizes) >= 12


def test_two_charts_on_one_page_have_distinct_ids():
    first, second = (parse(bar_chart(title="同じ題", rows=[("a", 1)])) for _ in range(2))
    assert not {e.get("id") for e in first.iter() if e.get("id")} & {e.get("id") for e in second.iter() if e.get("id")}


def test_labels_and_title_are_escaped():
    nasty = "A&B <i>\"q'"
    svg = bar_chart(title=nasty, rows=[(nasty, 3), ("普通", 1)], unit="<人>")
    assert "<i>" not in svg
    root = parse(svg)  # well-formed XML despite & < > " '
    title, desc = described_by(root)
    assert title == nasty
    assert nasty in texts(root)
    assert "3<人>" in texts(root)
    assert nasty in desc
    column = parse(column_chart(title=nasty, labels=[nasty, "x"], values=[1, 2]))
    assert described_by(column)[0] == nasty


# --- Values and proportions ------------------------------------------------------------------------


def test_bar_lengths_are_proportional_to_the_values_and_labelled():
    values = [120, 860, 45, 0, 12]
    root = parse(bar_chart(title="t", rows=list(zip(SUBPREFECTURES, values, strict=False)), unit="人"))
    widths = [float(rect.get("width")) for rect in rects(root, "bar-current")]
    assert len(widths) == 5
    assert widths[3] == 0
    for value, width in zip(values, widths, strict=True):
        assert width == pytest.approx(widths[1] * value / 860, abs=0.02)
    # all bars start at the same baseline, and each value is written out
    assert len({rect.get("x") for rect in rects(root, "bar-current")}) == 1
    assert {"120人", "860人", "45人", "0人", "12人"} <= set(texts(root))
    assert {"空知", "石狩", "後志", "胆振", "日高"} <= set(texts(root))


def test_the_axis_has_1_2_5_ticks_and_the_longest_bar_does_not_overflow_it():
    root = parse(bar_chart(title="t", rows=[("a", 860), ("b", 100)]))
    assert [t for t in texts(root) if t in {"0", "200", "400", "600", "800", "1,000"}] == [
        "0",
        "200",
        "400",
        "600",
        "800",
        "1,000",
    ]
    longest = max(float(rect.get("width")) for rect in rects(root, "bar-current"))
    x = float(rects(root, "bar-current")[0].get("x"))
    assert x + longest / 0.86 <= float(root.get("width"))


def test_column_heights_are_proportional_and_stand_on_one_baseline():
    values = [30, 120, 85, 240, 310, 150, 90, 60, 20, 15, 40, 75]
    root = parse(column_chart(title="月別", labels=MONTHS, values=values, unit="人"))
    columns = rects(root, "bar-current")
    heights = [float(rect.get("height")) for rect in columns]
    for value, height in zip(values, heights, strict=True):
        assert height == pytest.approx(heights[4] * value / 310, abs=0.02)
    bottoms = {round(float(rect.get("y")) + float(rect.get("height")), 1) for rect in columns}
    assert len(bottoms) == 1
    lefts = [float(rect.get("x")) for rect in columns]
    assert lefts == sorted(lefts)  # in the order given: 4月 first
    assert [t for t in texts(root) if t in MONTHS] == MONTHS


def test_long_category_labels_are_shortened_but_kept_whole_in_the_tooltip():
    long = "とても長いラベルとても長いラベルとても長いラベルとても長いラベル"
    root = parse(bar_chart(title="t", rows=[(long, 1)]))
    shown = [t for t in texts(root) if t.startswith("とても")]
    assert len(shown) == 1 and shown[0].endswith("…") and len(shown[0]) < len(long)
    assert any(long in "".join(title.itertext()) for title in root.iter(f"{SVG}title"))


def test_fractions_keep_two_decimals_and_integers_none():
    assert format_number(0.35) == "0.35"
    assert format_number(1234) == "1,234"
    assert format_number(3.0) == "3"
    assert with_unit(12, "人") == "12人"
    assert with_unit(12, "km") == "12 km"


@pytest.mark.parametrize(
    ("maximum", "integers", "ticks"),
    [
        (860, True, [0, 200, 400, 600, 800, 1000]),
        (3, True, [0, 1, 2, 3]),
        (7, True, [0, 2, 4, 6, 8]),
        (1, True, [0, 1]),
        (0.8, False, [0, 0.2, 0.4, 0.6, 0.8]),
        (45, True, [0, 10, 20, 30, 40, 50]),
        (0, True, [0, 1]),
    ],
)
def test_nice_ticks(maximum, integers, ticks):
    assert nice_ticks(maximum, integers=integers) == ticks


def test_the_description_says_the_total_and_the_top_three_in_words():
    rows = [("空知", 120), ("石狩", 860), ("後志", 45), ("胆振", 230), ("日高", 12)]
    with translation.override("en"):
        _title, desc = described_by(parse(bar_chart(title="t", rows=rows, unit="人")))
    assert "total 1,267人" in desc
    assert "石狩 860人, 胆振 230人, 空知 120人" in desc
    assert "後志" not in desc


# --- Empty, zero and bad data ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "chart",
    [
        lambda: bar_chart(title="空", rows=[]),
        lambda: bar_chart(title="空", rows=[("a", 0), ("b", 0)]),
        lambda: column_chart(title="空", labels=[], values=[]),
        lambda: column_chart(title="空", labels=MONTHS, values=[0] * 12, previous=[0] * 12),
    ],
)
def test_no_data_is_said_inside_the_svg(chart):
    with translation.override("en"):
        root = parse(chart())
    assert "No data for this period" in texts(root)
    assert described_by(root) == ("空", "No data.")
    assert rects(root, "bar-current") == []


def test_zero_this_year_but_data_last_year_is_still_drawn():
    root = parse(column_chart(title="t", labels=["a", "b"], values=[0, 0], previous=[3, 1]))
    assert [float(r.get("height")) for r in rects(root, "bar-current")] == [0, 0]
    heights = [float(r.get("height")) for r in rects(root, "bar-previous")]
    assert heights[0] == pytest.approx(3 * heights[1], abs=0.02) and heights[0] > 0


@pytest.mark.parametrize(
    "call",
    [
        lambda: bar_chart(title="t", rows=[("a", -1)]),
        lambda: bar_chart(title="t", rows=[("a", 1)], previous=[-2]),
        lambda: column_chart(title="t", labels=["a"], values=[-0.5]),
        lambda: bar_chart(title="t", rows=[("a", math.nan)]),
        lambda: bar_chart(title="t", rows=[("a", math.inf)]),
        lambda: bar_chart(title="t", rows=[("a", "many")]),
        lambda: bar_chart(title="t", rows=[("a", 1), ("b", 2)], previous=[1]),
        lambda: column_chart(title="t", labels=["a", "b"], values=[1]),
    ],
)
def test_negative_missing_or_mismatched_values_are_rejected(call):
    with pytest.raises(ValueError, match=r"."):
        call()


# --- Last year's comparison -------------------------------------------------------------------------


def test_previous_year_is_a_thin_bar_on_the_same_scale_with_a_legend():
    rows = [("空知", 100), ("石狩", 50)]
    with translation.override("en"):
        root = parse(bar_chart(title="t", rows=rows, previous=[200, 25], unit="人"))
    current = [float(r.get("width")) for r in rects(root, "bar-current")]
    previous = [float(r.get("width")) for r in rects(root, "bar-previous")]
    assert previous[0] == pytest.approx(2 * current[0], abs=0.02)
    assert previous[1] == pytest.approx(current[1] / 2, abs=0.02)
    thin = float(rects(root, "bar-previous")[0].get("height"))
    thick = float(rects(root, "bar-current")[0].get("height"))
    assert thin < thick / 2  # a second channel besides colour: reads in grayscale
    legends = [g for g in root.iter(f"{SVG}g") if g.get("class") == "chart-legend"]
    assert len(legends) == 1
    assert {"This year", "Previous year"} <= set(texts(legends[0]))
    assert "200人" in texts(root) and "25人" in texts(root)
    assert "Previous year: total 225人." in described_by(root)[1]


def test_without_previous_there_is_no_legend_and_no_thin_bar():
    for svg in (
        bar_chart(title="t", rows=[("a", 1)]),
        column_chart(title="t", labels=MONTHS, values=list(range(12))),
    ):
        root = parse(svg)
        assert rects(root, "bar-previous") == []
        assert not [g for g in root.iter(f"{SVG}g") if g.get("class") == "chart-legend"]


def test_column_chart_previous_year():
    with translation.override("en"):
        root = parse(column_chart(title="t", labels=MONTHS, values=[10] * 12, previous=list(range(12)), unit="人"))
    assert len(rects(root, "bar-previous")) == 12
    assert [g for g in root.iter(f"{SVG}g") if g.get("class") == "chart-legend"]
    tooltips = ["".join(t.itertext()) for g in root.iter(f"{SVG}g") for t in g.findall(f"{SVG}title")]
    assert "4月: 10人 (previous year: 0人)" in tooltips
