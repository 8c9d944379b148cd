"""Admin of the supporters app: the secretariat reviews companies (approve / ask for changes, through
supporters.services), records recognitions (認証・表彰) and sees who manages each company's page."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import CharField, F, Func, Q, Value
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportMixin
from simple_history.admin import SimpleHistoryAdmin

from portal.admin import SpreadsheetImportMixin
from supporters import services
from supporters.advisor_resources import SeniorAdvisorResource
from supporters.forms import ReviewNoteForm
from supporters.models import (
    AdvisorOffer,
    AdvisorStatus,
    Recognition,
    SeniorAdvisor,
    SupporterCompany,
    SupporterMembership,
    TradeGroup,
)


class RecognitionInline(admin.TabularInline):
    model = Recognition
    extra = 0
    fields = ["fiscal_year", "kind", "title", "description", "awarded_on"]


class MembershipInline(admin.TabularInline):
    """Who manages the company's page: read-only here (people join through sign-up and invitations)."""

    model = SupporterMembership
    extra = 0
    can_delete = False
    fields = ["user", "user_email", "role", "created_at"]
    readonly_fields = fields

    @admin.display(description=_("e-mail address"))
    def user_email(self, obj):
        return obj.user.email

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SupporterCompany)
class SupporterCompanyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "status", "registration_number", "municipality", "industry", "created_at"]
    list_filter = ["status", "industry", "municipality__subprefecture", "is_demo"]
    search_fields = ["name", "name_kana", "corporate_number", "registration_number", "contact_name", "contact_email"]
    list_select_related = ["municipality"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "status",
        "registration_number",
        "certificate_code",
        "pending_changes",
        "review_note",
        "verified_at",
        "approved_at",
        "withdrawn_at",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (
            _("Public profile"),
            {
                "fields": [
                    "name",
                    "name_kana",
                    "corporate_number",
                    "postcode",
                    "address",
                    "municipality",
                    "industry",
                    "offers",
                    "pr_message",
                    "website",
                    "logo",
                ]
            },
        ),
        (_("Contact person (private)"), {"fields": ["contact_name", "contact_email", "contact_phone"]}),
        (
            _("Review"),
            {
                "fields": [
                    "status",
                    "registration_number",
                    "pending_changes",
                    "review_note",
                    "verified_at",
                    "approved_at",
                    "withdrawn_at",
                    "certificate_code",
                    "is_demo",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]
    inlines = [MembershipInline, RecognitionInline]
    actions = ["approve", "ask_for_changes"]

    def has_review_permission(self, request):
        return request.user.has_perm("supporters.review_supportercompany")

    @admin.action(description=_("Approve the selected companies (or their changes)"), permissions=["review"])
    def approve(self, request, queryset):
        approved = 0
        for company in queryset:
            try:
                services.approve_supporter(company=company, by=request.user)
            except services.ReviewError as error:
                self.message_user(request, str(error), messages.WARNING)
            except ValidationError as error:
                self.message_user(request, f"{company}: {'; '.join(error.messages)}", messages.ERROR)
            else:
                approved += 1
        if approved:
            self.message_user(
                request,
                ngettext(
                    "%(count)d company approved and told by e-mail.",
                    "%(count)d companies approved and told by e-mail.",
                    approved,
                )
                % {"count": approved},
                messages.SUCCESS,
            )

    @admin.action(description=_("Ask the selected companies for changes"), permissions=["review"])
    def ask_for_changes(self, request, queryset):
        """An intermediate page asks for the note; sending it calls services.request_changes for each."""
        form = ReviewNoteForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            asked = 0
            for company in queryset:
                try:
                    services.request_changes(company=company, note=form.cleaned_data["note"], by=request.user)
                except services.ReviewError as error:
                    self.message_user(request, str(error), messages.WARNING)
                else:
                    asked += 1
            if asked:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d company asked for changes by e-mail.",
                        "%(count)d companies asked for changes by e-mail.",
                        asked,
                    )
                    % {"count": asked},
                    messages.SUCCESS,
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Ask for changes"),
            "opts": self.opts,
            "companies": queryset,
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(request, "supporters/admin/ask_for_changes.html", context)


# --- Senior advisors (issue 8): profiles, related trades, offers --------------------------------------------
# Personal fields (name, contact) are for staff only: the admin is staff-only. Import and export use the
# Japanese spreadsheet layout of supporters/advisor_resources.py: a preview first, then all or nothing.


@admin.register(SeniorAdvisor)
class SeniorAdvisorAdmin(SpreadsheetImportMixin, ImportExportMixin, SimpleHistoryAdmin):
    list_display = [
        "name",
        "home_municipality",
        "trades_display",
        "status",
        "consent_to_contact",
        "summary_approved",
    ]
    list_filter = [
        "status",
        "consent_to_contact",
        "summary_approved",
        "areas",
        "activities",
        "former_industry",
        "home_municipality__subprefecture",
        "is_demo",
    ]
    search_fields = ["name", "name_kana", "public_summary"]
    list_select_related = ["home_municipality"]
    autocomplete_fields = ["home_municipality"]
    filter_horizontal = ["areas"]
    readonly_fields = ["created_at", "updated_at"]
    actions = ["approve_application", "pause"]
    fieldsets = [
        (
            _("Personal data (staff only)"),
            {"fields": ["name", "name_kana", "email", "phone", "postal_address", "former_employer"]},
        ),
        (
            _("Matching"),
            {
                "fields": [
                    "home_municipality",
                    "areas",
                    "travel_radius_km",
                    "trades",
                    "qualifications",
                    "former_industry",
                    "years_of_experience",
                    "activities",
                    "available_weekdays",
                    "available_months",
                    "availability_note",
                ]
            },
        ),
        (
            _("Status and public summary"),
            {"fields": ["status", "consent_to_contact", "public_summary", "summary_approved"]},
        ),
        (_("Record"), {"fields": ["is_demo", "created_at", "updated_at"]}),
    ]

    resource_classes = [SeniorAdvisorResource]

    @admin.display(description=_("trades and skills"))
    def trades_display(self, obj):
        return "、".join(obj.trades)

    def get_search_results(self, request, queryset, search_term):
        """Trades are an array: a search term also finds advisors with it in (a part of) a trade."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term:
            trades = Func(F("trades"), Value("、"), function="array_to_string", output_field=CharField())
            matching = queryset.annotate(trades_text=trades).filter(trades_text__icontains=term)
            results = queryset.filter(Q(pk__in=results.values("pk")) | Q(pk__in=matching.values("pk")))
        return results, may_have_duplicates

    def _set_status(self, request, queryset, status, message) -> None:
        changed = 0
        for advisor in queryset.exclude(status=status):
            advisor.status = status
            advisor.save(update_fields=["status", "updated_at"])  # one by one: each change in the history
            changed += 1
        self.message_user(request, message % {"count": changed}, messages.SUCCESS)

    @admin.action(description=_("Approve the selected applications (active)"))
    def approve_application(self, request, queryset):
        self._set_status(request, queryset, AdvisorStatus.ACTIVE, _("%(count)d advisors are now active."))

    @admin.action(description=_("Pause the selected advisors"))
    def pause(self, request, queryset):
        self._set_status(request, queryset, AdvisorStatus.PAUSED, _("%(count)d advisors paused."))


@admin.register(TradeGroup)
class TradeGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "trades_display"]
    search_fields = ["name"]

    @admin.display(description=_("trades"))
    def trades_display(self, obj):
        return "・".join(obj.trades)


@admin.register(AdvisorOffer)
class AdvisorOfferAdmin(admin.ModelAdmin):
    """Offers are made and answered through supporters.advisor_services (the matching page, the advisor's
    private link); here staff only look them up."""

    list_display = ["enquiry", "advisor", "status", "offered_at", "answered_at"]
    list_filter = ["status"]
    list_select_related = ["enquiry", "advisor"]
    search_fields = ["advisor__name", "enquiry__school_name", "enquiry__subject_name"]
    readonly_fields = ["enquiry", "advisor", "status", "offered_at", "answered_at", "note"]

    def has_add_permission(self, request):
        return False
