"""The questionnaire as a form: one field per question of the invitation's questionnaire, as staff wrote it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.surveys.models import TEXT_ANSWER_MAX_LENGTH, Question, QuestionKind

SCALE = [(value, str(value)) for value in range(1, 6)]


def _yes(value: str) -> bool:
    return value == "yes"


class SurveyForm(forms.Form):
    def __init__(self, *args, questions: list[Question], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            self.fields[self.field_name(question)] = self._field(question)

    @staticmethod
    def field_name(question: Question) -> str:
        return f"q{question.pk}"

    @staticmethod
    def _field(question: Question) -> forms.Field:
        common = {"label": question.text, "required": question.required}
        if question.kind == QuestionKind.SCALE_1_5:
            return forms.TypedChoiceField(
                choices=SCALE,
                coerce=int,
                empty_value=None,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Please choose a number from 1 to 5."),
                    "invalid_choice": _("Please choose a number from 1 to 5."),
                },
                **common,
            )
        if question.kind == QuestionKind.YES_NO:
            return forms.TypedChoiceField(
                choices=[("yes", _("Yes")), ("no", _("No"))],
                coerce=_yes,
                empty_value=None,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Please answer yes or no."),
                    "invalid_choice": _("Please answer yes or no."),
                },
                **common,
            )
        return forms.CharField(
            max_length=TEXT_ANSWER_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 5}),
            error_messages={"required": _("Please write your answer.")},
            **common,
        )

    def rows(self) -> list[tuple[Question, forms.BoundField]]:
        return [(question, self[self.field_name(question)]) for question in self.questions]

    def answers(self) -> dict[int, object]:
        return {question.pk: self.cleaned_data.get(self.field_name(question)) for question in self.questions}
