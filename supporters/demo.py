"""Demo supporter companies (``manage.py seed_demo``, called from SupportersConfig.seed_demo).

Hokkaido manufacturers in every state a supporter can be in: approved ones with registration numbers (some
host demo factory tours, which are linked to them, and receive a couple of school enquiries through the
one enquiry workflow), one waiting for review and one that left the club. Contact people are made up, with
example.jp addresses. Recognitions (認証・表彰) for two of them. All marked as demo data.

Idempotent: companies are matched by name among the demo data, tours are linked only when not linked yet,
an enquiry is added only when its school has none for that tour, a recognition only when missing. Running
it again adds nothing. Demo tours come from the programmes app (loaded before this one: INSTALLED_APPS
order); they are reached through the app registry.
"""

import datetime as dt

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Max
from django.utils import timezone

from portal import dates
from portal.choices import EnquiryKind, Industry, SupportOffer
from portal.enquiries.models import Enquiry
from portal.enquiries.services import submit_enquiry
from supporters.models import Recognition, RecognitionKind, SupporterCompany, SupporterStatus

Offer = SupportOffer


def _at(year: int, month: int, day: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, 10, 0))


SUPPORTERS = [
    {
        "name": "田中酒造株式会社",
        "name_kana": "タナカシュゾウ",
        "municipality": "012033",  # 小樽市
        "postcode": "047-0031",
        "address": "色内3丁目2番5号",
        "industry": Industry.BREWING,
        "offers": [Offer.FACTORY_TOUR, Offer.WORKPLACE_EXPERIENCE, Offer.TEACHER_TOUR],
        "pr_message": (
            "明治32年創業の小樽の酒蔵です。米と水と麹から日本酒ができるまでを、蔵の中で見て、香りで感じてください。"
        ),
        "contact": ("佐藤 真理子", "tanaka-shuzo@example.jp", "0134-00-0001"),
        "status": SupporterStatus.APPROVED,
        "approved": (2026, 4, 20),
        "tours": ["田中酒造 亀甲蔵"],
    },
    {
        "name": "株式会社布目",
        "name_kana": "ヌノメ",
        "municipality": "012025",  # 函館市
        "postcode": "",
        "address": "",
        "industry": Industry.FOOD,
        "offers": [Offer.FACTORY_TOUR, Offer.OUTREACH_LECTURE],
        "pr_message": (
            "函館の海の幸を、いかの塩辛や松前漬にして全国に届けています。食品づくりの衛生と工夫を見に来てください。"
        ),
        "contact": ("高橋 健一", "nunome@example.jp", "0138-00-0002"),
        "status": SupporterStatus.APPROVED,
        "approved": (2026, 5, 12),
        "tours": ["株式会社布目 工場"],
    },
    {
        "name": "男山株式会社",
        "name_kana": "オトコヤマ",
        "municipality": "012041",  # 旭川市
        "postcode": "",
        "address": "",
        "industry": Industry.BREWING,
        "offers": [Offer.FACTORY_TOUR, Offer.MATERIALS],
        "pr_message": "大雪山の伏流水で仕込む旭川の酒蔵です。資料館で酒造りの道具と歴史をご覧いただけます。",
        "contact": ("伊藤 大輔", "otokoyama@example.jp", ""),
        "status": SupporterStatus.APPROVED,
        "approved": (2026, 6, 2),
        "tours": ["男山酒造り資料舘"],
    },
    {
        "name": "北見精密工業株式会社",
        "name_kana": "キタミセイミツコウギョウ",
        "municipality": "012084",  # 北見市
        "postcode": "090-0000",
        "address": "",
        "industry": Industry.MACHINERY,
        "offers": [Offer.WORKPLACE_EXPERIENCE, Offer.INTERNSHIP, Offer.OUTREACH_LECTURE, Offer.ADVISOR_DISPATCH],
        "pr_message": (
            "農業機械の部品を0.01mmの精度で削り出しています。旋盤やマシニングセンタを動かす仕事を体験してみませんか。"
        ),
        "contact": ("渡辺 翔", "kitami-seimitsu@example.jp", "0157-00-0004"),
        "status": SupporterStatus.APPROVED,
        "approved": (2026, 7, 15),
        "tours": [],
    },
    {
        "name": "とかち木工株式会社",
        "name_kana": "トカチモッコウ",
        "municipality": "012076",  # 帯広市
        "postcode": "",
        "address": "",
        "industry": Industry.WOOD,
        "offers": [Offer.WORKPLACE_EXPERIENCE, Offer.PARENT_SEMINAR],
        "pr_message": (
            "十勝のカラマツとナラで家具をつくっています。木を選ぶところから仕上げまで、職人の手仕事を見てください。"
        ),
        "contact": ("中村 さくら", "tokachi-mokko@example.jp", ""),
        "status": SupporterStatus.APPROVED,
        "approved": (2026, 9, 1),
        "tours": [],
    },
    {
        "name": "室蘭ボイラー工業株式会社",
        "name_kana": "ムロランボイラーコウギョウ",
        "municipality": "012050",  # 室蘭市
        "postcode": "",
        "address": "",
        "industry": Industry.STEEL,
        "offers": [Offer.INTERNSHIP, Offer.TEACHER_TOUR],
        "pr_message": (
            "発電所や工場のボイラーを設計・製作しています。溶接と検査の現場で、ものづくりの大きさを感じてください。"
        ),
        "contact": ("小林 誠", "muroran-boiler@example.jp", "0143-00-0006"),
        "status": SupporterStatus.APPROVED,
        "approved": (2026, 10, 6),
        "tours": [],
    },
    {
        "name": "石狩パッケージ印刷株式会社",
        "name_kana": "イシカリパッケージインサツ",
        "municipality": "012351",  # 石狩市
        "postcode": "",
        "address": "",
        "industry": Industry.PRINTING,
        "offers": [Offer.FACTORY_TOUR],
        "pr_message": "お菓子の箱やラベルを印刷しています。",
        "contact": ("加藤 美穂", "ishikari-package@example.jp", ""),
        "status": SupporterStatus.PENDING_REVIEW,
        "approved": None,
        "tours": [],
    },
    {
        "name": "釧路マリンテック株式会社",
        "name_kana": "クシロマリンテック",
        "municipality": "012068",  # 釧路市
        "postcode": "",
        "address": "",
        "industry": Industry.SHIPBUILDING,
        "offers": [Offer.WORKPLACE_EXPERIENCE],
        "pr_message": "漁船の修理と艤装をしています。",
        "contact": ("吉田 浩", "kushiro-marinetech@example.jp", ""),
        "status": SupporterStatus.WITHDRAWN,
        "approved": (2026, 4, 10),
        "withdrawn": (2026, 8, 31),
        "tours": [],
    },
]

RECOGNITIONS = [
    {
        "company": "田中酒造株式会社",
        "kind": RecognitionKind.AWARD,
        "title": "次世代人材育成応援企業 感謝状",
        "description": "小樽市内の中学校3校の工場見学を受け入れ、延べ240人の生徒に酒造りを紹介した。",
        "awarded_on": (2026, 11, 5),
    },
    {
        "company": "北見精密工業株式会社",
        "kind": RecognitionKind.CERTIFICATION,
        "title": "ものづくり人材育成認証（職場体験）",
        "description": "中学生の職場体験を年間を通じて受け入れる体制を整えた。",
        "awarded_on": (2026, 10, 20),
    },
]

ENQUIRIES = [
    {
        "tour": "田中酒造 亀甲蔵",
        "data": {
            "school_name": "小樽市立末広中学校（デモ）",
            "teacher_name": "山本 直子",
            "email": "suehiro-demo@example.jp",
            "phone": "0134-00-1001",
            "grade": "中学2年",
            "pupils": 32,
            "adults": 2,
            "coming_by_bus": False,
            "message": "総合的な学習の時間で地域の産業を調べています。",
        },
        "days": 40,
    },
    {
        "tour": "株式会社布目 工場",
        "data": {
            "school_name": "函館市立桔梗中学校（デモ）",
            "teacher_name": "井上 拓也",
            "email": "kikyo-demo@example.jp",
            "phone": "0138-00-1002",
            "grade": "中学1年",
            "pupils": 28,
            "adults": 3,
            "coming_by_bus": True,
            "message": "バス1台で伺います。",
        },
        "days": 55,
    },
]


def _free_number(year: int) -> str:
    """The next registration number of ``year`` not taken yet (2026-0001, 2026-0002, …)."""
    last = SupporterCompany.objects.filter(registration_number__startswith=f"{year}-").aggregate(
        last=Max("registration_number")
    )["last"]
    return f"{year}-{(int(last[5:]) if last else 0) + 1:04d}"


def _supporter(spec: dict) -> tuple[SupporterCompany, bool]:
    company = SupporterCompany.objects.filter(name=spec["name"], is_demo=True).first()
    if company is not None:
        return company, False
    contact_name, contact_email, contact_phone = spec["contact"]
    approved_at = _at(*spec["approved"]) if spec["approved"] else None
    company = SupporterCompany(
        name=spec["name"],
        name_kana=spec["name_kana"],
        municipality_id=spec["municipality"],
        postcode=spec["postcode"],
        address=spec["address"],
        industry=spec["industry"],
        offers=[str(offer) for offer in spec["offers"]],
        pr_message=spec["pr_message"],
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
        status=spec["status"],
        verified_at=approved_at or timezone.now(),
        approved_at=approved_at,
        withdrawn_at=_at(*spec["withdrawn"]) if spec.get("withdrawn") else None,
        registration_number=_free_number(dates.fiscal_year(approved_at)) if approved_at else None,
        is_demo=True,
    )
    company.full_clean()
    company.save()
    return company, True


def _link_tours(company: SupporterCompany, names: list[str]) -> int:
    factory_tour = apps.get_model("programmes", "FactoryTour")
    linked = 0
    for tour in factory_tour.objects.filter(is_demo=True, name__in=names, supporter__isnull=True):
        tour.supporter = company
        tour.save(update_fields=["supporter"])
        linked += 1
    return linked


def _enquiry(spec: dict) -> bool:
    factory_tour = apps.get_model("programmes", "FactoryTour")
    tour = factory_tour.objects.filter(is_demo=True, name=spec["tour"]).first()
    if tour is None:
        return False
    exists = Enquiry.objects.filter(
        subject_type=ContentType.objects.get_for_model(factory_tour),
        subject_id=tour.pk,
        school_name=spec["data"]["school_name"],
    ).exists()
    if exists:
        return False
    data = {**spec["data"], "preferred_date_1": dates.today() + dt.timedelta(days=spec["days"])}
    submit_enquiry(kind=EnquiryKind.TOUR, subject=tour, data=data, base_url=settings.PORTAL_BASE_URL)
    return True


def _recognition(spec: dict) -> bool:
    company = SupporterCompany.objects.filter(name=spec["company"], is_demo=True).first()
    if company is None:
        return False
    awarded_on = dt.date(*spec["awarded_on"])
    _instance, created = Recognition.objects.get_or_create(
        company=company,
        title=spec["title"],
        fiscal_year=dates.fiscal_year(awarded_on),
        defaults={"kind": spec["kind"], "description": spec["description"], "awarded_on": awarded_on},
    )
    return created


def seed_demo_supporters(*, stdout) -> None:
    created = linked = 0
    for spec in SUPPORTERS:
        company, new = _supporter(spec)
        created += new
        if company.status == SupporterStatus.APPROVED:
            linked += _link_tours(company, spec["tours"])
    enquiries = sum(_enquiry(spec) for spec in ENQUIRIES)
    recognitions = sum(_recognition(spec) for spec in RECOGNITIONS)
    stdout.write(
        f"Supporters: {created} demo companies added, {linked} demo tours linked, {enquiries} enquiries, "
        f"{recognitions} recognitions."
    )
