"""The supporters app as open data: the approved supporter companies (their public profile, never the contact
person), and the senior advisors' anonymised cards exactly as /advisors/ shows them (never a name or contact).

Neither follows a national standard: every column is the portal's own. Values are Japanese text, as the
Japanese pages show them.
"""

from django.db.models import Count, Max
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from portal import importing
from portal.opendata import (
    REGION_CREDIT,
    Column,
    Dataset,
    Summary,
    full_address,
    join_notes,
    local_date,
    newest,
    page_url,
)
from supporters.advisor_views import _cards, public_advisors
from supporters.models import RecognitionKind, SupporterCompany
from supporters.views import offer_labels, public_supporters

DEMO_COMPANY_NOTE = "デモデータ（例として登録したものです）"
LIST_SEPARATOR = "、"


def _own(name: str, meaning: str, example: str = "") -> Column:
    """A column of the portal's own (no standard defines these datasets)."""
    return Column(name, meaning, example, extra=True)


# --- Supporter companies -----------------------------------------------------------------------------------

SUPPORTER_COLUMNS = (
    _own("ID", _("supporter-<number>: stable, the same as in the company's address on this portal."), "supporter-7"),
    _own("登録番号", _("Registration number of the supporters' club."), "2026-0042"),
    _own("名称", _("Company name."), "北見溶接工業株式会社"),
    _own("名称_カナ", _("Company name in katakana."), "キタミヨウセツコウギョウ"),
    _own("業種", _("Industry."), "機械"),
    _own("全国地方公共団体コード", _("The 6-digit code of the company's municipality."), "012084"),
    _own("市区町村名", _("The company's municipality."), "北見市"),
    _own("振興局", _("The (general) subprefectural bureau of that municipality."), "オホーツク総合振興局"),
    _own("郵便番号", _("Postcode, when given."), "090-0001"),
    _own("住所", _("Address of the company, from 北海道."), "北海道北見市本町1丁目2-3"),
    _own("提供内容", _("What the company offers young people and schools, separated by 、."), "工場見学、職場体験"),
    _own("メッセージ", _("The company's message to young people.")),
    _own("ウェブサイト", _("The company's website."), "https://example.jp/"),
    _own("登録日", _("Date the company was approved as a supporter (YYYY-MM-DD)."), "2026-05-09"),
    _own("工場見学", _("Its factory tours published on this portal, separated by 、."), "溶接ロボット工場"),
    _own("認証・表彰", _("Certifications and awards by fiscal year, separated by ／."), "2026年度 表彰: 知事賞"),
    _own("URL", _("The company's profile on this portal."), "https://…/supporters/7/"),
    _own("備考", _("デモデータ for demo data.")),
)


def _recognitions(company, kinds: dict[str, str]) -> str:
    return "／".join(
        f"{record.fiscal_year}年度 {kinds.get(record.kind, record.kind)}: {record.title}"
        for record in company.recognitions.all()
    )


def supporter_rows(base_url: str):
    """One row per approved supporter, in the directory's order: three queries, however many companies."""
    profile_url = page_url(base_url, "supporters:supporter-detail")
    companies = list(public_supporters().prefetch_related("recognitions"))
    with translation.override("ja"):
        kinds = {value: str(label) for value, label in RecognitionKind.choices}
        offers = {company.pk: LIST_SEPARATOR.join(offer_labels(company.offers)) for company in companies}
    for company in companies:
        municipality = company.municipality
        yield [
            f"supporter-{company.pk}",
            company.registration_number or "",
            company.name,
            company.name_kana,
            importing.INDUSTRIES.format_one(company.industry),
            municipality.code,
            municipality.name,
            municipality.subprefecture.name,
            company.postcode,
            full_address(municipality.name, company.address),
            offers[company.pk],
            company.pr_message,
            company.website,
            local_date(company.approved_at),
            LIST_SEPARATOR.join(tour.name for tour in company.published_tours),
            _recognitions(company, kinds),
            profile_url(company.pk),
            join_notes(DEMO_COMPANY_NOTE if company.is_demo else ""),
        ]


def supporter_summary(request=None) -> Summary:
    """Row count and the date (Tokyo) of the newest change among approved supporters: one query."""
    totals = SupporterCompany.objects.public().aggregate(count=Count("pk"), last=Max("updated_at"))
    return Summary(count=totals["count"], last_updated=newest(totals["last"]))


def supporter_dataset() -> Dataset:
    return Dataset(
        slug="supporters",
        title=_("Supporter companies"),
        description=_(
            "The companies of the supporters' club approved by the secretariat: what their public profile on "
            "this portal shows, without the contact person."
        ),
        columns=SUPPORTER_COLUMNS,
        rows=supporter_rows,
        summary=supporter_summary,
        notes=(
            _("Only approved supporters; companies waiting for review or that have left the club are not listed."),
            _("The contact person's name, e-mail address and phone number are never included."),
        ),
        credits=(REGION_CREDIT,),
    )


# --- Senior advisors: the anonymised cards -------------------------------------------------------------------

ADVISOR_COLUMNS = (
    _own("NO", _("Row number in this file, from 1: not a stable identifier."), "1"),
    _own("概要", _("The anonymised summary approved by the secretariat."), "元 製紙メーカー 設備保全 35年"),
    _own("技能・職種", _("Trades and skills, separated by 、."), "設備保全、電気工事"),
    _own("資格", _("Qualifications, separated by 、."), "技能検定1級"),
    _own("対応地域", _("Areas (subprefectures) the advisor serves, separated by 、."), "釧路、根室"),
    _own("前職の業種", _("Industry the advisor worked in."), "紙・パルプ"),
    _own("経験年数", _("Years of experience."), "35"),
    _own("活動内容", _("What the advisor does, separated by 、."), "職業講話"),
)


def advisor_rows(base_url: str):
    """The cards of /advisors/, in its order and with its (Japanese) words: two queries."""
    with translation.override("ja"):
        cards = _cards(public_advisors())
    for number, card in enumerate(cards, 1):
        yield [
            str(number),
            card["summary"],
            LIST_SEPARATOR.join(card["trades"]),
            LIST_SEPARATOR.join(card["qualifications"]),
            LIST_SEPARATOR.join(card["areas"]),
            card["industry"],
            "" if card["years"] is None else str(card["years"]),
            LIST_SEPARATOR.join(card["activities"]),
        ]


def advisor_summary(request=None) -> Summary:
    totals = public_advisors().aggregate(count=Count("pk"), last=Max("updated_at"))
    return Summary(count=totals["count"], last_updated=newest(totals["last"]))


def advisor_dataset() -> Dataset:
    return Dataset(
        slug="advisors",
        title=_("Senior advisors (anonymised)"),
        description=_(
            "The retired engineers and skilled workers who teach, advise and talk to pupils, as the anonymised "
            "cards of the advisors page show them."
        ),
        columns=ADVISOR_COLUMNS,
        rows=advisor_rows,
        summary=advisor_summary,
        notes=(
            _(
                "Only advisors who are active, agreed to be contacted and have a summary approved by the "
                "secretariat. No name, contact, address or former employer is ever included: to ask for an "
                "advisor, use the request form on the advisors page."
            ),
        ),
    )
