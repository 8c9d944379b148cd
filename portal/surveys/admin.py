"""Staff side of the surveys: the questionnaires (questions are data, edited inline), the responses, and the
results page with its CSV and XLSX exports.

The results are read by staff who may view survey responses (``portal.view_surveyresponse``); partner staff
see only the programmes their organisation provides (the offering's ``provider``, or the enquiry's), the
secretariat (``portal.manage_all_listings``) sees all. The answers are anonymous: no respondent's name,
e-mail address or school is shown or exported here.
"""

import csv
import io

from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal import dates
from portal.surveys import results
from portal.surveys.models import Question, Questionnaire, SurveyAnswer, SurveyInvitation, SurveyResponse


def survey_scope(user, prefix: str = "") -> Q:
    """Invitations (through ``prefix``) of programmes that ``user``'s organisation provides: the offering's
    ``provider`` for every programme type in the invitations, or the enquiry's provider. Nothing without one."""
    if user.organisation_id is None:
        return Q(pk__in=[])
    condition = Q(**{f"{prefix}enquiry__provider_id": user.organisation_id})
    type_ids = SurveyInvitation.objects.order_by().values_list("offering_type", flat=True).distinct()
    for content_type in ContentType.objects.filter(pk__in=type_ids):
        model = content_type.model_class()
        if model is None or not any(field.name == "provider" for field in model._meta.get_fields()):
            continue
        provided = model._base_manager.filter(provider=user.organisation_id).values("pk")
        condition |= Q(**{f"{prefix}offering_type": content_type, f"{prefix}offering_id__in": provided})
    return condition


def is_scoped(request) -> bool:
    return not request.user.has_perm("portal.manage_all_listings")


# --- Questionnaires --------------------------------------------------------------------------------------


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 1
    fields = ["position", "kind", "text", "required", "scale_low_label", "scale_high_label"]
    ordering = ["position", "pk"]


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["name", "for_audience", "active", "question_count", "invitation_count"]
    list_filter = ["for_audience", "active"]
    search_fields = ["name"]
    fields = ["name", "for_audience", "active", "introduction"]
    inlines = [QuestionInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(n_questions=Count("questions", distinct=True), n_invitations=Count("invitations", distinct=True))
        )

    @admin.display(description=_("questions"), ordering="n_questions")
    def question_count(self, obj):
        return obj.n_questions

    @admin.display(description=_("invitations"), ordering="n_invitations")
    def invitation_count(self, obj):
        return obj.n_invitations


# --- Invitations and responses ---------------------------------------------------------------------------


class ReadOnlyAdmin(admin.ModelAdmin):
    """Made by portal.surveys.services only: staff look, never add or change."""

    scope_prefix = ""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.filter(survey_scope(request.user, self.scope_prefix)) if is_scoped(request) else queryset

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SurveyInvitation)
class SurveyInvitationAdmin(ReadOnlyAdmin):
    list_display = ["held_at", "offering_name", "offering_type", "questionnaire", "sent_at", "answered_at"]
    list_filter = ["questionnaire", "offering_type"]
    list_select_related = ["questionnaire", "offering_type"]
    search_fields = ["offering_name"]
    date_hierarchy = "held_at"
    fields = ["offering_name", "offering_type", "held_at", "questionnaire", "created_at", "sent_at", "answered_at"]


class SurveyAnswerInline(admin.TabularInline):
    model = SurveyAnswer
    fields = ["question", "answer"]
    readonly_fields = ["question", "answer"]
    extra = 0
    can_delete = False

    @admin.display(description=_("answer"))
    def answer(self, obj):
        return results._cell(obj)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SurveyResponse)
class SurveyResponseAdmin(ReadOnlyAdmin):
    scope_prefix = "invitation__"
    change_list_template = "portal/surveys/admin/response_change_list.html"
    list_display = ["submitted_at", "programme", "held", "questionnaire"]
    list_filter = ["questionnaire", "invitation__offering_type"]
    list_select_related = ["invitation", "questionnaire"]
    search_fields = ["invitation__offering_name"]
    date_hierarchy = "submitted_at"
    fields = ["programme", "held", "questionnaire", "submitted_at"]
    readonly_fields = ["programme", "held"]
    inlines = [SurveyAnswerInline]

    @admin.display(description=_("programme"), ordering="invitation__offering_name")
    def programme(self, obj):
        return obj.invitation.offering_name

    @admin.display(description=_("held"), ordering="invitation__held_at")
    def held(self, obj):
        return dates.format_date(obj.invitation.held_at)

    # --- the results page and its exports

    def get_urls(self):
        def view(function, route, name):
            return path(route, self.admin_site.admin_view(function), name=f"portal_surveyresponse_{name}")

        return [
            view(self.results_view, "results/", "results"),
            view(self.results_csv_view, "results.csv", "results_csv"),
            view(self.results_xlsx_view, "results.xlsx", "results_xlsx"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "results_url": reverse("admin:portal_surveyresponse_results")}
        return super().changelist_view(request, extra_context)

    def _invitations(self, request):
        """The invitations in the user's scope, narrowed by the page's filters (unknown values are ignored)."""
        if not request.user.has_perm("portal.view_surveyresponse"):
            raise PermissionDenied
        scoped = SurveyInvitation.objects.all()
        if is_scoped(request):
            scoped = scoped.filter(survey_scope(request.user))
        choices = self._choices(scoped)
        chosen, ignored = {}, []
        year, kind, programme = (request.GET.get(name, "").strip() for name in ("year", "type", "programme"))
        if year:
            if year.isdigit() and int(year) in dict(choices["years"]):
                chosen["year"] = int(year)
            else:
                ignored.append(year)
        if kind:
            if kind.isdigit() and int(kind) in dict(choices["types"]):
                chosen["offering_type"] = int(kind)
            else:
                ignored.append(kind)
        if programme:
            if programme in dict(choices["programmes"]):
                type_id, offering_id = programme.split("-")
                chosen["offering"] = (int(type_id), int(offering_id))
            else:
                ignored.append(programme)
        return scoped, results.filter_invitations(scoped, **chosen), choices, ignored

    @staticmethod
    def _choices(scoped) -> dict:
        held = scoped.order_by().values_list("held_at", flat=True)
        years = sorted({dates.fiscal_year(moment) for moment in held}, reverse=True)
        type_ids = scoped.order_by().values_list("offering_type", flat=True).distinct()
        types = [
            (
                content_type.pk,
                str(content_type.model_class()._meta.verbose_name)
                if content_type.model_class()
                else content_type.model,
            )
            for content_type in ContentType.objects.filter(pk__in=type_ids).order_by("pk")
        ]
        programmes = sorted(
            {
                (f"{type_id}-{offering_id}", name)
                for type_id, offering_id, name in scoped.order_by().values_list(
                    "offering_type", "offering_id", "offering_name"
                )
            },
            key=lambda choice: choice[1],
        )
        return {
            "years": [(year, dates.format_fiscal_year(year)) for year in years],
            "types": types,
            "programmes": list(dict(programmes).items()),
        }

    def results_view(self, request):
        _scoped, invitations, choices, ignored = self._invitations(request)
        for value in ignored:
            self.message_user(
                request, gettext("Unknown filter value ignored: %(value)s") % {"value": value}, messages.WARNING
            )
        query = request.GET.urlencode()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Survey results"),
            "summary": results.summarise(invitations),
            "choices": choices,
            "selected": {name: request.GET.get(name, "") for name in ("year", "type", "programme")},
            "csv_url": f"{reverse('admin:portal_surveyresponse_results_csv')}?{query}",
            "xlsx_url": f"{reverse('admin:portal_surveyresponse_results_xlsx')}?{query}",
        }
        return TemplateResponse(request, "portal/surveys/admin/results.html", context)

    @staticmethod
    def _filename(extension: str) -> str:
        return f"survey-results-{dates.today():%Y%m%d}.{extension}"

    def results_csv_view(self, request):
        _scoped, invitations, _choices, _ignored = self._invitations(request)
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerows(results.answer_table(invitations))
        response = HttpResponse(("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self._filename("csv")}"'
        return response

    def results_xlsx_view(self, request):
        from openpyxl import Workbook
        from openpyxl.styles import Font

        _scoped, invitations, _choices, _ignored = self._invitations(request)
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = gettext("Survey results")[:31]
        for row in results.answer_table(invitations):
            sheet.append(row)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{self._filename("xlsx")}"'
        return response
