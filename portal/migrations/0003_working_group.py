"""The working group as it stands: its member organisations, meeting record and funding schemes.

Real data from the working group's records; the secretariat keeps it up to date in the admin.
"""

import datetime as dt

from django.db import migrations

PURPOSE = (
    "北海道では、若者のものづくり離れが進み、ものづくり産業を支える次世代の人材の確保・育成が大きな課題と"
    "なっています。本ワーキンググループは、国（経済産業局・労働局）、北海道、北海道教育庁、産業支援機関・"
    "業界団体が連携し、小・中学生から高校生・大学生、保護者、教職員までを対象に、工場見学、ものづくり体験会、"
    "セミナー、出前講座などの取組を共同で進め、子どもたちと若者がものづくりの魅力に触れる機会を広げます。"
)
PURPOSE_EN = (
    "Young people in Hokkaido are drifting away from manufacturing, and finding and training the next "
    "generation of engineers and skilled workers has become a major challenge for the region's industry. "
    "In this working group the national government (the regional bureaus of METI and MHLW), the Hokkaido "
    "Government, the Hokkaido Board of Education, industry support bodies and industry associations work "
    "together on factory tours, hands-on experience events, seminars and outreach lectures for pupils, "
    "students, parents and teachers, so that more children and young people discover what making things means."
)

ORGANISATIONS = [
    # name, name_en, short_name, category, departments, website
    (
        "北海道経済産業局",
        "Hokkaido Bureau of Economy, Trade and Industry",
        "経済産業局",
        "national",
        "",
        "https://www.hkd.meti.go.jp/",
    ),
    (
        "北海道労働局",
        "Hokkaido Labour Bureau",
        "労働局",
        "national",
        "",
        "https://jsite.mhlw.go.jp/hokkaido-roudoukyoku/",
    ),
    (
        "雇用・能力開発機構",
        "Employment and Human Resources Development Organization of Japan",
        "雇用・能力開発機構",
        "public_body",
        "",
        "",
    ),
    (
        "北海道職業能力開発協会",
        "Hokkaido Vocational Ability Development Association",
        "職業能力開発協会",
        "public_body",
        "",
        "",
    ),
    ("北海道機械工業会", "Hokkaido Machinery Industry Association", "機械工業会", "industry", "", ""),
    (
        "北海道中小企業総合支援センター",
        "Hokkaido Small and Medium Enterprise Support Center",
        "中小企業総合支援センター",
        "public_body",
        "",
        "",
    ),
    ("キャリアバンク", "Career Bank", "キャリアバンク", "private", "", ""),
    (
        "北海道教育庁",
        "Hokkaido Board of Education",
        "教育庁",
        "education",
        "",
        "https://www.dokyoi.pref.hokkaido.lg.jp/",
    ),
    (
        "北海道",
        "Hokkaido Government",
        "北海道",
        "prefecture",
        "人材育成課・産業振興課・雇用労政課",
        "https://www.pref.hokkaido.lg.jp/",
    ),
]

MEETINGS = [
    (dt.date(2008, 9, 25), "ワーキンググループ会議（第1回）", "Working group meeting (1st)"),
    (dt.date(2008, 11, 19), "ワーキンググループ会議（第2回）", "Working group meeting (2nd)"),
    (dt.date(2009, 2, 9), "ワーキンググループ会議（第3回）", "Working group meeting (3rd)"),
    (dt.date(2009, 9, 18), "ワーキンググループ会議（第4回）", "Working group meeting (4th)"),
]

FUNDING_SCHEMES = [
    ("赤レンガ・チャレンジ事業（道）", "Akarenga Challenge Programme (Hokkaido)", "prefecture"),
    (
        "地域ものづくり人材育成支援事業（国）",
        "Regional Monozukuri Human Resources Development Programme (national)",
        "national",
    ),
    ("緊急地域共同就職支援事業（国）", "Emergency Regional Joint Employment Support Programme (national)", "national"),
    ("非予算事業", "Activities without a budget", "none"),
]


def load(apps, schema_editor):
    Organisation = apps.get_model("portal", "Organisation")
    WorkingGroup = apps.get_model("portal", "WorkingGroup")
    Meeting = apps.get_model("portal", "Meeting")
    FundingScheme = apps.get_model("portal", "FundingScheme")

    for order, (name, name_en, short, category, departments, website) in enumerate(ORGANISATIONS, start=1):
        Organisation.objects.update_or_create(
            name=name,
            defaults={
                "name_en": name_en,
                "short_name": short,
                "category": category,
                "departments": departments,
                "website": website,
                "is_member": True,
                "sort_order": order * 10,
            },
        )
    WorkingGroup.objects.update_or_create(
        pk=1,
        defaults={
            "name": "北海道次世代ものづくり人材育成ワーキンググループ",
            "name_en": "Hokkaido Working Group for the Next Generation in Monozukuri",
            "purpose": PURPOSE,
            "purpose_en": PURPOSE_EN,
        },
    )
    for held_on, title, title_en in MEETINGS:
        Meeting.objects.update_or_create(held_on=held_on, defaults={"title": title, "title_en": title_en})
    for order, (name, name_en, sponsor) in enumerate(FUNDING_SCHEMES, start=1):
        FundingScheme.objects.update_or_create(
            name=name, defaults={"name_en": name_en, "sponsor": sponsor, "sort_order": order * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("portal", "0002_load_regions")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
