"""The survey results staff read (portal.surveys.admin): counts, averages, distributions, free text, exports.

    invitations = filter_invitations(scoped_queryset, year=2026, offering_type=ct_id, offering=(ct_id, pk))
    summary = summarise(invitations)        # a few queries, whatever the number of answers
    rows = answer_table(invitations)        # one row per response, for CSV and XLSX

Answers are anonymous here: no name, e-mail or school of the respondent ever appears.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal import dates
from portal.surveys.models import Question, QuestionKind, Questionnaire, SurveyAnswer


def filter_invitations(invitations, *, year: int | None = None, offering_type: int | None = None, offering=None):
    """Narrow invitations to a fiscal year (年度, by the programme's date), a programme type, one programme."""
    if year is not None:
        first, last = dates.fiscal_year_bounds(year)
        invitations = invitations.filter(held_at__date__gte=first, held_at__date__lte=last)
    if offering_type is not None:
        invitations = invitations.filter(offering_type_id=offering_type)
    if offering is not None:
        invitations = invitations.filter(offering_type_id=offering[0], offering_id=offering[1])
    return invitations


def rate(answered: int, invited: int) -> float | None:
    return round(100 * answered / invited, 1) if invited else None


@dataclass
class QuestionResult:
    question: Question
    answered: int = 0
    average: float | None = None
    #: scale: [(1, count, percent), … (5, count, percent)]
    distribution: list[tuple[int, int, float]] = field(default_factory=list)
    yes: int = 0
    no: int = 0
    texts: list[str] = field(default_factory=list)


@dataclass
class QuestionnaireResult:
    questionnaire: Questionnaire
    invited: int
    answered: int
    questions: list[QuestionResult]

    @property
    def response_rate(self) -> float | None:
        return rate(self.answered, self.invited)


@dataclass
class Summary:
    invited: int
    answered: int
    questionnaires: list[QuestionnaireResult]

    @property
    def response_rate(self) -> float | None:
        return rate(self.answered, self.invited)


def summarise(invitations) -> Summary:
    """Counts per questionnaire (invited, answered), then per question: average and distribution of a scale,
    yes/no counts, the free texts (newest first)."""
    counts = {
        row["questionnaire"]: row
        for row in invitations.order_by()
        .values("questionnaire")
        .annotate(invited=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False)))
    }
    answers = SurveyAnswer.objects.filter(response__invitation__in=invitations.values("pk"))
    scale = defaultdict(dict)
    for question_id, value, n in (
        answers.filter(value_int__isnull=False).order_by().values("question", "value_int").annotate(n=Count("pk"))
    ).values_list("question", "value_int", "n"):
        scale[question_id][value] = n
    yes_no = defaultdict(dict)
    for question_id, value, n in (
        answers.filter(value_bool__isnull=False).order_by().values("question", "value_bool").annotate(n=Count("pk"))
    ).values_list("question", "value_bool", "n"):
        yes_no[question_id][value] = n
    texts = defaultdict(list)
    for question_id, text in (
        answers.exclude(value_text="").order_by("-response__submitted_at", "-pk").values_list("question", "value_text")
    ):
        texts[question_id].append(text)

    questionnaires = Questionnaire.objects.filter(pk__in=counts).prefetch_related("questions")
    results = []
    for questionnaire in questionnaires:
        question_results = []
        for question in questionnaire.questions.all():
            result = QuestionResult(question=question)
            if question.kind == QuestionKind.SCALE_1_5:
                values = scale.get(question.pk, {})
                result.answered = sum(values.values())
                total = sum(value * n for value, n in values.items())
                result.average = round(total / result.answered, 2) if result.answered else None
                result.distribution = [
                    (value, values.get(value, 0), rate(values.get(value, 0), result.answered) or 0.0)
                    for value in range(1, 6)
                ]
            elif question.kind == QuestionKind.YES_NO:
                values = yes_no.get(question.pk, {})
                result.yes, result.no = values.get(True, 0), values.get(False, 0)
                result.answered = result.yes + result.no
            else:
                result.texts = texts.get(question.pk, [])
                result.answered = len(result.texts)
            question_results.append(result)
        results.append(
            QuestionnaireResult(
                questionnaire=questionnaire,
                invited=counts[questionnaire.pk]["invited"],
                answered=counts[questionnaire.pk]["answered"],
                questions=question_results,
            )
        )
    invited = sum(row.invited for row in results)
    answered = sum(row.answered for row in results)
    return Summary(invited=invited, answered=answered, questionnaires=results)


# --- Exports ---------------------------------------------------------------------------------------------

FIXED_HEADINGS = (
    _("answered"),
    _("fiscal year"),
    _("programme type"),
    _("programme"),
    _("date"),
    _("questionnaire"),
)


def _cell(answer: SurveyAnswer | None):
    if answer is None:
        return ""
    if answer.value_bool is not None:
        return gettext("Yes") if answer.value_bool else gettext("No")
    return answer.value


def answer_table(invitations) -> list[list]:
    """A heading row, then one row per response: when, 年度, programme, questionnaire, then one column per
    question (of every questionnaire answered, in order; empty where a response has no such question)."""
    responses = list(
        invitations.answered()
        .select_related("response__questionnaire", "offering_type")
        .prefetch_related("response__answers")
        .order_by("held_at", "pk")
    )
    questionnaire_ids = sorted({invitation.response.questionnaire_id for invitation in responses})
    questions = list(
        Question.objects.filter(questionnaire__in=questionnaire_ids)
        .select_related("questionnaire")
        .order_by("questionnaire__for_audience", "questionnaire_id", "position", "pk")
    )
    several = len(questionnaire_ids) > 1
    headings = [str(heading) for heading in FIXED_HEADINGS] + [
        f"{q.questionnaire.name}: {q.text}" if several else q.text for q in questions
    ]
    rows = [headings]
    for invitation in responses:
        response = invitation.response
        by_question = {answer.question_id: answer for answer in response.answers.all()}
        rows.append(
            [
                timezone.localtime(response.submitted_at).strftime("%Y-%m-%d %H:%M"),
                dates.format_fiscal_year(dates.fiscal_year(invitation.held_at)),
                str(invitation.offering_type.model_class()._meta.verbose_name)
                if invitation.offering_type.model_class()
                else invitation.offering_type.model,
                invitation.offering_name,
                timezone.localtime(invitation.held_at).strftime("%Y-%m-%d"),
                response.questionnaire.name,
                *(_cell(by_question.get(q.pk)) for q in questions),
            ]
        )
    return rows
