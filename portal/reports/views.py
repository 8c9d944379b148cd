"""/staff/: the fiscal-year report for staff (issue 9), and the same report as XLSX and as PDF.

    /staff/?year=2025&organisation=3   /staff/report.xlsx?year=2025   /staff/report.pdf?year=2025

Staff only, signed in with their second factor (portal.auth.staff_required). The secretariat (group
``secretariat``, or a superuser) sees every organisation's figures and may choose one organisation; a partner
editor sees those of their own organisation only (``?organisation=`` is ignored for them); any other staff user
gets a 403. An unknown year or organisation is ignored with a polite notice, never an error.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from portal import dates
from portal.auth import staff_required
from portal.models import Organisation
from portal.pdf import pdf_filename, pdf_response
from portal.reports import xlsx
from portal.reports.charts import bar_chart, column_chart
from portal.reports.coverage import build_coverage
from portal.reports.figures import available_years, compute_report
from portal.reports.tables import Report, short_year_label
from portal.roles import PARTNER_EDITOR, SECRETARIAT

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: the tables shown with a chart above them: slug → kind of chart
CHARTS = {"months": "column", "subprefectures": "bar"}


@dataclass
class Choices:
    """What the request asked for, as understood: the year, the organisation, and what was ignored."""

    year: int
    years: list[int]
    organisation: Organisation | None
    organisations: list[Organisation] = field(default_factory=list)  # the secretariat's choice, else empty
    is_secretariat: bool = False
    notices: list[str] = field(default_factory=list)

    def query(self) -> str:
        """?year=…&organisation=…: the same report as a download."""
        params = {"year": self.year}
        if self.is_secretariat and self.organisation is not None:
            params["organisation"] = self.organisation.pk
        return "?" + urlencode(params)


def is_secretariat(user) -> bool:
    return user.is_superuser or user.groups.filter(name=SECRETARIAT).exists()


def read_choices(request) -> Choices:
    """The year and organisation of the report from the query; raises PermissionDenied for staff in no role."""
    user = request.user
    secretariat = is_secretariat(user)
    if not secretariat and not (user.groups.filter(name=PARTNER_EDITOR).exists() and user.organisation_id):
        raise PermissionDenied
    notices = []
    years = available_years()
    current = dates.fiscal_year()
    year = current
    raw_year = request.GET.get("year", "").strip()
    if raw_year:
        try:
            asked = int(raw_year)
        except ValueError:
            asked = None
        if asked in years:
            year = asked
        else:
            notices.append(
                gettext("There is no report for the year “%(value)s”: this is the report of %(year)s.")
                % {"value": raw_year[:20], "year": dates.format_fiscal_year(current)}
            )
    if not secretariat:
        return Choices(year=year, years=years, organisation=user.organisation, notices=notices)
    organisations = list(Organisation.objects.all())
    organisation = None
    raw_organisation = request.GET.get("organisation", "").strip()
    if raw_organisation:
        organisation = next((o for o in organisations if str(o.pk) == raw_organisation), None)
        if organisation is None:
            notices.append(
                gettext("The organisation “%(value)s” is unknown: these are the figures of all organisations.")
                % {"value": raw_organisation[:20]}
            )
    return Choices(
        year=year,
        years=years,
        organisation=organisation,
        organisations=organisations,
        is_secretariat=True,
        notices=notices,
    )


def _chart(table, kind: str):
    """The chart of a month or subprefecture table: this year's participants beside last year's."""
    rows = [row for row in table.rows if not row.is_total]
    this = [row.values[0].this for row in rows]
    previous = [row.values[0].previous for row in rows]
    unit = gettext("people")
    if kind == "column":
        return column_chart(
            title=table.title, labels=[row.label for row in rows], values=this, previous=previous, unit=unit
        )
    return bar_chart(
        title=table.title,
        rows=[(row.label, value) for row, value in zip(rows, this, strict=True)],
        previous=previous,
        unit=unit,
    )


def report_context(report: Report, choices: Choices) -> dict:
    """What the page and the PDF show: the tables (each with its chart, if any), the coverage, the labels."""
    sections = [
        {"table": table, "chart": _chart(table, CHARTS[table.slug]) if table.slug in CHARTS else None}
        for table in report.tables
    ]
    return {
        "report": report,
        "choices": choices,
        "sections": [section for section in sections if section["table"].slug != "coverage"],
        "coverage_table": report.table("coverage"),
        "coverage": build_coverage(report.coverage_counts),
        "counted_at": timezone.localtime(report.generated_at),
        "year_label": dates.format_fiscal_year(report.year),
        "previous_label": dates.format_fiscal_year(report.previous_year),
        "this_label": short_year_label(report.year),
        "last_label": short_year_label(report.previous_year),
        "scope_label": scope_label(choices),
        "year_options": [(year, dates.format_fiscal_year(year)) for year in choices.years],
    }


def scope_label(choices: Choices) -> str:
    if choices.organisation is None:
        return gettext("All organisations")
    return choices.organisation.display_name


def _report(choices: Choices) -> Report:
    return compute_report(year=choices.year, organisation=choices.organisation)


@require_safe
@never_cache
@staff_required
def report_page(request):
    choices = read_choices(request)
    context = report_context(_report(choices), choices)
    return render(request, "staff/report.html", context)


@require_safe
@never_cache
@staff_required
def report_xlsx(request):
    choices = read_choices(request)
    report = _report(choices)
    content = xlsx.report_workbook(
        report,
        title=gettext("Staff report %(year)s") % {"year": dates.format_fiscal_year(report.year)},
        scope=scope_label(choices),
    )
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="staff-report-{report.year}.xlsx"'
    return response


@require_safe
@never_cache
@staff_required
def report_pdf(request):
    choices = read_choices(request)
    report = _report(choices)
    context = report_context(report, choices)
    title = gettext("Staff report %(year)s") % {"year": context["year_label"]}
    return pdf_response(
        request, "staff/pdf/report.html", context, title=title, filename=pdf_filename(f"staff-report-{report.year}")
    )
