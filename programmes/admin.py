from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.contrib.contenttypes.admin import GenericTabularInline
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy
from import_export.admin import ImportExportMixin

from portal import dates
from portal.admin import OrganisationScopedAdmin
from portal.booking import services as booking_services
from portal.booking.models import Session
from portal.choices import SessionStatus
from portal.importing import CSVFormat, ImportFileError, XLSXFormat
from programmes import event_services, services
from programmes.models import ExperienceEvent, FactoryTour
from programmes.resources import FactoryTourResource, tour_import_options

SESSION_FIELDS = [
    "label",
    "starts_at",
    "ends_at",
    "venue_name",
    "municipality",
    "address",
    "capacity",
    "registration_opens_at",
    "registration_closes_at",
    "waitlist_enabled",
    "max_party_size",
    "allocation",
    "status",
]


class ScopedFieldsetsMixin:
    """Fieldsets without the excluded organisation field: a partner editor's change page would otherwise fail
    (KeyError 'provider'), since OrganisationScopedAdmin excludes it from the form but not from fieldsets.
    (Belongs in portal.admin.OrganisationScopedAdmin; kept here until that file's owner moves it.)"""

    def get_fieldsets(self, request, obj=None):
        hidden = set(self.get_exclude(request, obj) or ())
        return [
            (name, {**options, "fields": [field for field in options["fields"] if field not in hidden]})
            for name, options in super().get_fieldsets(request, obj)
        ]


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
class FactoryTourAdmin(ScopedFieldsetsMixin, ImportExportMixin, OrganisationScopedAdmin):
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
    actions = ["publish", "archive", "submit_for_review", "return_to_draft", "confirm_today"]
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
    formats = [CSVFormat, XLSXFormat]
    import_error_display = ("message",)

    @staticmethod
    def can_publish(request) -> bool:
        return request.user.has_perm("programmes.publish_factorytour")

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
            return HttpResponseRedirect(
                reverse("admin:programmes_factorytour_import", current_app=self.admin_site.name)
            )
        return super().process_result(result, request)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self.can_publish(request):
            fields += ["is_demo"]
        return fields

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        if not self.can_publish(request):
            for name in ("publish", "archive", "return_to_draft"):
                actions.pop(name, None)
        return actions

    def _change_status(self, request, queryset, service, done_message) -> None:
        """Run one status service on the selection and say how many changed and how many could not."""
        total = queryset.count()  # the selection, counted before it changes
        changed = service(tours=queryset)
        self.message_user(request, done_message % {"count": changed}, messages.SUCCESS)
        if changed < total:
            self.message_user(
                request,
                _("%(count)d tours were left as they were (their status does not allow this step).")
                % {"count": total - changed},
                messages.WARNING,
            )

    @admin.action(description=_("Publish the selected tours"))
    def publish(self, request, queryset):
        message = ngettext_lazy("%(count)d tour published.", "%(count)d tours published.", "count")
        self._change_status(request, queryset, services.publish_tours, message)

    @admin.action(description=_("Archive the selected tours"))
    def archive(self, request, queryset):
        message = ngettext_lazy("%(count)d tour archived.", "%(count)d tours archived.", "count")
        self._change_status(request, queryset, services.archive_tours, message)

    @admin.action(description=_("Submit the selected tours for review"))
    def submit_for_review(self, request, queryset):
        message = ngettext_lazy(
            "%(count)d tour submitted for review.", "%(count)d tours submitted for review.", "count"
        )
        self._change_status(request, queryset, services.submit_tours_for_review, message)

    @admin.action(description=_("Return the selected tours to draft"))
    def return_to_draft(self, request, queryset):
        message = ngettext_lazy("%(count)d tour returned to draft.", "%(count)d tours returned to draft.", "count")
        self._change_status(request, queryset, services.return_tours_to_draft, message)

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


class SessionInlineForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = SESSION_FIELDS

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if self.instance.pk and capacity < self.instance.seats_taken:
            raise forms.ValidationError(
                _("%(taken)d seats are already taken: the capacity cannot be lower.")
                % {"taken": self.instance.seats_taken}
            )
        return capacity


class SessionInline(GenericTabularInline):
    """The dated sessions of an event. Seats are counted by the booking engine: capacity and cancellation go
    through portal.booking.services (waiting list promoted, participants told)."""

    model = Session
    form = SessionInlineForm
    ct_field = "offering_type"
    ct_fk_field = "offering_id"
    fields = [*SESSION_FIELDS, "seats_taken"]
    readonly_fields = ["seats_taken"]
    autocomplete_fields = ["municipality"]
    extra = 0

    # Sessions belong to their event: whoever may edit the event (in their scope) edits its sessions.
    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("programmes.view_experienceevent") or self.has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm("programmes.change_experienceevent") or request.user.has_perm(
            "programmes.add_experienceevent"
        )

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("programmes.change_experienceevent")

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("programmes.change_experienceevent")


@admin.register(ExperienceEvent)
class ExperienceEventAdmin(ScopedFieldsetsMixin, OrganisationScopedAdmin):
    list_display = ["title", "trade", "status", "provider", "updated_at"]
    list_filter = ["status", "provider", "audiences", "is_demo"]
    list_select_related = ["provider"]
    search_fields = ["title", "title_en", "trade", "instructors"]
    actions = ["publish", "archive", "submit_for_review", "return_to_draft"]
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

    @staticmethod
    def can_publish(request) -> bool:
        return request.user.has_perm("programmes.publish_experienceevent")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self.can_publish(request):
            fields += ["is_demo"]
        return fields

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        if not self.can_publish(request):
            for name in ("publish", "archive", "return_to_draft"):
                actions.pop(name, None)
        return actions

    def save_formset(self, request, form, formset, change):
        if formset.model is not Session:
            return super().save_formset(request, form, formset, change)
        sessions = formset.save(commit=False)
        for session in formset.deleted_objects:
            session.delete()
        changed_forms = {id(f.instance): f for f in formset.forms}
        for session in sessions:
            if session.pk is None:
                session.save()
                continue
            # Never write seats_taken from this (possibly stale) form: save only the fields that changed,
            # and let the booking engine change the capacity and cancel.
            changed = set(changed_forms[id(session)].changed_data)
            plain = [name for name in changed if name not in ("capacity", "status")]
            if plain:
                session.save(update_fields=[*plain, "updated_at"])
            if "capacity" in changed:
                booking_services.change_capacity(session=session, capacity=session.capacity)
            if "status" in changed:
                if session.status == SessionStatus.CANCELLED:
                    booking_services.cancel_session(session=session, by=request.user)
                else:
                    session.save(update_fields=["status", "updated_at"])
        return None

    def _change_events_status(self, request, queryset, service, done_message) -> None:
        total = queryset.count()
        changed = service(events=queryset)
        self.message_user(request, done_message % {"count": changed}, messages.SUCCESS)
        if changed < total:
            self.message_user(
                request,
                _("%(count)d events were left as they were (their status does not allow this step).")
                % {"count": total - changed},
                messages.WARNING,
            )

    @admin.action(description=_("Publish the selected events"))
    def publish(self, request, queryset):
        message = ngettext_lazy("%(count)d event published.", "%(count)d events published.", "count")
        self._change_events_status(request, queryset, event_services.publish_events, message)

    @admin.action(description=_("Archive the selected events"))
    def archive(self, request, queryset):
        message = ngettext_lazy("%(count)d event archived.", "%(count)d events archived.", "count")
        self._change_events_status(request, queryset, event_services.archive_events, message)

    @admin.action(description=_("Submit the selected events for review"))
    def submit_for_review(self, request, queryset):
        message = ngettext_lazy(
            "%(count)d event submitted for review.", "%(count)d events submitted for review.", "count"
        )
        self._change_events_status(request, queryset, event_services.submit_events_for_review, message)

    @admin.action(description=_("Return the selected events to draft"))
    def return_to_draft(self, request, queryset):
        message = ngettext_lazy("%(count)d event returned to draft.", "%(count)d events returned to draft.", "count")
        self._change_events_status(request, queryset, event_services.return_events_to_draft, message)
