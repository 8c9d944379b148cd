"""The tables of the staff report (portal.reports.figures computes what goes in them): each row a programme, a
funding scheme, a month…, each metric this year, the previous year and the difference. The page, the PDF and the
XLSX (one sheet per table) all render these objects, so they always agree.

    table = report.table("programmes")
    row = table.row("enquiry:tour")          # rows have stable keys, tables stable slugs
    row.values[0].this, row.values[0].previous, row.values[0].difference, row.values[0].difference_display
"""

import datetime as dt
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from portal.choices import Audience, EnquiryKind, EnquiryStatus
from portal.models import FundingScheme, Municipality, Subprefecture

#: pupils whose kind of school is not known (a school group's, or a request's, without a telling name)
UNKNOWN = "unknown"
AUDIENCE_ROWS = (*Audience.values, UNKNOWN)
FISCAL_MONTHS = (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)


def short_year_label(year: int) -> str:
    """2026年度 / FY2026: a column heading (the page's title has the era too, dates.format_fiscal_year)."""
    return f"FY{year}" if (translation.get_language() or "ja").startswith("en") else f"{year}年度"


def month_label(month: int) -> str:
    """4月 / Apr: a month's short name for the month table and chart."""
    if (translation.get_language() or "ja").startswith("en"):
        return dt.date(2000, month, 1).strftime("%b")
    return f"{month}月"


# --- Tables ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    label: str
    decimals: int = 0


def _format_number(value, decimals: int) -> str:
    if value is None:
        return "—"
    if decimals:
        return f"{value:,.{decimals}f}"
    return f"{int(value):,}"


@dataclass
class Pair:
    """A figure this year and the previous year; the difference is None when either is missing."""

    this: float | int | None
    previous: float | int | None
    decimals: int = 0

    @property
    def difference(self) -> float | int | None:
        if self.this is None or self.previous is None:
            return None
        difference = self.this - self.previous
        return round(difference, self.decimals) if self.decimals else difference

    @property
    def this_display(self) -> str:
        return _format_number(self.this, self.decimals)

    @property
    def previous_display(self) -> str:
        return _format_number(self.previous, self.decimals)

    @property
    def difference_display(self) -> str:
        difference = self.difference
        if difference is None:
            return "—"
        if difference == 0:
            return "±0"
        text = _format_number(abs(difference), self.decimals)
        return f"+{text}" if difference > 0 else f"−{text}"


@dataclass
class Row:
    label: str
    values: list[Pair]
    key: str = ""
    is_total: bool = False


@dataclass
class Table:
    """One table of the report: rows of figures, each metric this year, the previous year and the difference.

    The page, the PDF and the XLSX (one sheet per table) all render these objects."""

    slug: str
    title: str
    row_heading: str
    metrics: list[Metric]
    rows: list[Row]
    note: str = ""

    def row(self, key: str) -> Row:
        for row in self.rows:
            if row.key == key:
                return row
        raise KeyError(key)

    @property
    def has_groups(self) -> bool:
        """Several metrics: a heading row of metric names above the year columns."""
        return len(self.metrics) > 1


@dataclass
class Bucket:
    """What counts towards one row (a programme, a funding scheme or everything) in one year."""

    held: int = 0
    audiences: Counter = field(default_factory=Counter)
    schools: set = field(default_factory=set)
    municipalities: set = field(default_factory=set)
    enquiries: int = 0
    response_seconds: list = field(default_factory=list)
    survey_total: int = 0
    survey_answers: int = 0

    @property
    def participants(self) -> int:
        return sum(self.audiences.values())

    @property
    def median_response_days(self) -> float | None:
        if not self.response_seconds:
            return None
        return round(statistics.median(self.response_seconds) / 86400, 1)

    @property
    def survey_average(self) -> float | None:
        return round(self.survey_total / self.survey_answers, 2) if self.survey_answers else None


class Collector:
    """The facts of the year and the year before, as compute_report gathers them: buckets per programme ("programme",
    row key), per funding scheme ("scheme", id) and "total", and counters per month, subprefecture, municipality
    and (request kind, status)."""

    def __init__(self, year: int, *, boundary: dt.datetime):
        self.year = year
        self.boundary = boundary  # the first moment of ``year``
        self.buckets: dict[int, dict] = {year: defaultdict(Bucket), year - 1: defaultdict(Bucket)}
        self.months: dict[int, Counter] = {year: Counter(), year - 1: Counter()}
        self.subprefectures: dict[int, Counter] = {year: Counter(), year - 1: Counter()}
        self.coverage: dict[int, Counter] = {year: Counter(), year - 1: Counter()}
        self.statuses: dict[int, Counter] = {year: Counter(), year - 1: Counter()}

    def year_of(self, moment: dt.datetime) -> int:
        return self.year if moment >= self.boundary else self.year - 1

    def targets(self, year: int, row_key: str | None, scheme_id: int | None) -> list[Bucket]:
        buckets = self.buckets[year]
        targets = [buckets["total"], buckets[("scheme", scheme_id)]]
        if row_key is not None:
            targets.append(buckets[("programme", row_key)])
        return targets


@dataclass
class Report:
    year: int
    organisation: object | None
    tables: list[Table]
    #: municipality code → programmes that reached it (held sessions + requests carried out), this year
    coverage_counts: dict[str, int]
    previous_coverage_counts: dict[str, int]
    generated_at: dt.datetime

    @property
    def previous_year(self) -> int:
        return self.year - 1

    def table(self, slug: str) -> Table:
        for table in self.tables:
            if table.slug == slug:
                return table
        raise KeyError(slug)


# --- Tables ------------------------------------------------------------------------------------------

HELD = Metric(_("Held"))
PARTICIPANTS = Metric(_("Participants"))
SCHOOLS = Metric(_("Schools reached"))
MUNICIPALITIES = Metric(_("Municipalities reached"))
RECEIVED = Metric(_("Requests received"))
MEDIAN = Metric(_("Median response time (days)"), decimals=1)
SURVEY = Metric(_("Survey average (1–5)"), decimals=2)


def _bucket_rows(collector, keys_labels, metrics_values, total_label) -> list[Row]:
    rows = []
    for key, label, row_key in keys_labels:
        rows.append(
            Row(
                label=label,
                key=row_key,
                values=[
                    Pair(
                        value(collector.buckets[collector.year].get(key) or Bucket()),
                        value(collector.buckets[collector.year - 1].get(key) or Bucket()),
                        metric.decimals,
                    )
                    for metric, value in metrics_values
                ],
            )
        )
    total = collector.buckets
    rows.append(
        Row(
            label=total_label,
            key="total",
            is_total=True,
            values=[
                Pair(
                    value(total[collector.year].get("total") or Bucket()),
                    value(total[collector.year - 1].get("total") or Bucket()),
                    metric.decimals,
                )
                for metric, value in metrics_values
            ],
        )
    )
    return rows


REACH = (
    (HELD, lambda b: b.held),
    (PARTICIPANTS, lambda b: b.participants),
    (SCHOOLS, lambda b: len(b.schools)),
    (MUNICIPALITIES, lambda b: len(b.municipalities)),
)
REQUESTS = (
    (RECEIVED, lambda b: b.enquiries),
    (MEDIAN, lambda b: b.median_response_days),
    (SURVEY, lambda b: b.survey_average),
)


def build_tables(
    *, collector, municipalities, programmes, enquiry_sources, survey_rows, responses, counts, organisation
):
    year, previous = collector.year, collector.year - 1
    this_total = collector.buckets[year].get("total") or Bucket()
    last_total = collector.buckets[previous].get("total") or Bucket()
    all_label = str(_("Total"))

    programme_keys = [(("programme", key), label, key) for key, label in programmes]
    session_keys = [key for key, _label in programmes if not key.startswith("enquiry:")]
    enquiry_keys = [key for key, _label in programmes if key.startswith("enquiry:")]

    used_schemes = {
        key[1]
        for buckets in collector.buckets.values()
        for key in buckets
        if isinstance(key, tuple) and key[0] == "scheme"
    }
    schemes = [scheme for scheme in FundingScheme.objects.all() if scheme.pk in used_schemes or scheme.is_active]
    scheme_keys = [(("scheme", scheme.pk), scheme.display_name, f"scheme:{scheme.pk}") for scheme in schemes]
    scheme_keys.append((("scheme", None), str(_("No funding scheme")), "scheme:none"))

    def summed(keys, value) -> Pair:
        def total(y):
            buckets = collector.buckets[y]
            return sum(value(buckets[("programme", key)]) for key in keys if ("programme", key) in buckets)

        return Pair(total(year), total(previous))

    advisor_key = f"enquiry:{EnquiryKind.ADVISOR}"
    overview_rows = [
        Row(str(_("Sessions held (events and seminars)")), [summed(session_keys, lambda b: b.held)], "sessions_held"),
        Row(
            str(_("Requests carried out (visits, lectures, advisor dispatches)")),
            [summed(enquiry_keys, lambda b: b.held)],
            "requests_carried_out",
        ),
        Row(str(_("Advisor dispatches")), [summed([advisor_key], lambda b: b.held)], "advisor_dispatches"),
        Row(str(_("Participants")), [Pair(this_total.participants, last_total.participants)], "participants"),
        Row(str(_("Schools reached")), [Pair(len(this_total.schools), len(last_total.schools))], "schools"),
        Row(
            str(_("Municipalities reached (of 179)")),
            [Pair(len(this_total.municipalities), len(last_total.municipalities))],
            "municipalities",
        ),
        Row(str(_("Requests received")), [Pair(this_total.enquiries, last_total.enquiries)], "requests_received"),
        Row(
            str(_("Median response time (days)")),
            [Pair(this_total.median_response_days, last_total.median_response_days, 1)],
            "median_response_days",
        ),
        Row(str(_("Survey responses")), [Pair(responses.get(year, 0), responses.get(previous, 0))], "survey_responses"),
        Row(
            str(_("Survey average (1–5)")),
            [Pair(this_total.survey_average, last_total.survey_average, 2)],
            "survey_average",
        ),
    ]
    for source, per_year in counts:
        overview_rows.append(
            Row(str(source.label), [Pair(per_year.get(year, 0), per_year.get(previous, 0))], source.key)
        )

    year_metric = [Metric(str(_("Number")))]
    tables = [
        Table("overview", str(_("Overview")), str(_("Figure")), year_metric, overview_rows),
        Table(
            "programmes",
            str(_("Programmes: held and reached")),
            str(_("Programme")),
            [metric for metric, _value in REACH],
            _bucket_rows(collector, programme_keys, REACH, all_label),
            note=str(_("Schools and municipalities in the total row are counted once, however many programmes.")),
        ),
        Table(
            "programme-requests",
            str(_("Programmes: requests and surveys")),
            str(_("Programme")),
            [metric for metric, _value in REQUESTS],
            _bucket_rows(collector, programme_keys, REQUESTS, all_label),
        ),
        Table(
            "schemes",
            str(_("Funding schemes: held and reached")),
            str(_("Funding scheme")),
            [metric for metric, _value in REACH],
            _bucket_rows(collector, scheme_keys, REACH, all_label),
        ),
        Table(
            "scheme-requests",
            str(_("Funding schemes: requests and surveys")),
            str(_("Funding scheme")),
            [metric for metric, _value in REQUESTS],
            _bucket_rows(collector, scheme_keys, REQUESTS, all_label),
        ),
        _audience_table(this_total, last_total),
        _month_table(collector),
        _subprefecture_table(collector),
        _status_table(collector, enquiry_sources),
        _response_table(collector, programmes),
        _survey_table(survey_rows, year),
        _coverage_table(collector, municipalities),
    ]
    return tables


def _audience_table(this_total: Bucket, last_total: Bucket) -> Table:
    labels = dict(Audience.choices)
    labels[UNKNOWN] = _("Pupils, school type not known")
    rows = [
        Row(str(labels[audience]), [Pair(this_total.audiences[audience], last_total.audiences[audience])], audience)
        for audience in AUDIENCE_ROWS
    ]
    rows.append(Row(str(_("Total")), [Pair(this_total.participants, last_total.participants)], "total", is_total=True))
    return Table("audiences", str(_("Participants by audience")), str(_("Audience")), [PARTICIPANTS], rows)


def _month_table(collector: Collector) -> Table:
    this, last = collector.months[collector.year], collector.months[collector.year - 1]
    rows = [Row(month_label(month), [Pair(this[month], last[month])], f"month:{month}") for month in FISCAL_MONTHS]
    rows.append(Row(str(_("Total")), [Pair(sum(this.values()), sum(last.values()))], "total", is_total=True))
    return Table("months", str(_("Participants per month")), str(_("Month")), [PARTICIPANTS], rows)


def _subprefecture_table(collector: Collector) -> Table:
    this, last = collector.subprefectures[collector.year], collector.subprefectures[collector.year - 1]
    rows = [
        Row(subprefecture.short_name, [Pair(this[subprefecture.pk], last[subprefecture.pk])], subprefecture.slug)
        for subprefecture in Subprefecture.objects.all()
    ]
    if this[None] or last[None]:
        rows.append(Row(str(_("Place not recorded")), [Pair(this[None], last[None])], "unknown"))
    rows.append(Row(str(_("Total")), [Pair(sum(this.values()), sum(last.values()))], "total", is_total=True))
    return Table(
        "subprefectures",
        str(_("Participants per subprefecture")),
        str(_("Subprefecture")),
        [PARTICIPANTS],
        rows,
        note=str(_("By the venue of the session, or the place of the request.")),
    )


def _status_table(collector: Collector, enquiry_sources: dict) -> Table:
    this, last = collector.statuses[collector.year], collector.statuses[collector.year - 1]
    kinds = [
        (kind, str(enquiry_sources[kind].label) if kind in enquiry_sources else str(label))
        for kind, label in EnquiryKind.choices
    ]
    metrics = [Metric(label) for _kind, label in kinds] + [Metric(str(_("All requests")))]

    def pairs(statuses):
        values = [
            Pair(sum(this[(kind, status)] for status in statuses), sum(last[(kind, status)] for status in statuses))
            for kind, _label in kinds
        ]
        values.append(Pair(sum(value.this for value in values), sum(value.previous for value in values)))
        return values

    rows = [Row(str(label), pairs([status]), status) for status, label in EnquiryStatus.choices]
    rows.append(Row(str(_("Total")), pairs(EnquiryStatus.values), "total", is_total=True))
    return Table(
        "enquiry-statuses",
        str(_("Requests by status")),
        str(_("Status")),
        metrics,
        rows,
        note=str(_("Requests received in the year, by their status today.")),
    )


def _response_table(collector: Collector, programmes) -> Table:
    rows = []
    buckets_this, buckets_last = collector.buckets[collector.year], collector.buckets[collector.year - 1]
    metrics = [MEDIAN, Metric(str(_("Requests answered")))]
    request_rows = [(key, label) for key, label in programmes if key.startswith("enquiry:")]
    for key, label in [*request_rows, ("total", str(_("All requests")))]:
        bucket_key = "total" if key == "total" else ("programme", key)
        this, last = buckets_this.get(bucket_key) or Bucket(), buckets_last.get(bucket_key) or Bucket()
        rows.append(
            Row(
                label,
                [
                    Pair(this.median_response_days, last.median_response_days, 1),
                    Pair(len(this.response_seconds), len(last.response_seconds)),
                ],
                key,
                is_total=key == "total",
            )
        )
    return Table(
        "response-times",
        str(_("Response time to requests")),
        str(_("Programme")),
        metrics,
        rows,
        note=str(
            _(
                "From receipt to the first status change away from “new”, or the first note to the requester, "
                "for the requests received in the year."
            )
        ),
    )


def _survey_table(survey_rows: list, year: int) -> Table:
    """Per scale question, from the answers summed per question and programme."""
    questions = {}
    for row in sorted(
        survey_rows,
        key=lambda r: (r["question__questionnaire__name"], r["question__position"], r["question_id"]),
    ):
        entry = questions.setdefault(
            row["question_id"],
            {"label": f"{row['question__questionnaire__name']}: {row['question__text']}", year: None, year - 1: None},
        )
        total, n = entry[row["fy"]] or (0, 0)
        entry[row["fy"]] = (total + row["total"], n + row["n"])
    rows = []
    for question_id, entry in questions.items():
        this, last = entry[year] or (0, 0), entry[year - 1] or (0, 0)
        rows.append(
            Row(
                entry["label"],
                [
                    Pair(
                        round(this[0] / this[1], 2) if this[1] else None,
                        round(last[0] / last[1], 2) if last[1] else None,
                        2,
                    ),
                    Pair(this[1], last[1]),
                ],
                f"question:{question_id}",
            )
        )
    return Table(
        "survey",
        str(_("Survey averages")),
        str(_("Question")),
        [SURVEY, Metric(str(_("Answers")))],
        rows,
        note=str(_("Questions answered on a scale from 1 to 5, by the year the programme was held.")),
    )


def _coverage_table(collector: Collector, municipalities: dict) -> Table:
    """Every one of the 179 municipalities (Sapporo's wards folded into Sapporo) and the programmes that
    reached it."""
    folded = {year: Counter() for year in collector.coverage}
    for year, counts in collector.coverage.items():
        for code, count in counts.items():
            folded[year][municipalities[code][0]] += count
    this, last = folded[collector.year], folded[collector.year - 1]
    rows = [
        Row(
            f"{municipality.display_name}（{municipality.subprefecture.short_name}）",
            [Pair(this[municipality.code], last[municipality.code])],
            municipality.code,
        )
        for municipality in Municipality.objects.local_governments().select_related("subprefecture")
    ]
    rows.append(Row(str(_("Total")), [Pair(sum(this.values()), sum(last.values()))], "total", is_total=True))
    return Table(
        "coverage",
        str(_("Programmes per municipality")),
        str(_("Municipality")),
        [Metric(str(_("Programmes")))],
        rows,
        note=str(_("Sessions held and requests carried out in each municipality; Sapporo's wards count as Sapporo.")),
    )
