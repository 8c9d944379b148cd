"""The programmes as open data: the published factory tours in the layout of 自治体標準オープンデータセット
「観光施設一覧」, and the experience events' facts for the core's events dataset (イベント一覧, one row per
session: portal.opendata builds the session columns, ``event_facts`` gives the event's).

The standard's columns come first, in its order and spelling (with 法人番号, as in the current データ項目
定義); the portal's own facts (group size, months, industry, audiences, date confirmed, provider) follow
after 備考. Values are Japanese text, formatted as the tour import reads them (portal.importing).

Only published tours and events; demo ones are included and flagged in 備考. Nothing personal: tours hold
none, the instructors' names are left out, and enquiries and registrations are never read here.
"""

import unicodedata
from collections.abc import Collection

from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import importing
from portal.dates import WEEKDAYS_JA
from portal.opendata import (
    DEMO_EVENT_NOTE,
    PREFECTURE,
    REGION_CREDIT,
    Column,
    Dataset,
    EventFacts,
    EventSource,
    Summary,
    coordinate,
    fee_basic,
    fee_detail,
    join_notes,
    page_url,
)
from portal.text import HIRAGANA, KATAKANA
from programmes.models import ExperienceEvent, FactoryTour

DEMO_NOTE = "デモデータ（公開資料から作成した例で、内容が古い可能性があります）"

_TO_KATAKANA = str.maketrans(HIRAGANA, KATAKANA)


def to_katakana(text: str) -> str:
    """ほっかいどう こうじょう → ホッカイドウ コウジョウ (full-width katakana, as the standard asks)."""
    return unicodedata.normalize("NFKC", text or "").translate(_TO_KATAKANA)


def format_weekdays(weekdays: list[int]) -> str:
    """[0, …, 4] → 月火水木金; empty (any day) → all seven."""
    return "".join(WEEKDAYS_JA[day] for day in (sorted(weekdays) or range(7)))


COLUMNS = (
    Column("全国地方公共団体コード", _("The 6-digit code of the municipality where the tour takes place."), "012084"),
    Column("法人番号", _("Left empty.")),
    Column("ID", _("tour-<number>: stable, the same as in the tour's address on this portal."), "tour-12"),
    Column("地方公共団体名", _("北海道 and the municipality, e.g. 北海道北見市."), "北海道北見市"),
    Column("名称", _("Name of the facility."), "溶接ロボット工場"),
    Column("名称_カナ", _("Reading of the name in full-width katakana."), "ヨウセツロボットコウジョウ"),
    Column("名称_英語", _("English name, when known.")),
    Column("POIコード", _("Left empty.")),
    Column("住所", _("Address."), "北見市本町1丁目2-3"),
    Column("方書", _("Left empty.")),
    Column("緯度", _("Latitude (WGS84); empty when the place is only known approximately."), "43.804100"),
    Column("経度", _("Longitude (WGS84); empty when the place is only known approximately."), "143.894500"),
    Column("利用可能曜日", _("Weekdays when visits are accepted, e.g. 月火水木金."), "月火水木金"),
    Column("開始時間", _("Left empty: times are agreed with the host.")),
    Column("終了時間", _("Left empty: times are agreed with the host.")),
    Column(
        "利用可能日時特記事項",
        _("Reservation, booking lead time, duration and winter access."),
        "要予約。14日前までに申込み。所要時間90分",
    ),
    Column("料金（基本）", _("無料 (free) or 有料 (charged); empty when unknown."), "無料"),
    Column("料金（詳細）", _("Amount in yen and notes on the fee."), "1,500円（材料費込み）"),
    Column("説明", _("What pupils see and do.")),
    Column("説明_英語", _("Left empty.")),
    Column("アクセス方法", _("Left empty.")),
    Column("駐車場情報", _("Whether buses can park."), "大型バス駐車可"),
    Column("バリアフリー情報", _("Whether wheelchair users can take part."), "車椅子で参加可"),
    Column("連絡先名称", _("The host company or organisation.")),
    Column("連絡先電話番号", _("The public phone number shown on the tour's page."), "0157-00-0000"),
    Column("連絡先内線番号", _("Left empty.")),
    Column("画像", _("Left empty.")),
    Column("画像_ライセンス", _("Left empty.")),
    Column("URL", _("The tour's page on this portal."), "https://…/tours/12/"),
    Column("備考", _("デモデータ for demo tours made from public sources, which may be outdated.")),
    Column("受入人数（最少）", _("Smallest group accepted (people)."), "5", extra=True),
    Column("受入人数（最多）", _("Largest group accepted (people)."), "40", extra=True),
    Column("受入月", _("Months when visits are accepted, e.g. 5-10 or 通年 (all year)."), "5-10", extra=True),
    Column("業種", _("Industry."), "機械", extra=True),
    Column("対象", _("Audiences the tour is meant for."), "中学生、高校生", extra=True),
    Column("情報確認日", _("Date the information was last confirmed (YYYY-MM-DD)."), "2026-09-01", extra=True),
    Column("提供機関", _("Working group member that provides the listing."), extra=True),
)

_FIELDS = (
    "pk",
    "municipality_id",
    "municipality__name",
    "name",
    "name_kana",
    "name_en",
    "address",
    "latitude",
    "longitude",
    "weekdays",
    "reservation_required",
    "lead_time_days",
    "duration_minutes",
    "winter_note",
    "fee_kind",
    "fee_amount",
    "fee_note",
    "description",
    "bus_parking",
    "wheelchair_access",
    "company_name",
    "phone",
    "is_demo",
    "group_min",
    "group_max",
    "months",
    "industry",
    "audiences",
    "confirmed_on",
    "provider__name",
)


def _text(value) -> str:
    return "" if value is None else str(value)


def _availability_note(tour: dict) -> str:
    parts = []
    if tour["reservation_required"] is not None:
        parts.append("要予約" if tour["reservation_required"] else "予約不要")
    if tour["lead_time_days"]:
        parts.append(f"{tour['lead_time_days']}日前までに申込み")
    if tour["duration_minutes"]:
        parts.append(f"所要時間{tour['duration_minutes']}分")
    if tour["winter_note"]:
        parts.append(f"冬期: {tour['winter_note']}")
    return "。".join(parts)


def tour_rows(base_url: str):
    """One list of strings per published tour, in COLUMNS order: one query, however many tours."""
    tour_url = page_url(base_url, "programmes:tour-detail")
    queryset = FactoryTour.objects.published().order_by("municipality_id", "name", "pk").values(*_FIELDS)
    for tour in queryset.iterator(chunk_size=2000):
        yield [
            tour["municipality_id"],
            "",
            f"tour-{tour['pk']}",
            PREFECTURE + tour["municipality__name"],
            tour["name"],
            to_katakana(tour["name_kana"]),
            tour["name_en"],
            "",
            tour["address"],
            "",
            coordinate(tour["latitude"]),  # both empty when approximate (a model constraint: both or neither)
            coordinate(tour["longitude"]),
            format_weekdays(tour["weekdays"]),
            "",
            "",
            _availability_note(tour),
            fee_basic(tour["fee_kind"]),
            fee_detail(tour["fee_kind"], tour["fee_amount"], tour["fee_note"]),
            tour["description"],
            "",
            "",
            importing.format_bool(tour["bus_parking"], yes="大型バス駐車可", no="大型バス駐車不可"),
            importing.format_bool(tour["wheelchair_access"], yes="車椅子で参加可", no="車椅子での参加不可"),
            tour["company_name"],
            tour["phone"],
            "",
            "",
            "",
            tour_url(tour["pk"]),
            DEMO_NOTE if tour["is_demo"] else "",
            _text(tour["group_min"]),
            _text(tour["group_max"]),
            importing.format_months(tour["months"]),
            importing.INDUSTRIES.format_one(tour["industry"]),
            importing.AUDIENCES.format_many(tour["audiences"]),
            importing.format_date(tour["confirmed_on"]),
            tour["provider__name"],
        ]


def tour_summary(request=None) -> Summary:
    """Row count and the date (Tokyo) of the newest change among published tours: one query."""
    totals = FactoryTour.objects.published().aggregate(count=Count("pk"), last=Max("updated_at"))
    last = totals["last"]
    return Summary(count=totals["count"], last_updated=timezone.localdate(last) if last else None)


def factory_tour_dataset() -> Dataset:
    return Dataset(
        slug="factory_tours",
        title=_("Factory tours"),
        description=_(
            "Workplaces in Hokkaido that accept school visits, as listed on this portal (published tours only)."
        ),
        standard="自治体標準オープンデータセット「観光施設一覧」",
        columns=COLUMNS,
        rows=tour_rows,
        summary=tour_summary,
        notes=(
            _(
                "This list covers the whole prefecture: 全国地方公共団体コード and 地方公共団体名 name the "
                "municipality of each tour, not the publisher."
            ),
            _("The columns after 備考 are the portal's own and are not part of the standard."),
        ),
        credits=(REGION_CREDIT,),
    )


# --- Experience events: their facts for the events dataset (イベント一覧) -----------------------------------

EVENT_KIND = "ものづくり体験会"
_EVENT_FIELDS = (
    "pk",
    "title",
    "title_en",
    "description",
    "trade",
    "fee_kind",
    "fee_amount",
    "fee_note",
    "audiences",
    "grades",
    "what_to_bring",
    "is_demo",
    "provider__name",
)


def event_facts(pks: Collection[int], base_url: str) -> dict[int, EventFacts]:
    """pk -> EventFacts of the published events among ``pks``: one query."""
    event_url = page_url(base_url, "programmes:event-detail")
    events = ExperienceEvent.objects.published().filter(pk__in=list(pks)).values(*_EVENT_FIELDS)
    return {
        event["pk"]: EventFacts(
            name=event["title"],
            name_en=event["title_en"],
            description=event["description"],
            fee_basic=fee_basic(event["fee_kind"]),
            fee_detail=fee_detail(event["fee_kind"], event["fee_amount"], event["fee_note"]),
            contact=event["provider__name"],
            organiser=event["provider__name"],
            url=event_url(event["pk"]),
            note=join_notes(
                EVENT_KIND,
                f"分野: {event['trade']}" if event["trade"] else "",
                f"対象: {importing.AUDIENCES.format_many(event['audiences'])}" if event["audiences"] else "",
                event["grades"],
                f"持ち物: {event['what_to_bring']}" if event["what_to_bring"] else "",
                DEMO_EVENT_NOTE if event["is_demo"] else "",
            ),
        )
        for event in events
    }


def event_source() -> EventSource:
    return EventSource(published=ExperienceEvent.objects.published, facts=event_facts)
