"""Admin of the supporters app: the secretariat reviews companies (approve / ask for changes, through
supporters.services), records recognitions (認証・表彰) and sees who manages each company's page."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from supporters import services
from supporters.forms import ReviewNoteForm
from supporters.models import Recognition, SupporterCompany, SupporterMembership


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
