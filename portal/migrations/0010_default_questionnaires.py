"""The three default questionnaires (issue 6): families and the public, parents, teachers. Staff edit them later."""

from django.db import migrations

SCALE, YES_NO, TEXT = "scale_1_5", "yes_no", "text"

# audience, name, introduction, questions: (kind, text, required, label of 1, label of 5)
QUESTIONNAIRES = [
    (
        "general",
        "参加者アンケート（一般・ご家族）",
        "ご参加ありがとうございました。今後のプログラムづくりのため、ご感想をお聞かせください。",
        [
            (SCALE, "今回のプログラムの満足度を教えてください。", True, "不満", "満足"),
            (SCALE, "参加する前より、ものづくりの仕事に興味を持ちましたか。", True, "変わらない", "とても興味を持った"),
            (YES_NO, "このプログラムを友だちや知り合いにすすめたいと思いますか。", True, "", ""),
            (TEXT, "よかったこと、改善してほしいことなど、ご自由にお書きください。", False, "", ""),
        ],
    ),
    (
        "parent",
        "保護者向けアンケート",
        "ご参加ありがとうございました。お子さまの進路を考える保護者の皆さまのご意見をお聞かせください。",
        [
            (SCALE, "今回のプログラムの満足度を教えてください。", True, "不満", "満足"),
            (
                SCALE,
                "参加する前より、お子さまの将来の仕事としてものづくりの仕事に関心が高まりましたか。",
                True,
                "変わらない",
                "とても高まった",
            ),
            (YES_NO, "このプログラムをほかの保護者の方にすすめたいと思いますか。", True, "", ""),
            (TEXT, "ご感想や、今後取り上げてほしいテーマなど、ご自由にお書きください。", False, "", ""),
        ],
    ),
    (
        "teacher",
        "教職員向けアンケート",
        "ご参加ありがとうございました。学校での進路指導・キャリア教育に役立てるため、ご意見をお聞かせください。",
        [
            (SCALE, "今回のプログラムの満足度を教えてください。", True, "不満", "満足"),
            (
                SCALE,
                "参加の前と比べて、児童・生徒（またはご自身）のものづくりの仕事への関心は高まりましたか。",
                True,
                "変わらない",
                "とても高まった",
            ),
            (YES_NO, "このプログラムをほかの学校や先生にすすめたいと思いますか。", True, "", ""),
            (TEXT, "授業や進路指導に生かせた点、改善してほしい点など、ご自由にお書きください。", False, "", ""),
        ],
    ),
]


def create(apps, schema_editor):
    Questionnaire = apps.get_model("portal", "Questionnaire")
    Question = apps.get_model("portal", "Question")
    for audience, name, introduction, questions in QUESTIONNAIRES:
        questionnaire, created = Questionnaire.objects.get_or_create(
            name=name, defaults={"for_audience": audience, "introduction": introduction, "active": True}
        )
        if not created:
            continue
        for position, (kind, text, required, low, high) in enumerate(questions, start=1):
            Question.objects.create(
                questionnaire=questionnaire,
                position=position * 10,
                kind=kind,
                text=text,
                required=required,
                scale_low_label=low,
                scale_high_label=high,
            )


def remove(apps, schema_editor):
    Questionnaire = apps.get_model("portal", "Questionnaire")
    names = [name for _audience, name, _intro, _questions in QUESTIONNAIRES]
    Questionnaire.objects.filter(name__in=names, invitations__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("portal", "0009_surveys")]

    operations = [migrations.RunPython(create, remove)]
