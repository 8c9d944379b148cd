"""The published factory tours as open data, in the layout of 自治体標準オープンデータセット「観光施設一覧」.

The standard's columns come first, in its order and spelling (with 法人番号, as in the current データ項目
定義); the portal's own facts (group size, months, industry, audiences, date confirmed, provider) follow
after 備考. Values are Japanese text, formatted as the tour import reads them (portal.importing).

Only published tours; demo tours are included and flagged in 備考. Nothing personal: tours hold none, and
enquiries are never read here.
"""

import unicodedata
from decimal import Decimal

from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from portal import importing
from portal.choices import FeeKind
from portal.dates import WEEKDAYS_JA
from portal.opendata import REGION_CREDIT, Column, Dataset, Summary
from portal.text import HIRAGANA, KATAKANA
from programmes.models import FactoryTour

PREFECTURE = "北海道"
DEMO_NOTE = "デモデータ（公開資料から作成した例で、内容が古い可能性があります）"

_TO_KATAKANA = str.maketrans(HIRAGANA, KATAKANA)


def to_katakana(text: str) -> str:
    """ほっかいどう こうじょう → ホッカイドウ コウジョウ (full-width katakana, as the standard asks)."""
    return unicodedata.normalize("NFKC", text or "").translate(_TO_KATAKANA)


def format_weekdays(weekdays: list[int]) -> str:
    """[0, …, 4] → 月火水木金; empty (any day) → all seven."""
    return "".join(WEEKDAYS_JA[day] for day in (sorted(weekdays) or range(7)))


COLUMNS = (
    Column("全国地方公共団体コード", _("The 6-digit code of the municipality where the tour takes place.")),
    Column("法人番号", _("Left empty.")),
    Column("ID", _("tour-<number>: stable, the same as in the tour's address on this portal.")),
    Column("地方公共団体名", _("北海道 and the municipality, e.g. 北海道北見市.")),
    Column("名称", _("Name of the facility.")),
    Column("名称_カナ", _("Reading of the name in full-width katakana.")),
    Column("名称_英語", _("English name, when known.")),
    Column("POIコード", _("Left empty.")),
    Column("住所", _("Address.")),
    Column("方書", _("Left empty.")),
    Column("緯度", _("Latitude (WGS84); empty when the place is only known approximately.")),
    Column("経度", _("Longitude (WGS84); empty when the place is only known approximately.")),
    Column("利用可能曜日", _("Weekdays when visits are accepted, e.g. 月火水木金.")),
    Column("開始時間", _("Left empty: times are agreed with the host.")),
    Column("終了時間", _("Left empty: times are agreed with the host.")),
    Column("利用可能日時特記事項", _("Reservation, booking lead time, duration and winter access.")),
    Column("料金（基本）", _("無料 (free) or 有料 (charged); empty when unknown.")),
    Column("料金（詳細）", _("Amount in yen and notes on the fee.")),
    Column("説明", _("What pupils see and do.")),
    Column("説明_英語", _("Left empty.")),
    Column("アクセス方法", _("Left empty.")),
    Column("駐車場情報", _("Whether buses can park.")),
    Column("バリアフリー情報", _("Whether wheelchair users can take part.")),
    Column("連絡先名称", _("The host company or organisation.")),
    Column("連絡先電話番号", _("The public phone number shown on the tour's page.")),
    Column("連絡先内線番号", _("Left empty.")),
    Column("画像", _("Left empty.")),
    Column("画像_ライセンス", _("Left empty.")),
    Column("URL", _("The tour's page on this portal.")),
    Column("備考", _("デモデータ for demo tours made from public sources, which may be outdated.")),
    Column("受入人数（最少）", _("Smallest group accepted (people)."), extra=True),
    Column("受入人数（最多）", _("Largest group accepted (people)."), extra=True),
    Column("受入月", _("Months when visits are accepted, e.g. 5-10 or 通年 (all year)."), extra=True),
    Column("業種", _("Industry."), extra=True),
    Column("対象", _("Audiences the tour is meant for."), extra=True),
    Column("情報確認日", _("Date the information was last confirmed (YYYY-MM-DD)."), extra=True),
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


def _coordinate(value: Decimal | None) -> str:
    return "" if value is None else format(value, "f")


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


def _fee_basic(kind: str) -> str:
    return {FeeKind.FREE: "無料", FeeKind.PAID: "有料"}.get(kind, "")


def _fee_detail(tour: dict) -> str:
    """500円（材料費込み）, 500円, or the note alone."""
    amount = f"{tour['fee_amount']:,}円" if tour["fee_kind"] == FeeKind.PAID and tour["fee_amount"] else ""
    if amount and tour["fee_note"]:
        return f"{amount}（{tour['fee_note']}）"
    return amount or tour["fee_note"]


def tour_rows(base_url: str):
    """One list of strings per published tour, in COLUMNS order: one query, however many tours."""
    with translation.override("ja"):  # the dataset links to the Japanese pages, whatever the request's language
        sentinel = 987654321
        page = base_url + reverse("programmes:tour-detail", args=[sentinel])
    before, after = page.split(str(sentinel))
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
            _coordinate(tour["latitude"]),  # both empty when approximate (a model constraint: both or neither)
            _coordinate(tour["longitude"]),
            format_weekdays(tour["weekdays"]),
            "",
            "",
            _availability_note(tour),
            _fee_basic(tour["fee_kind"]),
            _fee_detail(tour),
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
            f"{before}{tour['pk']}{after}",
            DEMO_NOTE if tour["is_demo"] else "",
            _text(tour["group_min"]),
            _text(tour["group_max"]),
            importing.format_months(tour["months"]),
            importing.INDUSTRIES.format_one(tour["industry"]),
            importing.AUDIENCES.format_many(tour["audiences"]),
            importing.format_date(tour["confirmed_on"]),
            tour["provider__name"],
        ]


def tour_summary() -> Summary:
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
