"""Demo seminars (``manage.py seed_demo``, hooked in through SeminarsConfig.seed_demo).

Made-up but realistic seminars of every kind around Hokkaido, published and marked as demo data, each with
sessions in the coming weeks: a factory tour trip for junior high school pupils visits three of the real
demo factory tours (programmes' seed runs first), and a seminar for their parents is paired with the trip's
session, so that families can book both. Idempotent: seminars are matched by title among the demo seminars,
sessions by their label within the seminar, itinerary stops by position; running it again adds nothing.
Sessions that have passed are moved to new dates in the future.
"""

import datetime as dt

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone

from portal import dates
from portal.booking.models import Session
from portal.choices import Audience, FeeKind, ListingStatus, OrganisationCategory, SessionStatus
from portal.models import Municipality, Organisation
from seminars.models import ItineraryStop, Seminar
from seminars.models.seminar import SeminarKind

PUBLIC, INDUSTRY = OrganisationCategory.PUBLIC_BODY, OrganisationCategory.INDUSTRY
ORGANISATIONS = {
    "vada": ("北海道職業能力開発協会", "Hokkaido Vocational Ability Development Association", PUBLIC),
    "skills": ("北海道技能士会連合会", "Hokkaido Federation of Certified Skilled Workers", INDUSTRY),
    "asahikawa": ("旭川ものづくり振興協議会", "Asahikawa Monozukuri Promotion Council", INDUSTRY),
    "iburi": ("胆振地域ものづくり人材育成協議会", "Iburi Monozukuri Skills Council", INDUSTRY),
}

TOUR_TITLE = "中学生 千歳・苫小牧 工場見学バスツアー"
PARENT_TITLE = "子どもの進路とものづくりの仕事 保護者向けセミナー"
TOUR_LABEL = "第1回"
# the student trip's stops: the start of a demo factory tour's name, arrives, leaves, note
ITINERARY = [
    ("カルビー北海道工場", dt.time(10, 0), dt.time(11, 0), "ポテトチップスの製造ラインを見学"),
    ("キッコーマン千歳工場", dt.time(11, 30), dt.time(12, 45), "しょうゆの仕込みを見学、工場内で昼食"),
    ("トヨタ自動車北海道", dt.time(14, 0), dt.time(15, 15), "トランスミッション工場の見学と社員との座談会"),
]

# sessions: (label, days from today, start hour, start minute, hours, municipality code, venue, capacity)
SEMINARS = [
    {
        "kind": SeminarKind.STUDENT_TOUR,
        "title": TOUR_TITLE,
        "title_en": "Factory bus trip to Chitose and Tomakomai for junior high school pupils",
        "org": "vada",
        "speaker": "",
        "audiences": [Audience.JUNIOR_HIGH],
        "grades": "中学1〜3年",
        "fee": 0,
        "bring": "昼食代（工場内食堂 500円）、筆記用具、上履き",
        "description": "札幌駅北口から貸切バスで千歳・苫小牧の工場3か所をめぐります。"
        "食品と自動車部品の製造現場を見学し、若手社員に仕事の話を聞きます。",
        "sessions": [(TOUR_LABEL, 24, 8, 30, 8, "011029", "札幌駅北口 集合（貸切バス）", 40)],
    },
    {
        "kind": SeminarKind.PARENT,
        "title": PARENT_TITLE,
        "title_en": "Your child's future and jobs in making things: a seminar for parents",
        "org": "vada",
        "speaker": "北海道職業能力開発協会 キャリアコンサルタント",
        "audiences": [Audience.PARENT],
        "grades": "",
        "fee": 0,
        "bring": "筆記用具",
        "description": "お子さまが工場見学バスツアーに参加している間に、道内製造業の仕事、高専・工業高校・"
        "高等技術専門学院への進路、技能検定について紹介します。ツアーとあわせて申し込めます。",
        "sessions": [(TOUR_LABEL, 24, 13, 0, 2, "012131", "苫小牧市民会館 小ホール", 40)],
    },
    {
        "kind": SeminarKind.PARENT,
        "title": "理系・技術系の進路を考える 十勝の保護者セミナー",
        "title_en": "Science and technical careers: a seminar for parents in Tokachi",
        "org": "vada",
        "speaker": "帯広工業高等学校 進路指導部／十勝の製造業若手社員",
        "audiences": [Audience.PARENT],
        "grades": "",
        "fee": 0,
        "bring": "",
        "description": "十勝の食品・農業機械メーカーで働く若手社員と先生が、地元で技術者になる道を紹介します。",
        "sessions": [("", 31, 18, 30, 2, "012076", "とかちプラザ 視聴覚室", 60)],
    },
    {
        "kind": SeminarKind.TEACHER,
        "title": "キャリア教育に活かす北海道のものづくり産業 教職員向けセミナー",
        "title_en": "Hokkaido manufacturing in career education: a seminar for teachers",
        "org": "vada",
        "speaker": "北海道経済部 産業振興課／道内製造業の人事担当者",
        "audiences": [Audience.TEACHER],
        "grades": "",
        "fee": 0,
        "bring": "",
        "description": "道内製造業の現状と人材ニーズ、出前講座や工場見学の活用例を紹介します。"
        "小・中・高の先生方が対象です。",
        "sessions": [("", 18, 14, 0, 3, "011011", "北海道経済センター 8階会議室", 80)],
    },
    {
        "kind": SeminarKind.TEACHER_TOUR,
        "title": "教職員向け職場見学会 ～苫小牧の製造現場を知る～",
        "title_en": "Workplace tour for teachers: manufacturing in Tomakomai",
        "org": "iburi",
        "speaker": "",
        "audiences": [Audience.TEACHER],
        "grades": "",
        "fee": 0,
        "bring": "動きやすい服装、運動靴",
        "description": "製紙・自動車部品の工場を訪ね、現場で求められる力を人事担当者と意見交換します。"
        "冬休み中の開催です。",
        "sessions": [("", 40, 9, 30, 6, "012131", "苫小牧駅南口 集合", 25)],
    },
    {
        "kind": SeminarKind.SPECIALIST_TALK,
        "title": "ものづくりマイスターが語る 技能五輪への挑戦",
        "title_en": "A monozukuri meister on competing in the national skills competition",
        "org": "asahikawa",
        "speaker": "山田 健二（家具製作1級技能士・ものづくりマイスター）",
        "speaker_profile": "旭川家具の工房で30年。技能五輪全国大会の家具職種で金賞を受賞し、"
        "現在は若手技能者の指導にあたる。",
        "audiences": [Audience.HIGH_SCHOOL, Audience.UNIVERSITY, Audience.GENERAL],
        "grades": "高校生以上",
        "fee": 0,
        "bring": "",
        "description": "技能五輪の舞台裏と、職人として成長するまでの道のりを実演を交えて語ります。",
        "sessions": [("", 27, 14, 0, 2, "012041", "旭川市民文化会館 小ホール", 120)],
    },
    {
        "kind": SeminarKind.SKILL_UP,
        "title": "はじめてのPLC制御 スキルアップ講座",
        "title_en": "Skill-up course: programmable logic controllers for beginners",
        "org": "vada",
        "speaker": "北海道立札幌高等技術専門学院 電気系指導員",
        "school_name": "北海道立札幌高等技術専門学院",
        "course_hours": 12,
        "audiences": [Audience.GENERAL],
        "grades": "",
        "fee": 3000,
        "bring": "筆記用具（テキスト代は受講料に含みます）",
        "description": "シーケンス制御の基礎から、実機のPLCでコンベアを動かす演習まで。2日間の講座です。",
        "sessions": [
            ("1日目", 21, 9, 0, 7, "011037", "北海道立札幌高等技術専門学院 電気実習室", 15),
            ("2日目", 22, 9, 0, 7, "011037", "北海道立札幌高等技術専門学院 電気実習室", 15),
        ],
    },
    {
        "kind": SeminarKind.SKILL_UP,
        "title": "溶接技能者のためのステンレスTIG溶接講座",
        "title_en": "Skill-up course: TIG welding of stainless steel",
        "org": "skills",
        "speaker": "北海道立函館高等技術専門学院 溶接科指導員",
        "school_name": "北海道立函館高等技術専門学院",
        "course_hours": 18,
        "audiences": [Audience.GENERAL],
        "grades": "",
        "fee": 5000,
        "bring": "作業服、安全靴（溶接用保護具は貸し出します）",
        "description": "食品機械で使われるステンレスのTIG溶接を、実技中心に3日間で学びます。",
        "sessions": [("", 35, 9, 0, 6, "012025", "北海道立函館高等技術専門学院", 8)],
    },
]


def _organisation(key: str) -> Organisation:
    name, name_en, category = ORGANISATIONS[key]
    organisation, _created = Organisation.objects.get_or_create(
        name=name, defaults={"name_en": name_en, "category": category, "is_member": True}
    )
    return organisation


def _seminar(spec: dict) -> tuple[Seminar, bool]:
    fee = spec["fee"]
    return Seminar.objects.update_or_create(
        title=spec["title"],
        is_demo=True,
        defaults={
            "kind": spec["kind"],
            "title_en": spec["title_en"],
            "provider": _organisation(spec["org"]),
            "speaker": spec["speaker"],
            "speaker_profile": spec.get("speaker_profile", ""),
            "school_name": spec.get("school_name", ""),
            "course_hours": spec.get("course_hours"),
            "audiences": list(spec["audiences"]),
            "grades": spec["grades"],
            "fee_kind": FeeKind.PAID if fee else FeeKind.FREE,
            "fee_amount": fee or None,
            "what_to_bring": spec["bring"],
            "description": spec["description"],
            "status": ListingStatus.PUBLISHED,
        },
    )


def _sessions(seminar: Seminar, specs: list, content_type, now) -> int:
    created = 0
    seen_labels: dict[str, int] = {}
    for label, days, hour, minute, hours, code, venue, capacity in specs:
        day = dates.today() + dt.timedelta(days=days)
        starts = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))
        ends = starts + dt.timedelta(hours=hours)
        position = seen_labels[label] = seen_labels.get(label, -1) + 1  # the n-th session with this label
        same_label = Session.objects.filter(offering_type=content_type, offering_id=seminar.pk, label=label)
        session = same_label.order_by("pk")[position : position + 1].first()
        if session is None:
            Session.objects.create(
                offering_type=content_type,
                offering_id=seminar.pk,
                label=label,
                starts_at=starts,
                ends_at=ends,
                venue_name=venue,
                municipality=Municipality.objects.get(code=code),
                capacity=capacity,
                max_party_size=6,
            )
            created += 1
        elif session.starts_at <= now and session.status == SessionStatus.SCHEDULED:
            Session.objects.filter(pk=session.pk).update(starts_at=starts, ends_at=ends)  # demo dates move on
    return created


def _itinerary(seminar: Seminar) -> int:
    """The student trip's stops at real demo factory tours (none if programmes' demo tours are missing)."""
    FactoryTour = apps.get_model("programmes", "FactoryTour")  # through the registry: no import of programmes
    created = 0
    for position, (name, arrive_at, leave_at, note) in enumerate(ITINERARY, 1):
        tour = FactoryTour.objects.filter(is_demo=True, name__startswith=name).order_by("pk").first()
        if tour is None:
            continue
        _stop, new = ItineraryStop.objects.update_or_create(
            seminar=seminar,
            position=position,
            defaults={"tour": tour, "arrive_at": arrive_at, "leave_at": leave_at, "note": note},
        )
        created += new
    return created


def _pair(content_type) -> bool:
    """Pair the parent seminar's session with the student trip's (same day), unless either is paired."""
    tour_session = Session.objects.filter(
        offering_type=content_type,
        offering_id__in=Seminar.objects.filter(is_demo=True, title=TOUR_TITLE).values("pk"),
        label=TOUR_LABEL,
    ).first()
    parent_session = Session.objects.filter(
        offering_type=content_type,
        offering_id__in=Seminar.objects.filter(is_demo=True, title=PARENT_TITLE).values("pk"),
        label=TOUR_LABEL,
    ).first()
    if tour_session is None or parent_session is None or parent_session.paired_with_id == tour_session.pk:
        return False
    already = Q(paired_with__in=[tour_session, parent_session]) | Q(pk__in=[tour_session.pk, parent_session.pk])
    if Session.objects.filter(already, paired_with__isnull=False).exists():
        return False
    parent_session.paired_with = tour_session
    parent_session.save(update_fields=["paired_with"])
    return True


def seed_demo_seminars(*, stdout) -> None:
    content_type = ContentType.objects.get_for_model(Seminar)
    now = timezone.now()
    new_seminars = new_sessions = new_stops = 0
    for spec in SEMINARS:
        seminar, created = _seminar(spec)
        new_seminars += created
        new_sessions += _sessions(seminar, spec["sessions"], content_type, now)
        if spec["kind"] == SeminarKind.STUDENT_TOUR:
            new_stops += _itinerary(seminar)
    paired = _pair(content_type)
    stdout.write(
        f"Demo seminars: {len(SEMINARS)} ({new_seminars} new), {new_sessions} new sessions, "
        f"{new_stops} new itinerary stops{', 1 new pair of sessions' if paired else ''}."
    )
