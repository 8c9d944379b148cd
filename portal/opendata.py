"""Open data (/opendata/): the portal's published data as CSV and JSON, under CC BY 4.0.

The datasets come from the apps. An app takes part through its AppConfig:

    class ProgrammesConfig(AppConfig):
        def opendata_datasets(self) -> list[Dataset]:
            ...  # e.g. the published factory tours in the 観光施設一覧 layout

This module never imports an app: it finds them through the app registry. A dataset holds only published,
public facts; personal data (participants, enquiries, contacts of people) never belongs in one.

- **CSV**: UTF-8 with a BOM (Excel opens it correctly), CRLF line ends, one header row.
- **JSON**: ``{"dataset", "licence", "last_updated", "columns", "items"}``; each item maps the column names
  to the same text values as the CSV.
"""

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.http import Http404, HttpResponse
from django.shortcuts import render

from portal import dates

LICENCE = {
    "name": "CC BY 4.0",
    "url": "https://creativecommons.org/licenses/by/4.0/deed.ja",
    "attribution": "北海道次世代ものづくり人材育成ワーキンググループ",
}
REGION_CREDIT = "「国土数値情報（行政区域データ）」（国土交通省）を加工して作成"


@dataclass(frozen=True)
class Column:
    """One column: its name (the header, as the standard spells it), what it holds, and whether it is one
    of the portal's own columns appended after the standard's."""

    name: str
    meaning: str
    extra: bool = False


@dataclass(frozen=True)
class Summary:
    count: int
    last_updated: dt.date | None


@dataclass(frozen=True)
class Dataset:
    """A dataset an app offers; ``rows(base_url)`` yields one list of strings per row, in column order,
    in one pass with a constant number of queries. ``base_url`` is the site's scheme and host."""

    slug: str
    title: str
    description: str
    columns: tuple[Column, ...]
    rows: Callable[[str], Iterable[list[str]]]
    summary: Callable[[], Summary]
    #: the standard whose layout the columns follow, if any
    standard: str = ""
    #: notes on how the standard's columns are filled in
    notes: tuple[str, ...] = ()
    #: credits for data from other sources (shown on the page and in the JSON)
    credits: tuple[str, ...] = field(default_factory=tuple)

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]


def datasets() -> dict[str, Dataset]:
    """Every dataset that an app offers: slug -> Dataset, in INSTALLED_APPS order."""
    found = {}
    for config in apps.get_app_configs():
        if hasattr(config, "opendata_datasets"):
            for dataset in config.opendata_datasets():
                found[dataset.slug] = dataset
    return found


def get_dataset(slug: str) -> Dataset:
    try:
        return datasets()[slug]
    except KeyError:
        raise Http404("No such dataset") from None


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _file_name(dataset: Dataset, summary: Summary, extension: str) -> str:
    """factory_tours_20261126.csv: named by the date of the newest change (today when empty)."""
    day = summary.last_updated or dates.today()
    return f"{dataset.slug}_{day:%Y%m%d}.{extension}"


def csv_bytes(dataset: Dataset, base_url: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(dataset.column_names)
    writer.writerows(dataset.rows(base_url))
    return "\ufeff".encode() + buffer.getvalue().encode()


def json_document(dataset: Dataset, base_url: str, summary: Summary) -> dict:
    names = dataset.column_names
    return {
        "dataset": {"slug": dataset.slug, "title": str(dataset.title), "standard": dataset.standard},
        "licence": LICENCE,
        "credits": list(dataset.credits),
        "last_updated": summary.last_updated.isoformat() if summary.last_updated else None,
        "columns": names,
        "items": [dict(zip(names, row, strict=True)) for row in dataset.rows(base_url)],
    }


# --- Views ------------------------------------------------------------------------------------------


def opendata_page(request):
    """/opendata/: each dataset with its description, size, date, licence, downloads and columns."""
    entries = [{"dataset": dataset, "summary": dataset.summary()} for dataset in datasets().values()]
    return render(
        request,
        "portal/opendata.html",
        {"entries": entries, "licence": LICENCE, "region_credit": REGION_CREDIT},
    )


def dataset_csv(request, slug: str):
    dataset = get_dataset(slug)
    summary = dataset.summary()
    response = HttpResponse(csv_bytes(dataset, _base_url(request)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_file_name(dataset, summary, "csv")}"'
    return response


def dataset_json(request, slug: str):
    dataset = get_dataset(slug)
    summary = dataset.summary()
    document = json_document(dataset, _base_url(request), summary)
    response = HttpResponse(json.dumps(document, ensure_ascii=False), content_type="application/json")
    response["Content-Disposition"] = f'inline; filename="{_file_name(dataset, summary, "json")}"'
    return response
