"""Demo outreach lectures and materials (``manage.py seed_demo``, called from SeminarsConfig.seed_demo).

Four made-up but realistic outreach lectures (出前講座) by partner organisations, among them a vocational
school's welding lecture and a supporter company's career talk, and three materials for parent seminars:
two links and one small PDF rendered with portal.pdf. All published and marked as demo data. Idempotent:
lectures and materials are matched by title among the demo data; running it again adds nothing (the PDF is
rendered only when the demo material has no file yet).
"""

from django.core.files.base import ContentFile

from portal import pdf
from portal.choices import Audience, FeeKind, ListingStatus, OrganisationCategory
from portal.models import Organisation, Subprefecture
from seminars.models import LectureOffer, Material

PUBLIC, INDUSTRY, PREFECTURE = (
    OrganisationCategory.PUBLIC_BODY,
    OrganisationCategory.INDUSTRY,
    OrganisationCategory.PREFECTURE,
)
ORGANISATIONS = {
    "tomakomai_school": ("北海道立苫小牧高等技術専門学院", "Hokkaido Tomakomai Vocational Training School", PREFECTURE),
    "skills": ("北海道技能士会連合会", "Hokkaido Federation of Certified Skilled Workers", INDUSTRY),
    "asahikawa": ("旭川ものづくり振興協議会", "Asahikawa Monozukuri Promotion Council", INDUSTRY),
    "tokachi": ("十勝産業振興センター", "Tokachi Industry Promotion Centre", PUBLIC),
    "vada": ("北海道職業能力開発協会", "Hokkaido Vocational Ability Development Association", PUBLIC),
}

LECTURES = [
    {
        "title": "溶接の仕事を知ろう ～火花の向こうのものづくり～",
        "title_en": "Welding as a job: what happens behind the sparks",
        "org": "tomakomai_school",
        "trade": "溶接",
        "description": (
            "高等技術専門学院の指導員が学校にうかがい、溶接が橋や船、自動車づくりにどう使われているかを写真と"
            "実物の溶接サンプルで紹介します。後半はVR溶接シミュレーターで溶接を体験します（火は使いません）。"
        ),
        "grades": "中学2年〜高校3年",
        "audiences": [Audience.JUNIOR_HIGH, Audience.HIGH_SCHOOL],
        "length": 90,
        "areas": ["iburi", "hidaka", "ishikari"],
        "months": [5, 6, 7, 8, 9, 10, 11],
        "provides": "技術室または多目的室、電源（100V）2口、プロジェクターとスクリーン",
        "lead": 30,
        "fee": 0,
    },
    {
        "title": "ものづくり企業で働くということ（応援企業のキャリア講話）",
        "title_en": "Working in a manufacturing company: a career talk by a supporter company",
        "org": "asahikawa",
        "trade": "",
        "description": (
            "旭川の応援企業（家具製造・金属加工）の若手社員が、仕事の一日、この仕事を選んだ理由、中学・高校時代に"
            "やっておいてよかったことを話します。質問の時間をたっぷりとります。"
        ),
        "grades": "中学1〜3年",
        "audiences": [Audience.JUNIOR_HIGH],
        "length": 50,
        "areas": ["kamikawa", "rumoi", "soya"],
        "months": [],
        "provides": "教室または体育館、プロジェクター",
        "lead": 21,
        "fee": 0,
    },
    {
        "title": "電気の仕事と安全 ～電気工事士ってどんな人？～",
        "title_en": "Electricians and electrical safety",
        "org": "skills",
        "trade": "電気工事",
        "description": (
            "1級電気工事施工管理技士が、家や学校に電気が届くしくみと電気工事士の仕事を、簡単な配線の実演を"
            "交えて紹介します。"
        ),
        "grades": "小学5年〜中学3年",
        "audiences": [Audience.ELEMENTARY, Audience.JUNIOR_HIGH],
        "length": 60,
        "areas": [],
        "months": [6, 7, 8, 9, 10],
        "provides": "教室、長机2台",
        "lead": 30,
        "fee": 0,
    },
    {
        "title": "食品工場の衛生管理を体験しよう",
        "title_en": "Hygiene in a food factory: try it yourself",
        "org": "tokachi",
        "trade": "食品製造",
        "description": (
            "十勝の食品工場で品質管理を担当する講師が、手洗いチェッカーを使った手洗い実験と、工場の衛生管理の"
            "ひみつを紹介します。"
        ),
        "grades": "小学3〜6年",
        "audiences": [Audience.ELEMENTARY],
        "length": 45,
        "areas": ["tokachi"],
        "months": [],
        "provides": "手洗い場の近い教室",
        "lead": 14,
        "fee": 0,
    },
]

MATERIALS = [
    {
        "title": "動画：北海道のものづくり現場で働く若者たち",
        "title_en": "Video: young people at work in Hokkaido's factories",
        "org": "vada",
        "audience": Audience.PARENT,
        "description": (
            "保護者向けセミナーの導入に使える約10分の動画です（デモデータ：リンク先は関係団体のトップページです）。"
        ),
        "url": "https://www.javada.or.jp/",
    },
    {
        "title": "教員向け：ものづくり職業の情報サイト",
        "title_en": "For teachers: information on manufacturing jobs",
        "org": "vada",
        "audience": Audience.TEACHER,
        "description": "職業・技能検定の情報をまとめたページへのリンクです（デモデータ）。",
        "url": "https://www.mhlw.go.jp/",
    },
    {
        "title": "保護者向けセミナー配布資料「子どもの進路とものづくりの仕事」",
        "title_en": "Handout for parents: children's careers and manufacturing jobs",
        "org": "vada",
        "audience": Audience.PARENT,
        "description": "セミナーで配布するA4 1枚の資料（PDF）です。",
        "pdf": "children-careers-monozukuri.pdf",
    },
]

PDF_SECTIONS = [
    (
        "北海道のものづくり",
        "食品、紙・パルプ、自動車部品、金属加工など、北海道には地域を支える工場がたくさんあります。",
    ),
    ("どんな仕事があるの？", "製造、品質管理、設備保全、設計、営業など。技能検定で腕前を証明することもできます。"),
    (
        "進路の選び方",
        "工業高校・高専・高等技術専門学院など、学び方はいろいろ。工場見学や出前講座で実際に見てみましょう。",
    ),
]


def _organisation(key: str) -> Organisation:
    name, name_en, category = ORGANISATIONS[key]
    organisation, _created = Organisation.objects.get_or_create(
        name=name, defaults={"name_en": name_en, "category": category, "is_member": True}
    )
    return organisation


def _lecture(spec: dict) -> bool:
    offer, created = LectureOffer.objects.get_or_create(
        title=spec["title"],
        is_demo=True,
        defaults={
            "title_en": spec["title_en"],
            "provider": _organisation(spec["org"]),
            "trade": spec["trade"],
            "description": spec["description"],
            "grades": spec["grades"],
            "audiences": list(spec["audiences"]),
            "length_minutes": spec["length"],
            "months": list(spec["months"]),
            "school_provides": spec["provides"],
            "lead_time_days": spec["lead"],
            "fee_kind": FeeKind.PAID if spec["fee"] else FeeKind.FREE,
            "fee_amount": spec["fee"] or None,
            "status": ListingStatus.PUBLISHED,
        },
    )
    if created:
        offer.areas.set(Subprefecture.objects.filter(slug__in=spec["areas"]))
    return created


def _material(spec: dict) -> bool:
    if "pdf" in spec:
        return _file_material(spec)
    _instance, created = Material.objects.get_or_create(
        title=spec["title"],
        is_demo=True,
        defaults={
            "title_en": spec["title_en"],
            "provider": _organisation(spec["org"]),
            "audience": spec["audience"],
            "description": spec["description"],
            "url": spec["url"],
            "status": ListingStatus.PUBLISHED,
        },
    )
    return created


def _file_material(spec: dict) -> bool:
    """The PDF material: rendered once, stored under MEDIA_ROOT/materials/."""
    existing = Material.objects.filter(title=spec["title"], is_demo=True).first()
    if existing is not None and existing.file:
        return False
    content = pdf.render_pdf(
        "seminars/material_demo_pdf.html",
        {"title": spec["title"], "sections": PDF_SECTIONS},
        title=spec["title"],
    )
    material = existing or Material(
        title=spec["title"],
        title_en=spec["title_en"],
        provider=_organisation(spec["org"]),
        audience=spec["audience"],
        description=spec["description"],
        status=ListingStatus.PUBLISHED,
        is_demo=True,
    )
    material.url = ""
    material.file.save(spec["pdf"], ContentFile(content), save=False)
    material.save()
    return existing is None


def seed_lectures_and_materials(stdout) -> None:
    new_lectures = sum(_lecture(spec) for spec in LECTURES)
    new_materials = sum(_material(spec) for spec in MATERIALS)
    stdout.write(
        f"Demo outreach lectures: {len(LECTURES)} ({new_lectures} new); "
        f"demo materials: {len(MATERIALS)} ({new_materials} new)."
    )
