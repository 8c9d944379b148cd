from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from portal import dates, listings
from portal.choices import ListingStatus, MunicipalityKind
from portal.importing import CSVFormat, ImportFileError, XLSXFormat
from portal.models import FundingScheme, Meeting, Municipality, Organisation, Subprefecture, User, WorkingGroup


class OrganisationScopedAdmin(SimpleHistoryAdmin):
    """Admin of a listing that a partner editor may only see and edit for its own organisation.

    The scoping is in the queryset, so another organisation's object is "not found" for them, whatever
    the URL; the organisation of what they create or save is set by the server, never by the form.
    Users with ``portal.manage_all_listings`` (the secretariat) see everything.
    """

    organisation_field = "provider"  # lookup from the model to its Organisation

    @staticmethod
    def is_scoped(request) -> bool:
        return not request.user.has_perm("portal.manage_all_listings")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not self.is_scoped(request):
            return queryset
        if request.user.organisation_id is None:
            return queryset.none()
        return queryset.filter(**{self.organisation_field: request.user.organisation_id})

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or ())
        if self.is_scoped(request) and self.organisation_field != "pk":
            exclude.append(self.organisation_field)
        return exclude

    def get_fieldsets(self, request, obj=None):
        """The fieldsets without the excluded organisation field (a form without it cannot show it)."""
        hidden = set(self.get_exclude(request, obj) or ())
        return [
            (name, {**options, "fields": [field for field in options["fields"] if field not in hidden]})
            for name, options in super().get_fieldsets(request, obj)
        ]

    def save_model(self, request, obj, form, change):
        if self.is_scoped(request) and self.organisation_field != "pk":
            setattr(obj, f"{self.organisation_field}_id", request.user.organisation_id)
        super().save_model(request, obj, form, change)

    # The history pages of django-simple-history fall back to the historical records when the scoped
    # queryset misses, which would show another organisation's object: check the scope first.
    def _in_scope_or_404(self, request, object_id) -> None:
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._in_scope_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._in_scope_or_404(request, object_id)
        if request.method != "GET":
            raise PermissionDenied  # history is an audit record; changes go through the forms and services
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return True


class SpreadsheetImportMixin:
    """django-import-export in the portal's way (portal.importing): CSV (UTF-8, BOM, cp932) and XLSX with
    Japanese headers; the preview lists every problem of the file at the top, in Japanese, with its line; a
    confirmed import is all or nothing. Put it before ImportExportMixin and set ``resource_classes``."""

    formats = [CSVFormat, XLSXFormat]
    import_error_display = ("message",)

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, ImportFileError):
            for message in e.messages:
                form.add_error("import_file", message)
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def _report_import_errors(self, request, result) -> None:
        for line in result.messages():
            self.message_user(request, line, messages.ERROR)
        self.message_user(request, _("Nothing was imported: correct the file and upload it again."), messages.ERROR)

    def import_action(self, request, **kwargs):
        """The preview: every problem of the file is also listed at the top, in Japanese, with its line."""
        response = super().import_action(request, **kwargs)
        result = getattr(response, "context_data", {}).get("result")
        if result is not None and (result.has_errors() or result.has_validation_errors()):
            self._report_import_errors(request, result)
        return response

    def process_result(self, result, request):
        """The confirmed import: it was rolled back whole if any row went wrong meanwhile."""
        if result.has_errors() or result.has_validation_errors():
            self._report_import_errors(request, result)
            opts = self.opts
            return HttpResponseRedirect(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_import", current_app=self.admin_site.name)
            )
        return super().process_result(result, request)


class ReadOnlyHistoryInline(admin.TabularInline):
    """A dated history (an enquiry's, a registration's), read-only: only the services write it.
    Subclasses set ``model`` and ``fields``."""

    extra = 0
    can_delete = False
    verbose_name = _("history entry")
    verbose_name_plural = _("history")

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ListingPartInline:
    """An inline of parts of a listing (its sessions, its itinerary): whoever may edit the listing (in their
    scope, which the listing's admin enforces) edits its parts, with the listing model's permissions."""

    def _may(self, request, action: str) -> bool:
        opts = self.parent_model._meta
        return request.user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")

    def has_view_permission(self, request, obj=None):
        return self._may(request, "view") or self.has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._may(request, "change") or self._may(request, "add")

    def has_change_permission(self, request, obj=None):
        return self._may(request, "change")

    def has_delete_permission(self, request, obj=None):
        return self._may(request, "change")


class ListingAdmin(OrganisationScopedAdmin):
    """Admin of a listing (a ProvidedListing with a ``status``): its organisation's scope, and the status
    workflow (portal.listings) as actions. Publishing, archiving and returning to draft need the model's
    ``publish_<model>`` permission (the secretariat); partner editors submit for review."""

    actions = ["publish", "archive", "submit_for_review", "return_to_draft"]
    publisher_actions = ("publish", "archive", "return_to_draft")

    def can_publish(self, request) -> bool:
        return request.user.has_perm(f"{self.opts.app_label}.publish_{self.opts.model_name}")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self.can_publish(request) and any(field.name == "is_demo" for field in self.opts.fields):
            fields.append("is_demo")
        return fields

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        if not self.can_publish(request):
            for name in self.publisher_actions:
                actions.pop(name, None)
        return actions

    def _change_status(self, request, queryset, to: str, done_message) -> None:
        """Move the selection to ``to``; say how many changed and how many could not."""
        total = queryset.count()  # the selection, counted before it changes
        changed = listings.change_status(queryset, to)
        self.message_user(request, done_message % {"count": changed}, messages.SUCCESS)
        if changed < total:
            self.message_user(
                request,
                _("%(count)d were left as they were (their status does not allow this step).")
                % {"count": total - changed},
                messages.WARNING,
            )

    @admin.action(description=_("Publish the selected %(verbose_name_plural)s"))
    def publish(self, request, queryset):
        message = ngettext_lazy("%(count)d published.", "%(count)d published.", "count")
        self._change_status(request, queryset, ListingStatus.PUBLISHED, message)

    @admin.action(description=_("Archive the selected %(verbose_name_plural)s"))
    def archive(self, request, queryset):
        message = ngettext_lazy("%(count)d archived.", "%(count)d archived.", "count")
        self._change_status(request, queryset, ListingStatus.ARCHIVED, message)

    @admin.action(description=_("Submit the selected %(verbose_name_plural)s for review"))
    def submit_for_review(self, request, queryset):
        message = ngettext_lazy("%(count)d submitted for review.", "%(count)d submitted for review.", "count")
        self._change_status(request, queryset, ListingStatus.PENDING_REVIEW, message)

    @admin.action(description=_("Return the selected %(verbose_name_plural)s to draft"))
    def return_to_draft(self, request, queryset):
        message = ngettext_lazy("%(count)d returned to draft.", "%(count)d returned to draft.", "count")
        self._change_status(request, queryset, ListingStatus.DRAFT, message)


@admin.register(Subprefecture)
class SubprefectureAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name_en", "kind", "seat", "municipality_count"]
    readonly_fields = ["slug"]
    search_fields = ["name", "name_kana", "name_en"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("seat")
            .annotate(n_municipalities=Count("municipalities", filter=~Q(municipalities__kind=MunicipalityKind.WARD)))
        )

    @admin.display(description=_("municipalities"), ordering="n_municipalities")
    def municipality_count(self, obj):
        return obj.n_municipalities

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_kana", "name_en", "kind", "subprefecture"]
    list_filter = ["subprefecture", "kind"]
    list_select_related = ["subprefecture"]
    search_fields = ["code", "name", "name_kana", "name_en"]
    readonly_fields = ["code", "kind", "subprefecture", "parent"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Organisation)
class OrganisationAdmin(OrganisationScopedAdmin):
    organisation_field = "pk"
    list_display = ["name", "short_name", "category", "is_member", "sort_order"]
    list_filter = ["category", "is_member"]
    search_fields = ["name", "name_en", "short_name"]

    def get_readonly_fields(self, request, obj=None):
        if self.is_scoped(request):
            return ["name", "category", "is_member", "sort_order"]
        return super().get_readonly_fields(request, obj)


@admin.register(WorkingGroup)
class WorkingGroupAdmin(SimpleHistoryAdmin):
    list_display = ["name", "secretariat"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not WorkingGroup.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["held_on", "fiscal_year_label", "title", "venue"]
    date_hierarchy = "held_on"
    search_fields = ["title", "venue", "summary"]

    @admin.display(description=_("fiscal year"), ordering="held_on")
    def fiscal_year_label(self, obj):
        return dates.format_fiscal_year(obj.fiscal_year)


@admin.register(FundingScheme)
class FundingSchemeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "sponsor", "is_active", "sort_order"]
    list_editable = ["is_active", "sort_order"]
    list_filter = ["sponsor", "is_active"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "email", "last_name", "first_name", "organisation", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_active", "groups", "organisation"]
    list_select_related = ["organisation"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets[:1],
        (_("Personal info"), {"fields": ("last_name", "first_name", "email", "organisation")}),
        *DjangoUserAdmin.fieldsets[2:],
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "email", "organisation", "usable_password", "password1", "password2"),
            },
        )
    ]


# The engines of the core register their own admin classes.
from portal.booking import admin as booking_admin  # noqa: E402,F401
from portal.enquiries import admin as enquiries_admin  # noqa: E402,F401
from portal.surveys import admin as surveys_admin  # noqa: E402,F401
