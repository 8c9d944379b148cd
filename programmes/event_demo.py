"""Demo experience events (``manage.py seed_demo``, hooked in through ProgrammesConfig.seed_demo).

Eight made-up but realistic hands-on events by partner organisations around Hokkaido, published and
marked as demo data, each with one to three sessions in the coming weeks. Some sessions are filled through
the booking engine (portal.booking.services.register) so that the pages show every state: seats left,
a waiting list, full. Idempotent: events are matched by title among the demo events, sessions by their
label within the event, demo participants by e-mail address; running it again adds nothing. Sessions
that have passed are moved to new dates in the future.
"""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from portal import dates
from portal.booking import services as booking_services
from portal.booking.models import Session
from portal.choices import Allocation, Audience, FeeKind, ListingStatus, OrganisationCategory, SessionStatus
from portal.models import Municipality, Organisation
from programmes.models import ExperienceEvent

PUBLIC, INDUSTRY = OrganisationCategory.PUBLIC_BODY, OrganisationCategory.INDUSTRY
ORGANISATIONS = {
    "vada": ("北海道職業能力開発協会", "Hokkaido Vocational Ability Development Association", PUBLIC),
    "skills": ("北海道技能士会連合会", "Hokkaido Federation of Certified Skilled Workers", INDUSTRY),
    "asahikawa": ("旭川ものづくり振興協議会", "Asahikawa Monozukuri Promotion Council", INDUSTRY),
    "tokachi": ("十勝産業振興センター", "Tokachi Industry Promotion Centre", PUBLIC),
    "iburi": ("胆振地域ものづくり人材育成協議会", "Iburi Monozukuri Skills Council", INDUSTRY),
}

# title, English title, organisation, trade, instructors, audiences, grades, fee (yen or 0), bring, description,
# sessions: (label, days from today, start hour, hours, municipality code, venue, capacity, fill, waitlist, lottery)
EVENTS = [
    {
        "title": "親子で挑戦！旋盤でつくるオリジナル文鎮",
        "title_en": "Make your own paperweight on a lathe (parents and children)",
        "org": "vada",
        "trade": "旋盤",
        "instructors": "佐藤 健一（機械加工1級技能士・ものづくりマイスター）",
        "audiences": [Audience.ELEMENTARY, Audience.PARENT],
        "grades": "小学4〜6年と保護者",
        "fee": 0,
        "bring": "動きやすい服装、運動靴",
        "description": "本物の旋盤で真ちゅうの丸棒を削り、名前入りの文鎮をつくります。安全メガネは会場で貸し出します。",
        "sessions": [
            ("午前の部", 12, 10, 2, "011011", "北海道立札幌高等技術専門学院", 12, 12, True, False),
            ("午後の部", 12, 14, 2, "011011", "北海道立札幌高等技術専門学院", 12, 4, True, False),
        ],
    },
    {
        "title": "火花を体験！はじめての溶接教室",
        "title_en": "Sparks fly: a first welding class",
        "org": "iburi",
        "trade": "溶接",
        "instructors": "高橋 誠（溶接1級技能士）\n室蘭地区溶接協会の皆さん",
        "audiences": [Audience.JUNIOR_HIGH],
        "grades": "中学1〜3年",
        "fee": 500,
        "bring": "長袖・長ズボン、軍手",
        "description": "溶接の仕組みを学び、シミュレーターと本物の溶接機で鉄のペン立てをつくります。",
        "sessions": [
            ("", 19, 13, 3, "012050", "室蘭テクノセンター", 10, 10, False, False),
        ],
    },
    {
        "title": "旭川家具の職人と木工ワークショップ",
        "title_en": "Woodwork workshop with Asahikawa furniture makers",
        "org": "asahikawa",
        "trade": "木工",
        "instructors": "山本 由美（家具製作1級技能士）",
        "audiences": [Audience.ELEMENTARY, Audience.PARENT],
        "grades": "小学3年以上（保護者同伴）",
        "fee": 1000,
        "bring": "エプロン",
        "description": "道産ナラ材でスツールを組み立て、やすりがけとオイル仕上げまで体験します。",
        "sessions": [
            ("第1回", 9, 10, 3, "012041", "旭川デザインセンター", 16, 6, True, False),
            ("第2回", 23, 10, 3, "012041", "旭川デザインセンター", 16, 0, True, False),
            ("第3回", 37, 10, 3, "012041", "旭川デザインセンター", 16, 0, True, False),
        ],
    },
    {
        "title": "はんだ付けで光るLEDバッジをつくろう",
        "title_en": "Solder your own blinking LED badge",
        "org": "skills",
        "trade": "電子工作",
        "instructors": "伊藤 拓也（電子機器組立て1級技能士）",
        "audiences": [Audience.ELEMENTARY, Audience.JUNIOR_HIGH],
        "grades": "小学5年〜中学3年",
        "fee": 800,
        "bring": "筆記用具",
        "description": "はんだごての使い方を学び、電子回路を組み立ててLEDが点滅するバッジを完成させます。",
        "sessions": [
            ("", 16, 10, 2, "012025", "函館市地域交流まちづくりセンター", 20, 20, True, False),
            ("", 30, 10, 2, "013455", "森町公民館", 20, 2, True, False),
        ],
    },
    {
        "title": "板金でつくるミニちりとり",
        "title_en": "Sheet metal: make a mini dustpan",
        "org": "skills",
        "trade": "板金",
        "instructors": "渡辺 浩（工場板金1級技能士・ものづくりマイスター）",
        "audiences": [Audience.ELEMENTARY],
        "grades": "小学4〜6年",
        "fee": 0,
        "bring": "軍手",
        "description": "一枚の金属板を切って曲げて、使えるちりとりに仕上げます。",
        "sessions": [
            ("", 26, 13, 2, "012084", "北見市産業支援センター", 15, 0, True, False),
        ],
    },
    {
        "title": "台所は実験室！お菓子づくりの科学",
        "title_en": "The kitchen is a lab: the science of sweets",
        "org": "tokachi",
        "trade": "製菓",
        "instructors": "中村 さくら（菓子製造1級技能士）",
        "audiences": [Audience.ELEMENTARY, Audience.PARENT],
        "grades": "小学1〜6年と保護者",
        "fee": 500,
        "bring": "エプロン、三角巾、持ち帰り用の容器",
        "description": "十勝産の小麦と牛乳を使い、ふくらむ・固まるの仕組みを実験しながらお菓子をつくります。",
        "sessions": [
            ("", 33, 10, 2, "012076", "とかちプラザ 調理実習室", 24, 0, True, True),
        ],
    },
    {
        "title": "ロボットを動かそう！はじめてのプログラミング",
        "title_en": "Make a robot move: first programming",
        "org": "vada",
        "trade": "ロボットプログラミング",
        "instructors": "小林 大輔（苫小牧工業高等専門学校 技術職員）",
        "audiences": [Audience.ELEMENTARY, Audience.JUNIOR_HIGH],
        "grades": "小学5年〜中学2年",
        "fee": 0,
        "bring": "なし（パソコンは会場で用意します）",
        "description": "工場で働く産業用ロボットの話を聞き、教育用ロボットアームをプログラムで動かします。",
        "sessions": [
            ("", 14, 10, 3, "012131", "苫小牧市テクノセンター", 20, 8, True, False),
            ("", 28, 10, 3, "012068", "釧路市生涯学習センター", 20, 0, True, False),
        ],
    },
    {
        "title": "3D CADで設計して3Dプリンターで形に",
        "title_en": "Design in 3D CAD, print it in 3D",
        "org": "skills",
        "trade": "3D CAD",
        "instructors": "加藤 真理（機械・プラント製図1級技能士）",
        "audiences": [Audience.JUNIOR_HIGH, Audience.HIGH_SCHOOL],
        "grades": "中学1年〜高校3年",
        "fee": 300,
        "bring": "筆記用具",
        "description": "無料の3D CADでキーホルダーを設計し、3Dプリンターで出力します。完成品は後日郵送します。",
        "sessions": [
            ("", 21, 13, 3, "012173", "江別市情報図書館", 10, 10, True, False),
        ],
    },
]

PARTY_SEATS = 2  # each demo party: one child (小5) and one adult


def _organisation(key: str) -> Organisation:
    name, name_en, category = ORGANISATIONS[key]
    organisation, _created = Organisation.objects.get_or_create(
        name=name, defaults={"name_en": name_en, "category": category, "is_member": True}
    )
    return organisation


def _event(spec: dict) -> tuple[ExperienceEvent, bool]:
    fee = spec["fee"]
    return ExperienceEvent.objects.update_or_create(
        title=spec["title"],
        is_demo=True,
        defaults={
            "title_en": spec["title_en"],
            "provider": _organisation(spec["org"]),
            "trade": spec["trade"],
            "instructors": spec["instructors"],
            "audiences": list(spec["audiences"]),
            "grades": spec["grades"],
            "fee_kind": FeeKind.PAID if fee else FeeKind.FREE,
            "fee_amount": fee or None,
            "what_to_bring": spec["bring"],
            "description": spec["description"],
            "status": ListingStatus.PUBLISHED,
        },
    )


def _session_times(days: int, hour: int, hours: int) -> tuple[dt.datetime, dt.datetime]:
    day = dates.today() + dt.timedelta(days=days)
    starts = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
    return starts, starts + dt.timedelta(hours=hours)


def _sessions(event: ExperienceEvent, specs: list, content_type, now) -> tuple[int, int]:
    created = registered = 0
    seen_labels: dict[str, int] = {}
    for index, (label, days, hour, hours, code, venue, capacity, fill, waitlist, lottery) in enumerate(specs, 1):
        starts, ends = _session_times(days, hour, hours)
        # the n-th session of the event with this label (several may have none)
        position = seen_labels[label] = seen_labels.get(label, -1) + 1
        same_label = Session.objects.filter(offering_type=content_type, offering_id=event.pk, label=label)
        session = same_label.order_by("pk")[position : position + 1].first()
        if session is None:
            session = Session.objects.create(
                offering_type=content_type,
                offering_id=event.pk,
                label=label,
                starts_at=starts,
                ends_at=ends,
                venue_name=venue,
                municipality=Municipality.objects.get(code=code),
                capacity=capacity,
                waitlist_enabled=waitlist,
                max_party_size=6,
                allocation=Allocation.LOTTERY if lottery else Allocation.FIRST_COME,
                registration_closes_at=starts - dt.timedelta(days=7) if lottery else None,
            )
            created += 1
        elif session.starts_at <= now and session.status == SessionStatus.SCHEDULED:
            Session.objects.filter(pk=session.pk).update(starts_at=starts, ends_at=ends)  # demo dates move on
            session.refresh_from_db()
        # fill: seats to take; a session filled to capacity with a waiting list gets two parties waiting
        parties = fill // PARTY_SEATS + (2 if fill >= capacity and waitlist else 0)
        for number in range(1, parties + 1):
            email = f"demo-{event.pk}-{index}-{number}@example.jp"
            if session.registrations.filter(email=email).exists():
                continue
            booking_services.register(
                session=session,
                data={
                    "kind": "family",
                    "contact_name": f"体験 太郎{number}",
                    "contact_kana": "タイケン タロウ",
                    "email": email,
                    "phone": "011-000-0000",
                    "children_grades": ["e5"],
                    "adults": 1,
                },
            )
            registered += 1
    return created, registered


def seed_demo_events(*, stdout) -> None:
    content_type = ContentType.objects.get_for_model(ExperienceEvent)
    now = timezone.now()
    new_events = new_sessions = new_registrations = 0
    for spec in EVENTS:
        event, created = _event(spec)
        new_events += created
        sessions, registrations = _sessions(event, spec["sessions"], content_type, now)
        new_sessions += sessions
        new_registrations += registrations
    stdout.write(
        f"Demo experience events: {len(EVENTS)} ({new_events} new), {new_sessions} new sessions, "
        f"{new_registrations} new demo registrations."
    )
