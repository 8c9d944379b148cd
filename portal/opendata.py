"""Open data (/opendata/): the portal's published data as CSV, JSON, GeoJSON and iCalendar, under CC BY 4.0.

Every dataset has a page of its own, /opendata/<slug>/ (the column dictionary: what each column holds, in
which format, whether the standard defines it), and stable download addresses. The datasets:

- **events** (イベント一覧): one row per session of the apps' listings held in sessions (experience events,
  seminars), in the 32 columns of 自治体標準オープンデータセット「イベント一覧」. The core builds the rows from
  its own ``Session`` (dates, venue, seats, deadline) and asks each app for the facts of its listings.
- the apps' own datasets (factory tours, supporters, advisors…);
- **map** and **calendar**: the existing feeds /map/features.geojson and /calendar.ics, described here too.

An app takes part through its AppConfig; the list it returns may hold whole datasets and EventSources:

    class ProgrammesConfig(AppConfig):
        def opendata_datasets(self) -> list[Dataset | EventSource]:
            ...  # e.g. the published factory tours; the experience events as an EventSource

This module never imports an app: it finds them through the app registry. A dataset holds only published,
public facts; personal data (participants, enquiries, contacts of people) never belongs in one.

- **CSV**: UTF-8 with a BOM (Excel opens it correctly), CRLF line ends, one header row.
- **JSON**: ``{"dataset", "licence", "credits", "last_updated", "columns", "items"}``; each item maps the column
  names to the same text values as the CSV.
"""

import copy
import csv
import datetime as dt
import io
import json
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from portal import calendar, dates, geo
from portal.booking.models import Session
from portal.choices import Allocation, FeeKind, SessionStatus

LICENCE = {
    "name": "CC BY 4.0",
    "url": "https://creativecommons.org/licenses/by/4.0/deed.ja",
    "attribution": "北海道次世代ものづくり人材育成ワーキンググループ",
}
REGION_CREDIT = "「国土数値情報（行政区域データ）」（国土交通省）を加工して作成"
PREFECTURE = "北海道"


@dataclass(frozen=True)
class Column:
    """One column (or field) of a dataset: its name (the CSV header, as the standard spells it), what it holds,
    its format or an example, and whether it is one of the portal's own columns rather than the standard's."""

    name: str
    meaning: str
    example: str = ""
    extra: bool = False


@dataclass(frozen=True)
class Summary:
    count: int
    last_updated: dt.date | None


@dataclass(frozen=True)
class Format:
    """One download of a dataset: its label and the URL name of its stable address, which either takes the
    dataset's slug (/opendata/<slug>.csv) or is an address of its own (/calendar.ics)."""

    label: str
    url_name: str
    by_slug: bool = True

    def path(self, slug: str) -> str:
        return reverse(self.url_name, args=[slug] if self.by_slug else [])


CSV = Format("CSV", "opendata-csv")
JSON = Format("JSON", "opendata-json")


@dataclass(frozen=True)
class Dataset:
    """A dataset on /opendata/. ``summary(request)`` counts its records and finds the date of the newest change.

    A table (``formats`` CSV and JSON, the default) has ``rows(base_url)``: one list of strings per row, in
    column order, in one pass with a constant number of queries; ``base_url`` is the site's scheme and host.
    A feed served elsewhere (GeoJSON, iCalendar) has no rows, only its own formats; its ``columns`` describe
    its fields.
    """

    slug: str
    title: str
    description: str
    columns: tuple[Column, ...]
    summary: Callable[[HttpRequest], Summary]
    rows: Callable[[str], Iterable[list[str]]] | None = None
    formats: tuple[Format, ...] = (CSV, JSON)
    #: the standard whose layout the columns follow, if any
    standard: str = ""
    #: notes on what the dataset covers and how the columns are filled in
    notes: tuple[str, ...] = ()
    #: credits for data from other sources (shown on the pages and in the JSON)
    credits: tuple[str, ...] = field(default_factory=tuple)
    #: the language of the column names and of the standard's name: "ja", or "" for technical names (DTSTART)
    column_lang: str = "ja"

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    def has_file(self, fmt: Format) -> bool:
        return fmt in self.formats and self.rows is not None


# --- Helpers for the apps' datasets ---------------------------------------------------------------------


def page_url(base_url: str, url_name: str) -> Callable[[int], str]:
    """pk -> the absolute address of that object's Japanese page (one reverse() for every row)."""
    sentinel = 987654321
    with translation.override("ja"):  # the datasets link to the Japanese pages, whatever the request's language
        before, after = reverse(url_name, args=[sentinel]).split(str(sentinel))
    return lambda pk: f"{base_url}{before}{pk}{after}"


def fee_basic(kind: str) -> str:
    """料金(基本): 無料 or 有料; "" when unknown."""
    return {FeeKind.FREE: "無料", FeeKind.PAID: "有料"}.get(kind, "")


def fee_detail(kind: str, amount: int | None, note: str) -> str:
    """500円（材料費込み）, 500円, or the note alone."""
    text = f"{amount:,}円" if kind == FeeKind.PAID and amount else ""
    if text and note:
        return f"{text}（{note}）"
    return text or note


def coordinate(value) -> str:
    return "" if value is None else format(value, "f")


def full_address(municipality: str, address: str) -> str:
    """北海道 + municipality + the rest, however much of the start the address already has."""
    rest = address.strip().removeprefix(PREFECTURE).removeprefix(municipality)
    return f"{PREFECTURE}{municipality}{rest}"


def local_date(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d") if value else ""


def local_time(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%H:%M") if value else ""


def join_notes(*parts: str) -> str:
    """備考 and the like: the parts that are not empty, as sentences (分野: 旋盤。対象: 小学生)."""
    return "。".join(part for part in parts if part)


def newest(*days: dt.date | dt.datetime | None) -> dt.date | None:
    """The latest of the dates (datetimes count by their Tokyo date), None when there is none."""
    found = [timezone.localdate(day) if isinstance(day, dt.datetime) else day for day in days if day]
    return max(found, default=None)


# --- イベント一覧: one row per session of the apps' listings held in sessions -------------------------------


@dataclass(frozen=True)
class EventFacts:
    """What the events dataset takes from one listing held in sessions, as the CSV shows it (Japanese text)."""

    name: str
    url: str
    name_kana: str = ""
    name_en: str = ""
    description: str = ""
    fee_basic: str = ""
    fee_detail: str = ""
    #: 連絡先名称 and 主催者: the organisation that provides the listing, never a person
    contact: str = ""
    organiser: str = ""
    note: str = ""


@dataclass(frozen=True)
class EventSource:
    """An app's listings held in dated sessions (portal.booking): the events dataset has a row for each of
    their sessions. An app offers one from its ``opendata_datasets``, next to its own datasets."""

    #: the published listings: a QuerySet of a model with an ``updated_at``
    published: Callable[[], QuerySet]
    #: the facts of the published listings with these primary keys, in one query: pk -> EventFacts
    facts: Callable[[Collection[int], str], dict[int, EventFacts]]


EVENT_STANDARD = "自治体標準オープンデータセット「イベント一覧」"
#: 備考 of a demo event or seminar
DEMO_EVENT_NOTE = "デモデータ（例として作成したもので、実際には開催されません）"
APPLICATION_METHODS = {Allocation.FIRST_COME: "Webフォーム（先着順）", Allocation.LOTTERY: "Webフォーム（抽選）"}
_DATE = _("YYYY-MM-DD, e.g. 2026-05-09")
_TIME = _("HH:MM in Japan time, e.g. 10:00")

EVENT_COLUMNS = (
    Column(
        "都道府県コード又は市区町村コード",
        _("The 6-digit local government code of the municipality where the session is held."),
        "012084",
    ),
    Column("NO", _("Row number in this file, from 1, in order of start: not a stable identifier."), "1"),
    Column("都道府県名", _("Always 北海道."), "北海道"),
    Column("市区町村名", _("The municipality where the session is held (a ward of Sapporo with the city)."), "北見市"),
    Column("イベント名", _("Title of the experience event or seminar."), "親子で旋盤体験"),
    Column("イベント名_カナ", _("Left empty: the portal keeps no reading of titles.")),
    Column("イベント名_英語", _("English title, when there is one."), "Lathe workshop for families"),
    Column("開始日", _("Date the session starts."), _DATE),
    Column("終了日", _("Date the session ends."), _DATE),
    Column("開始時間", _("Time the session starts."), _TIME),
    Column("終了時間", _("Time the session ends."), _TIME),
    Column("開始日時特記事項", _("The session's label, when it has one."), "午前の部"),
    Column(
        "説明",
        _("What participants do, as on the event's page (names of instructors and speakers are left out)."),
    ),
    Column("料金(基本)", _("無料 (free) or 有料 (charged); empty when not known."), "無料"),
    Column("料金(詳細)", _("Amount in yen and notes on the fee."), "500円（材料費込み）"),
    Column(
        "連絡先名称",
        _(
            "The working group member that provides the programme (a public body or association); ask it "
            "through the page at URL. Never a person."
        ),
        "オホーツク総合振興局",
    ),
    Column("連絡先電話番号", _("Left empty: questions go through the page at URL.")),
    Column("連絡先内線番号", _("Left empty.")),
    Column("主催者", _("The working group member that provides the programme."), "オホーツク総合振興局"),
    Column("場所名称", _("Name of the venue."), "北見市民会館"),
    Column(
        "住所",
        _("Address of the venue, from 北海道; only the municipality when the street is not given."),
        "北海道北見市本町1丁目2-3",
    ),
    Column("方書", _("Left empty.")),
    Column("緯度", _("Latitude of the venue (WGS84); empty when only the municipality is known."), "43.804100"),
    Column("経度", _("Longitude of the venue (WGS84); empty when only the municipality is known."), "143.894500"),
    Column("アクセス方法", _("Left empty.")),
    Column("駐車場情報", _("Left empty.")),
    Column("定員", _("Seats in the session (children and adults together)."), "20"),
    Column(
        "参加申込終了日",
        _("Last day to sign up: the session's registration deadline, or the day it starts when it has none."),
        _DATE,
    ),
    Column("参加申込終了時間", _("Time of that deadline (or of the start)."), _TIME),
    Column(
        "参加申込方法",
        _(
            "Webフォーム（先着順） (first come, first served) or Webフォーム（抽選） (drawn by lot), on the "
            "page at URL."
        ),
        "Webフォーム（先着順）",
    ),
    Column("URL", _("The event's or seminar's page on this portal (Japanese)."), "https://…/events/12/"),
    Column(
        "備考",
        _("Kind of programme, field, audiences, school years and what to bring; デモデータ for demo data."),
        "ものづくり体験会。分野: 旋盤。対象: 小学生、保護者",
    ),
)


def events_since() -> dt.datetime:
    """Midnight (Tokyo) of 1 April of the current fiscal year: the dataset starts there."""
    first, _last = dates.fiscal_year_bounds(dates.fiscal_year())
    return timezone.make_aware(dt.datetime.combine(first, dt.time.min))


def _event_sessions(sources: list[EventSource]) -> tuple[dict[int, EventSource], QuerySet]:
    """The sources by content type id, and every session of their published listings since the fiscal year
    began (cancelled ones included)."""
    by_type, condition = {}, Q(pk__in=[])
    for source in sources:
        published = source.published()
        content_type = ContentType.objects.get_for_model(published.model)
        by_type[content_type.pk] = source
        condition |= Q(offering_type=content_type, offering_id__in=published.values("pk"))
    return by_type, Session.objects.filter(condition, starts_at__gte=events_since())


_SESSION_FIELDS = (
    "offering_type_id",
    "offering_id",
    "label",
    "starts_at",
    "ends_at",
    "venue_name",
    "municipality_id",
    "municipality__name",
    "address",
    "latitude",
    "longitude",
    "capacity",
    "registration_closes_at",
    "allocation",
)


def event_rows(sources: list[EventSource], base_url: str):
    """One row per session that is not cancelled, in order of start: one query for the sessions and one per
    source for its listings' facts, however many rows."""
    by_type, sessions = _event_sessions(sources)
    sessions = list(
        sessions.exclude(status=SessionStatus.CANCELLED).order_by("starts_at", "pk").values(*_SESSION_FIELDS)
    )
    wanted = defaultdict(set)
    for session in sessions:
        wanted[session["offering_type_id"]].add(session["offering_id"])
    facts = {type_id: by_type[type_id].facts(pks, base_url) for type_id, pks in wanted.items()}
    number = 0
    for session in sessions:
        fact = facts[session["offering_type_id"]].get(session["offering_id"])
        if fact is None:  # unpublished between the two queries
            continue
        number += 1
        closes_at = session["registration_closes_at"] or session["starts_at"]
        yield [
            session["municipality_id"],
            str(number),
            PREFECTURE,
            session["municipality__name"],
            fact.name,
            fact.name_kana,
            fact.name_en,
            local_date(session["starts_at"]),
            local_date(session["ends_at"]),
            local_time(session["starts_at"]),
            local_time(session["ends_at"]),
            session["label"],
            fact.description,
            fact.fee_basic,
            fact.fee_detail,
            fact.contact,
            "",
            "",
            fact.organiser,
            session["venue_name"],
            full_address(session["municipality__name"], session["address"]),
            "",
            coordinate(session["latitude"]),
            coordinate(session["longitude"]),
            "",
            "",
            str(session["capacity"]),
            local_date(closes_at),
            local_time(closes_at),
            APPLICATION_METHODS.get(session["allocation"], ""),
            fact.url,
            fact.note,
        ]


def event_summary(sources: list[EventSource]) -> Summary:
    """The rows, and the newest change among the sessions (a cancellation too) and their listings."""
    by_type, sessions = _event_sessions(sources)
    totals = sessions.aggregate(count=Count("pk", filter=~Q(status=SessionStatus.CANCELLED)), last=Max("updated_at"))
    changed = [totals["last"]]
    for type_id, source in by_type.items():
        listings = source.published().filter(pk__in=sessions.filter(offering_type_id=type_id).values("offering_id"))
        changed.append(listings.aggregate(last=Max("updated_at"))["last"])
    return Summary(count=totals["count"], last_updated=newest(*changed))


def events_dataset(sources: list[EventSource]) -> Dataset:
    return Dataset(
        slug="events",
        title=_("Events and seminars"),
        description=_(
            "Every session of the published experience events and seminars of this fiscal year, past and "
            "upcoming: dates, venue, seats, fee, deadline and how to sign up."
        ),
        standard=EVENT_STANDARD,
        columns=EVENT_COLUMNS,
        rows=lambda base_url: event_rows(sources, base_url),
        summary=lambda request: event_summary(sources),
        notes=(
            _(
                "One row per session that starts on or after 1 April of the current fiscal year (Japan time), "
                "past and upcoming, of an experience event or seminar that is published now. Cancelled sessions "
                "are left out, and so are all sessions of a listing that is no longer published."
            ),
            _(
                "This list covers the whole prefecture: 都道府県コード又は市区町村コード and 市区町村名 name the "
                "municipality where each session is held, not the publisher."
            ),
            _("The file has exactly the 32 columns of the standard, in its order; dates and times are Japan time."),
        ),
        credits=(REGION_CREDIT,),
    )


# --- The feeds served elsewhere: the map's GeoJSON and the calendar ---------------------------------------


def _without_query(request: HttpRequest) -> HttpRequest:
    """The request without its query string: a feed as its stable address serves it, unfiltered."""
    clean = copy.copy(request)
    clean.GET = QueryDict()
    return clean


def _newest_of(request: HttpRequest, *slugs: str) -> dt.date | None:
    found = datasets()
    return newest(*(found[slug].summary(request).last_updated for slug in slugs if slug in found))


def map_summary(request: HttpRequest) -> Summary:
    features = geo.portal_map(_without_query(request)).features
    return Summary(count=len(features), last_updated=_newest_of(request, "factory_tours", "events"))


def calendar_summary(request: HttpRequest) -> Summary:
    events = calendar.collect_events(_without_query(request))
    return Summary(count=len(events), last_updated=_newest_of(request, "events"))


def map_dataset() -> Dataset:
    kinds = ", ".join(geo.map_kinds())
    return Dataset(
        slug="map",
        title=_("Places on the map"),
        description=_(
            "The places on the portal map: published factory tours, and the venues of the upcoming sessions of "
            "experience events and seminars, as an RFC 7946 FeatureCollection."
        ),
        standard="GeoJSON (RFC 7946)",
        formats=(Format("GeoJSON", "map-features", by_slug=False),),
        column_lang="",
        columns=(
            Column("type", _("Always Feature."), "Feature"),
            Column(
                "id",
                _("tour-<number> for a tour; <kind>-<number>-<n> for the n-th venue of an event or seminar."),
                "tour-12, event-3-1",
            ),
            Column(
                "geometry",
                _("A Point: [longitude, latitude] in WGS84, 6 decimals."),
                '{"type": "Point", "coordinates": [143.8945, 43.8041]}',
            ),
            Column("properties.kind", _("What the place is."), kinds, extra=True),
            Column("properties.name", _("Name of the tour, event or seminar."), "溶接ロボット工場", extra=True),
            Column("properties.municipality", _("The municipality."), "北見市", extra=True),
            Column(
                "properties.url",
                _("Path of its page on this portal; put the portal's address in front."),
                "/tours/12/",
                extra=True,
            ),
            Column(
                "properties.approximate",
                _("true when the point is the municipality's office because the exact place is not known."),
                "false",
                extra=True,
            ),
        ),
        summary=map_summary,
        notes=(
            _(
                "The address takes the map page's filters, e.g. ?kind=tour for the tours only; names are in English "
                "at /en/map/features.geojson."
            ),
            _("Last updated is the newest change among the factory tours and the events it is drawn from."),
        ),
        credits=(REGION_CREDIT,),
    )


def calendar_dataset() -> Dataset:
    return Dataset(
        slug="calendar",
        title=_("Event calendar"),
        description=_(
            "The upcoming sessions of the published experience events and seminars, one VEVENT each: subscribe "
            "to the address in a calendar app."
        ),
        standard="iCalendar (RFC 5545)",
        formats=(Format("iCalendar", "calendar", by_slug=False),),
        column_lang="",
        columns=(
            Column("UID", _("Stable identifier of the session."), "event-session-42@example.jp"),
            Column("DTSTAMP", _("When the session was last changed (UTC)."), "20260401T010000Z"),
            Column("DTSTART", _("When the session starts (UTC)."), "20260509T010000Z"),
            Column("DTEND", _("When the session ends (UTC)."), "20260509T030000Z"),
            Column("SUMMARY", _("Title, with the session's label in brackets."), "親子で旋盤体験（午前の部）"),
            Column("LOCATION", _("Venue, with the municipality and the address."), "北見市民会館（北見市本町1-2-3）"),
            Column("DESCRIPTION", _("What participants do, as on the page.")),
            Column("URL", _("The page of the event or seminar, where people sign up."), "https://…/events/12/"),
            Column("X-WR-CALNAME", _("Name of the calendar (the portal's name)."), extra=True),
            Column("X-WR-TIMEZONE", _("Asia/Tokyo: the time zone to show the times in."), "Asia/Tokyo", extra=True),
        ),
        summary=calendar_summary,
        notes=(
            _("Only sessions still to come: past and cancelled ones leave the calendar."),
            _("Last updated is the newest change in the events dataset, of which it is a part."),
        ),
    )


# --- The registry ---------------------------------------------------------------------------------------


def datasets() -> dict[str, Dataset]:
    """Every dataset: slug -> Dataset. The events first, then the apps' own in INSTALLED_APPS order, then the
    map and the calendar."""
    own, sources = [], []
    for config in apps.get_app_configs():
        if hasattr(config, "opendata_datasets"):
            for item in config.opendata_datasets():
                (sources if isinstance(item, EventSource) else own).append(item)
    return {dataset.slug: dataset for dataset in [events_dataset(sources), *own, map_dataset(), calendar_dataset()]}


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
    with translation.override("ja"):
        dictionary = base_url + reverse("opendata-dataset", args=[dataset.slug])
    return {
        "dataset": {
            "slug": dataset.slug,
            "title": str(dataset.title),
            "standard": dataset.standard,
            "dictionary": dictionary,
        },
        "licence": LICENCE,
        "credits": list(dataset.credits),
        "last_updated": summary.last_updated.isoformat() if summary.last_updated else None,
        "columns": names,
        "items": [dict(zip(names, row, strict=True)) for row in dataset.rows(base_url)],
    }


def downloads(dataset: Dataset, request) -> list[dict]:
    """Each format's link (in the page's language) and its stable address (absolute, the Japanese one)."""
    links = []
    for fmt in dataset.formats:
        with translation.override("ja"):
            stable = request.build_absolute_uri(fmt.path(dataset.slug))
        links.append({"label": fmt.label, "url": fmt.path(dataset.slug), "stable_url": stable})
    return links


# --- Views ------------------------------------------------------------------------------------------


def opendata_page(request):
    """/opendata/: each dataset with its description, size, date, licence, downloads and dictionary link."""
    entries = [
        {"dataset": dataset, "summary": dataset.summary(request), "downloads": downloads(dataset, request)}
        for dataset in datasets().values()
    ]
    return render(
        request,
        "portal/opendata.html",
        {"entries": entries, "licence": LICENCE, "region_credit": REGION_CREDIT},
    )


def dataset_page(request, slug: str):
    """/opendata/<slug>/: one dataset's column dictionary, licence, date, size and stable addresses."""
    dataset = get_dataset(slug)
    return render(
        request,
        "portal/opendata_dataset.html",
        {
            "dataset": dataset,
            "summary": dataset.summary(request),
            "downloads": downloads(dataset, request),
            "is_table": dataset.rows is not None,
            "licence": LICENCE,
        },
    )


def _table(slug: str, fmt: Format) -> Dataset:
    dataset = get_dataset(slug)
    if not dataset.has_file(fmt):
        raise Http404("This dataset has no such file")
    return dataset


def dataset_csv(request, slug: str):
    dataset = _table(slug, CSV)
    summary = dataset.summary(request)
    response = HttpResponse(csv_bytes(dataset, _base_url(request)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_file_name(dataset, summary, "csv")}"'
    return response


def dataset_json(request, slug: str):
    dataset = _table(slug, JSON)
    summary = dataset.summary(request)
    document = json_document(dataset, _base_url(request), summary)
    response = HttpResponse(json.dumps(document, ensure_ascii=False), content_type="application/json")
    response["Content-Disposition"] = f'inline; filename="{_file_name(dataset, summary, "json")}"'
    return response
