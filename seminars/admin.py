"""Staff edit the seminars app here: seminars with their sessions and itinerary, … (one section per model)."""

from django import forms
from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.admin import ListingAdmin
from portal.booking.admin import SESSION_FIELDS, SessionCapacityMixin, save_session_changes
from portal.booking.models import Session
from seminars.models import ItineraryStop, Seminar

# --- Seminars --------------------------------------------------------------------------------------


class SeminarSessionForm(SessionCapacityMixin, forms.ModelForm):
    class Meta:
        model = Session
        fields = SESSION_FIELDS


class SeminarSessionInline(GenericTabularInline):
    """The dated sessions of a seminar. Seats are counted by the booking engine: capacity and cancellation go
    through portal.booking.services (waiting list promoted, participants told)."""

    model = Session
    form = SeminarSessionForm
    ct_field = "offering_type"
    ct_fk_field = "offering_id"
    fields = [*SESSION_FIELDS, "status", "seats_taken", "roster"]
    # cancelled on the session's own admin page, which tells the participants (with a message)
    readonly_fields = ["status", "seats_taken", "roster"]
    autocomplete_fields = ["municipality"]
    extra = 0

    @admin.display(description=_("roster"))
    def roster(self, session):
        if session.pk is None:
            return "—"
        url = reverse("admin:portal_session_roster", args=[session.pk], current_app=self.admin_site.name)
        return format_html('<a href="{}">{}</a>', url, gettext("Roster"))

    # Sessions belong to their seminar: whoever may edit the seminar (in their scope) edits its sessions.
    def _may(self, request, action: str) -> bool:
        return request.user.has_perm(f"seminars.{action}_seminar")

    def has_view_permission(self, request, obj=None):
        return self._may(request, "view") or self.has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._may(request, "change") or self._may(request, "add")

    def has_change_permission(self, request, obj=None):
        return self._may(request, "change")

    def has_delete_permission(self, request, obj=None):
        return self._may(request, "change")


class ItineraryStopInline(admin.TabularInline):
    """The factories a student tour trip visits, in order (only for that kind of seminar)."""

    model = ItineraryStop
    fields = ["position", "tour", "arrive_at", "leave_at", "note"]
    autocomplete_fields = ["tour"]
    extra = 0

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("seminars.view_seminar") or self.has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm("seminars.change_seminar") or request.user.has_perm("seminars.add_seminar")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("seminars.change_seminar")

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("seminars.change_seminar")


@admin.register(Seminar)
class SeminarAdmin(ListingAdmin):
    list_display = ["title", "kind", "status", "provider", "updated_at"]
    list_filter = ["status", "kind", "provider", "audiences", "is_demo"]
    list_select_related = ["provider"]
    search_fields = ["title", "title_en", "speaker", "school_name"]
    readonly_fields = ["status", "created_at", "updated_at"]
    inlines = [SeminarSessionInline, ItineraryStopInline]
    fieldsets = [
        (None, {"fields": ["status", "kind", "provider", "title", "title_en", "funding_scheme"]}),
        (
            _("The seminar"),
            {
                "fields": [
                    "description",
                    "speaker",
                    "audiences",
                    "grades",
                    ("fee_kind", "fee_amount"),
                    "fee_note",
                    "what_to_bring",
                ]
            },
        ),
        (_("Talk by an invited specialist"), {"fields": ["speaker_profile"]}),
        (_("Skill-up course"), {"fields": ["school_name", "course_hours"]}),
        (_("Record"), {"fields": ["is_demo", "created_at", "updated_at"]}),
    ]

    def save_formset(self, request, form, formset, change):
        if formset.model is not Session:
            return super().save_formset(request, form, formset, change)
        sessions = formset.save(commit=False)
        for session in formset.deleted_objects:
            session.delete()
        forms_by_session = {id(session_form.instance): session_form for session_form in formset.forms}
        for session in sessions:
            save_session_changes(session, forms_by_session[id(session)].changed_data, created=session.pk is None)
        return None


# --- Outreach lectures (出前講座) and materials for parent seminars ----------------------------------

from seminars.models import LectureOffer, Material  # noqa: E402


@admin.register(LectureOffer)
class LectureOfferAdmin(ListingAdmin):
    """Requests for a lecture arrive as enquiries (portal.enquiries, kind "lecture"), handled there."""

    list_display = ["title", "trade", "status", "provider", "updated_at"]
    list_filter = ["status", "provider", "areas", "is_demo"]
    list_select_related = ["provider"]
    search_fields = ["title", "title_en", "trade", "description"]
    readonly_fields = ["status", "created_at", "updated_at"]
    filter_horizontal = ["areas"]
    fieldsets = [
        (None, {"fields": ["status", "provider", "title", "title_en"]}),
        (
            _("The lecture"),
            {
                "fields": [
                    "trade",
                    "description",
                    "audiences",
                    "grades",
                    "length_minutes",
                    ("fee_kind", "fee_amount"),
                    "fee_note",
                    "school_provides",
                ]
            },
        ),
        (_("Where and when"), {"fields": ["areas", "months", "lead_time_days"]}),
        (_("Record"), {"fields": ["is_demo", "created_at", "updated_at"]}),
    ]


@admin.register(Material)
class MaterialAdmin(ListingAdmin):
    """A file (checked by its content: seminars/files.py) or a link, exactly one of the two."""

    list_display = ["title", "audience", "kind_display", "status", "provider", "updated_at"]
    list_filter = ["status", "audience", "provider", "is_demo"]
    list_select_related = ["provider"]
    search_fields = ["title", "title_en", "description", "original_filename"]
    readonly_fields = ["status", "original_filename", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["status", "provider", "title", "title_en", "audience", "description"]}),
        (
            _("File or link"),
            {
                "fields": ["file", "original_filename", "url"],
                "description": _("Upload a PDF, Word (.docx) or PowerPoint (.pptx) file, or give a link: not both."),
            },
        ),
        (_("Record"), {"fields": ["is_demo", "created_at", "updated_at"]}),
    ]

    @admin.display(description=_("kind"))
    def kind_display(self, obj):
        return obj.kind.upper() if obj.file else gettext("link")
