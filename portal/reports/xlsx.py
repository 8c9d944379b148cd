"""The staff report as an XLSX workbook: one sheet per table of the report, numbers as numbers.

Each sheet: its title (row 1), the year compared and whose figures (row 2), the metrics (row 3, each over its
three columns), the column headings (row 4), then one row per report row (from row 5; the total row last),
and the table's note under it. Columns per metric: this year, the previous year, the difference.
"""

import io
import re

from django.utils.translation import gettext, pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from portal import dates
from portal.reports.tables import Report, Table, short_year_label

FIRST_DATA_ROW = 5
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_title(title: str, taken: set[str]) -> str:
    """A valid, unique sheet name: at most 31 characters, none of []:*?/\\ ."""
    base = _FORBIDDEN.sub("-", title.replace(": ", " - ")).strip("'")[:31].strip() or "Sheet"
    name, number = base, 2
    while name.lower() in taken:
        suffix = f" ({number})"
        name, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(name.lower())
    return name


def _number_format(decimals: int) -> str:
    return "#,##0" if not decimals else "#,##0." + "0" * decimals


def write_table(sheet, table: Table, *, subtitle: str, this_label: str, last_label: str) -> None:
    bold = Font(bold=True)
    sheet.cell(row=1, column=1, value=table.title).font = Font(bold=True, size=13)
    sheet.cell(row=2, column=1, value=subtitle)
    sheet.cell(row=4, column=1, value=table.row_heading).font = bold
    for index, metric in enumerate(table.metrics):
        first = 2 + 3 * index
        heading = sheet.cell(row=3, column=first, value=str(metric.label))
        heading.font = bold
        heading.alignment = Alignment(horizontal="center")
        sheet.merge_cells(start_row=3, start_column=first, end_row=3, end_column=first + 2)
        for offset, label in enumerate((this_label, last_label, pgettext("year on year", "Change"))):
            sheet.cell(row=4, column=first + offset, value=label).font = bold
    for number, row in enumerate(table.rows, start=FIRST_DATA_ROW):
        label = sheet.cell(row=number, column=1, value=row.label)
        if row.is_total:
            label.font = bold
        for index, pair in enumerate(row.values):
            for offset, value in enumerate((pair.this, pair.previous, pair.difference)):
                cell = sheet.cell(row=number, column=2 + 3 * index + offset, value=value)
                cell.number_format = _number_format(pair.decimals)
                if row.is_total:
                    cell.font = bold
    if table.note:
        sheet.cell(row=FIRST_DATA_ROW + len(table.rows) + 1, column=1, value=table.note)
    sheet.freeze_panes = sheet.cell(row=FIRST_DATA_ROW, column=2)
    sheet.column_dimensions["A"].width = 44
    for column in range(2, 2 + 3 * len(table.metrics)):
        sheet.column_dimensions[get_column_letter(column)].width = 12


def report_workbook(report: Report, *, title: str, scope: str) -> bytes:
    """The bytes of an .xlsx file with one sheet per table of ``report``."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title = title
    subtitle = gettext("%(year)s compared with %(previous)s · %(scope)s") % {
        "year": dates.format_fiscal_year(report.year),
        "previous": dates.format_fiscal_year(report.previous_year),
        "scope": scope,
    }
    taken: set[str] = set()
    for table in report.tables:
        sheet = workbook.create_sheet(sheet_title(table.title, taken))
        write_table(
            sheet,
            table,
            subtitle=subtitle,
            this_label=short_year_label(report.year),
            last_label=short_year_label(report.previous_year),
        )
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
