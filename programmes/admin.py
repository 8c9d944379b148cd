from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportMixin

from portal import dates
from portal.admin import ListingAdmin, SpreadsheetImportMixin
from portal.booking.admin import SessionInline, SessionsAdminMixin
from programmes import services
from programmes.models import ExperienceEvent, FactoryTour
from programmes.resources import FactoryTourResource, tour_import_options


class ConfirmedThisFiscalYearFilter(admin.SimpleListFilter):
    title = _("information confirmed")
    parameter_name = "confirmed"

    def lookups(self, request, model_admin):
        return [
            ("this_year", _("in this fiscal year")),
            ("not_this_year", _("not in this fiscal year")),
        ]

    def queryset(self, request, queryset):
        stale = queryset.not_confirmed_in_fiscal_year()
        if self.value() == "not_this_year":
            return stale
        if self.value() == "this_year":
            return queryset.exclude(pk__in=stale.values("pk"))
        return queryset


@admin.register(FactoryTour)
class FactoryTourAdmin(SpreadsheetImportMixin, ImportExportMixin, ListingAdmin):
    list_display = ["name", "company_name", "municipality", "industry", "status", "confirmed_on", "provider"]
    list_filter = [
        "status",
        ConfirmedThisFiscalYearFilter,
        "municipality__subprefecture",
        "industry",
        "bus_parking",
        "provider",
        "is_demo",
    ]
    list_select_related = ["municipality", "provider"]
    search_fields = ["name", "name_kana", "company_name", "municipality__name", "address"]
    autocomplete_fields = ["municipality"]
    date_hierarchy = "confirmed_on"
    actions = [*ListingAdmin.actions, "confirm_today"]
    # Status changes only through the actions (programmes.services owns the transitions).
    readonly_fields = ["status", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["status", "provider", "name", "name_kana", "name_en", "company_name", "funding_scheme"]}),
        (_("Place"), {"fields": ["municipality", "address", "postcode", "latitude", "longitude", "winter_note"]}),
        (
            _("The tour"),
            {
                "fields": [
                    "industry",
                    "audiences",
                    "description",
                    "duration_minutes",
                    ("group_min", "group_max"),
                    "months",
                    "weekdays",
                    "lead_time_days",
                    ("fee_kind", "fee_amount"),
                    "fee_note",
                    "reservation_required",
                    "bus_parking",
                    "wheelchair_access",
                ]
            },
        ),
        (_("Public contact"), {"fields": ["phone", "website"]}),
        (_("Record"), {"fields": ["confirmed_on", "is_demo", "created_at", "updated_at"]}),
    ]

    # Import and export in the Japanese spreadsheet layout (programmes/resources.py): a preview first, then
    # all or nothing; partner editors import for their own organisation only.
    resource_classes = [FactoryTourResource]

    def get_resource_kwargs(self, request, *args, **kwargs):
        return tour_import_options(request.user)

    def has_import_permission(self, request):
        opts = self.opts
        if self.is_scoped(request) and request.user.organisation_id is None:
            return False
        return request.user.has_perms(
            [f"{opts.app_label}.add_{opts.model_name}", f"{opts.app_label}.change_{opts.model_name}"]
        )

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    @admin.action(description=_("Mark the information as confirmed today"))
    def confirm_today(self, request, queryset):
        changed = services.confirm_tours(tours=queryset)
        self.message_user(
            request,
            ngettext("%(count)d tour confirmed on %(date)s.", "%(count)d tours confirmed on %(date)s.", changed)
            % {"count": changed, "date": dates.format_date(dates.today())},
            messages.SUCCESS,
        )


# --- Experience events ---------------------------------------------------------------------------------


@admin.register(ExperienceEvent)
class ExperienceEventAdmin(SessionsAdminMixin, ListingAdmin):
    list_display = ["title", "trade", "status", "provider", "updated_at"]
    list_filter = ["status", "provider", "audiences", "is_demo"]
    list_select_related = ["provider"]
    search_fields = ["title", "title_en", "trade", "instructors"]
    readonly_fields = ["status", "created_at", "updated_at"]
    inlines = [SessionInline]
    fieldsets = [
        (None, {"fields": ["status", "provider", "title", "title_en", "funding_scheme"]}),
        (
            _("The event"),
            {
                "fields": [
                    "trade",
                    "description",
                    "instructors",
                    "audiences",
                    "grades",
                    ("fee_kind", "fee_amount"),
                    "fee_note",
                    "what_to_bring",
                    "image",
                ]
            },
        ),
        (_("Record"), {"fields": ["is_demo", "created_at", "updated_at"]}),
    ]
