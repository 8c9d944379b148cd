"""Demo senior advisors (``manage.py seed_demo``, called from SupportersConfig.seed_demo).

About 60 retired engineers and skilled workers spread over Hokkaido (paper, steel, food, machinery,
shipbuilding …), active, paused or waiting for review, with staff-approved anonymised summaries such as
「元 製紙メーカー 設備保全 40年・技能検定1級」; a few trade groups (related trades); and advisor requests to the
working group in each state: new, in progress with an open offer, accepted, and done with the people reached.
Names are made up, addresses are example.jp. All marked as demo data.

Idempotent: advisors are matched by their e-mail address, trade groups by name, requests by school name.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction

from portal import dates
from portal.choices import EnquiryKind, EnquiryStatus, Industry
from portal.enquiries.models import Enquiry
from portal.enquiries.services import change_enquiry_status, submit_enquiry
from portal.models import Municipality
from supporters import advisor_services
from supporters.models import AdvisorActivity, AdvisorStatus, SeniorAdvisor, TradeGroup

A = AdvisorActivity

TRADE_GROUPS = {
    "機械加工": ["旋盤", "フライス盤", "NC加工", "研削"],
    "溶接": ["アーク溶接", "TIG溶接", "ガス溶接"],
    "電気": ["電気工事", "制御盤", "シーケンス制御"],
    "食品": ["食品衛生", "製菓", "製パン"],
}

# (former industry, what the employer made, trades, qualification, activities): the summary is built from it
PROFILES = [
    (
        Industry.PAPER,
        "製紙メーカー",
        "設備保全",
        ["設備保全", "シーケンス制御"],
        "技能検定1級",
        [A.HANDS_ON, A.COMPANY_ADVICE],
    ),
    (Industry.STEEL, "製鉄所", "圧延", ["圧延", "設備保全"], "技術士", [A.CAREER_TALK, A.COMPANY_ADVICE]),
    (Industry.FOOD, "食品メーカー", "品質管理", ["食品衛生", "品質管理"], "食品衛生責任者", [A.LECTURE, A.CAREER_TALK]),
    (
        Industry.MACHINERY,
        "農業機械メーカー",
        "機械加工",
        ["旋盤", "フライス盤"],
        "ものづくりマイスター",
        [A.HANDS_ON, A.EXAM_COACHING],
    ),
    (Industry.SHIPBUILDING, "造船所", "溶接", ["アーク溶接", "TIG溶接"], "技能検定1級", [A.HANDS_ON, A.EXAM_COACHING]),
    (
        Industry.MACHINERY,
        "工作機械メーカー",
        "NC加工",
        ["NC加工", "研削"],
        "技能検定1級",
        [A.HANDS_ON, A.COMPANY_ADVICE],
    ),
    (
        Industry.ELECTRONICS,
        "電機メーカー",
        "制御設計",
        ["制御盤", "シーケンス制御"],
        "技術士",
        [A.COMPANY_ADVICE, A.LECTURE],
    ),
    (
        Industry.CONFECTIONERY,
        "製菓メーカー",
        "製造",
        ["製菓", "食品衛生"],
        "菓子製造技能士1級",
        [A.HANDS_ON, A.CAREER_TALK],
    ),
    (Industry.DAIRY, "乳業メーカー", "製造管理", ["乳製品製造", "食品衛生"], "技術士", [A.LECTURE, A.COMPANY_ADVICE]),
    (
        Industry.CONSTRUCTION,
        "電気工事会社",
        "電気工事",
        ["電気工事"],
        "第一種電気工事士",
        [A.HANDS_ON, A.EXAM_COACHING],
    ),
    (
        Industry.AUTOMOTIVE,
        "自動車部品メーカー",
        "生産技術",
        ["生産技術", "溶接"],
        "ものづくりマイスター",
        [A.CAREER_TALK, A.HANDS_ON],
    ),
    (Industry.WOOD, "木工所", "木工", ["木工", "家具製作"], "技能検定1級", [A.HANDS_ON, A.LECTURE]),
    (Industry.FOOD, "製パン会社", "製パン", ["製パン", "製菓"], "パン製造技能士1級", [A.HANDS_ON, A.CAREER_TALK]),
    (
        Industry.CHEMICALS,
        "化学プラント",
        "運転管理",
        ["プラント運転", "安全管理"],
        "技術士",
        [A.LECTURE, A.COMPANY_ADVICE],
    ),
    (
        Industry.SHIPBUILDING,
        "造船所",
        "ぎ装",
        ["ガス溶接", "配管"],
        "ものづくりマイスター",
        [A.HANDS_ON, A.CAREER_TALK],
    ),
]

SURNAMES = [
    ("佐藤", "サトウ"),
    ("高橋", "タカハシ"),
    ("田中", "タナカ"),
    ("伊藤", "イトウ"),
    ("渡辺", "ワタナベ"),
    ("山本", "ヤマモト"),
    ("中村", "ナカムラ"),
    ("小林", "コバヤシ"),
    ("加藤", "カトウ"),
    ("吉田", "ヨシダ"),
    ("山田", "ヤマダ"),
    ("佐々木", "ササキ"),
    ("山口", "ヤマグチ"),
    ("松本", "マツモト"),
    ("井上", "イノウエ"),
]
GIVEN_NAMES = [("正雄", "マサオ"), ("和夫", "カズオ"), ("清", "キヨシ"), ("幸子", "サチコ")]

# (home municipality, travel radius km)
HOMES = [
    ("札幌市", 60),
    ("旭川市", 80),
    ("函館市", 50),
    ("苫小牧市", 60),
    ("室蘭市", 40),
    ("釧路市", 100),
    ("帯広市", 80),
    ("北見市", 100),
    ("小樽市", 40),
    ("江別市", 40),
    ("千歳市", 50),
    ("岩見沢市", 50),
    ("登別市", 40),
    ("名寄市", 80),
    ("稚内市", 120),
    ("網走市", 80),
    ("根室市", 100),
    ("留萌市", 60),
    ("伊達市", 40),
    ("滝川市", 50),
]
WEEKDAY_PATTERNS = [[], [0, 1, 2, 3, 4], [1, 3], [5, 6], [0, 2, 4]]
MONTH_PATTERNS = [[], [4, 5, 6, 7, 8, 9, 10], [6, 7, 8, 9], [10, 11, 12, 1, 2]]
ADVISOR_COUNT = 60


def _status(index: int) -> str:
    if index % 10 == 7:
        return AdvisorStatus.PAUSED
    if index % 10 == 9:
        return AdvisorStatus.APPLIED
    return AdvisorStatus.ACTIVE


def advisor_specs() -> list[dict]:
    specs = []
    for index in range(ADVISOR_COUNT):
        industry, employer_kind, speciality, trades, qualification, activities = PROFILES[index % len(PROFILES)]
        surname, surname_kana = SURNAMES[index % len(SURNAMES)]
        given, given_kana = GIVEN_NAMES[(index // len(SURNAMES)) % len(GIVEN_NAMES)]
        home, radius = HOMES[(index * 7) % len(HOMES)]
        years = 30 + (index * 3) % 15
        status = _status(index)
        specs.append(
            {
                "email": f"advisor-{index + 1:02d}@example.jp",
                "name": f"{surname} {given}",
                "name_kana": f"{surname_kana} {given_kana}",
                "phone": f"090-0000-{index + 1:04d}",
                "postal_address": f"{home}（デモ住所）",
                "home": home,
                "travel_radius_km": radius,
                "trades": trades,
                "qualifications": [qualification],
                "former_industry": industry,
                "former_employer": f"北海道{employer_kind}（デモ）",
                "years_of_experience": years,
                "activities": activities,
                "available_weekdays": WEEKDAY_PATTERNS[index % len(WEEKDAY_PATTERNS)],
                "available_months": MONTH_PATTERNS[index % len(MONTH_PATTERNS)],
                "availability_note": "冬期は近隣のみ" if radius >= 80 else "",
                "consent_to_contact": status != AdvisorStatus.APPLIED,
                "status": status,
                "public_summary": f"元 {employer_kind} {speciality} {years}年・{qualification}",
                "summary_approved": status != AdvisorStatus.APPLIED,
            }
        )
    return specs


# Requests to the working group, one per state; matched by school name.
REQUESTS = [
    {
        "school_name": "札幌市立北栄中学校",
        "municipality": "011029",
        "grade": "中学2年",
        "pupils": 120,
        "days": 40,
        "message": "職業講話（ものづくりの仕事について）。場所: 札幌市北区の本校体育館。",
        "state": EnquiryStatus.NEW,
    },
    {
        "school_name": "北海道旭川工業高等学校",
        "municipality": "012041",
        "grade": "高校2年 機械科",
        "pupils": 40,
        "days": 30,
        "message": "旋盤の実技指導と技能検定3級の対策。場所: 旭川市の本校実習棟。",
        "state": EnquiryStatus.IN_PROGRESS,
        "advisor": "advisor-04@example.jp",
    },
    {
        "school_name": "苫小牧市立ウトナイ小学校",
        "municipality": "012131",
        "grade": "小学5年",
        "pupils": 60,
        "days": 25,
        "message": "紙ができるまでの出前講座。場所: 苫小牧市の本校。",
        "state": EnquiryStatus.ACCEPTED,
        "advisor": "advisor-01@example.jp",
    },
    {
        "school_name": "室蘭市立港北中学校",
        "municipality": "012050",
        "grade": "中学1年",
        "pupils": 85,
        "days": -20,
        "message": "溶接の仕事についての講話と実演。場所: 室蘭市の本校。",
        "state": EnquiryStatus.DONE,
        "advisor": "advisor-05@example.jp",
        "participants": 82,
    },
]


def _trade_groups() -> int:
    created = 0
    for name, trades in TRADE_GROUPS.items():
        _group, new = TradeGroup.objects.get_or_create(name=name, defaults={"trades": trades})
        created += new
    return created


def _advisor(spec: dict, municipalities: dict) -> bool:
    if SeniorAdvisor.objects.filter(email=spec["email"], is_demo=True).exists():
        return False
    home = municipalities[spec["home"]]
    values = {key: value for key, value in spec.items() if key != "home"}
    advisor = SeniorAdvisor(**values, home_municipality=home, is_demo=True)
    advisor.full_clean()
    advisor.save()
    if home.subprefecture_id:
        advisor.areas.add(home.subprefecture_id)
    return True


def _request(spec: dict, group) -> bool:
    if Enquiry.objects.filter(kind=EnquiryKind.ADVISOR, school_name=spec["school_name"]).exists():
        return False
    advisor = SeniorAdvisor.objects.filter(email=spec.get("advisor", ""), is_demo=True).first()
    if spec["state"] != EnquiryStatus.NEW and advisor is None:
        return False
    base_url = settings.PORTAL_BASE_URL
    first = dates.today() + dt.timedelta(days=spec["days"])
    data = {
        "school_name": spec["school_name"],
        "teacher_name": "デモ 先生",
        "email": f"demo-request-{spec['pupils']}@example.jp",
        "phone": "011-000-0000",
        "grade": spec["grade"],
        "pupils": spec["pupils"],
        "preferred_date_1": first,
        "preferred_date_2": first + dt.timedelta(days=7),
        "message": spec["message"],
    }
    with transaction.atomic():
        enquiry = submit_enquiry(
            kind=EnquiryKind.ADVISOR,
            subject=group,
            provider=group.secretariat,
            municipality=Municipality.objects.get(code=spec["municipality"]),
            data=data,
            base_url=base_url,
        )
        if spec["state"] == EnquiryStatus.NEW:
            return True
        offer = advisor_services.offer_request(enquiry=enquiry, advisor=advisor, by=None, base_url=base_url)
        if spec["state"] == EnquiryStatus.IN_PROGRESS:
            return True
        advisor_services.accept_offer(offer=offer, base_url=base_url)
        if spec["state"] == EnquiryStatus.DONE:
            enquiry.refresh_from_db()
            change_enquiry_status(enquiry=enquiry, to=EnquiryStatus.DONE, by=None)
            advisor_services.record_outcome(enquiry=enquiry, participants=spec["participants"], by=None)
    return True


def seed_demo_advisors(*, stdout) -> None:
    from portal.models import WorkingGroup

    groups = _trade_groups()
    names = {home for home, _radius in HOMES}
    municipalities = {m.name: m for m in Municipality.objects.filter(name__in=names)}
    specs = [spec for spec in advisor_specs() if spec["home"] in municipalities]
    advisors = sum(_advisor(spec, municipalities) for spec in specs)
    group = WorkingGroup.load()
    requests = 0
    if group is not None and group.secretariat_id is not None:
        requests = sum(_request(spec, group) for spec in REQUESTS)
    stdout.write(f"Senior advisors: {advisors} demo advisors, {groups} trade groups, {requests} requests added.")
