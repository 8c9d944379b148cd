"""Staff edit the seminars app here: seminars with their sessions and itinerary, … (one section per model)."""

from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.admin import ListingAdmin, ListingPartInline
from portal.booking.admin import SessionInline, SessionsAdminMixin
from seminars.models import ItineraryStop, Seminar

# --- Seminars --------------------------------------------------------------------------------------


class ItineraryStopInline(ListingPartInline, admin.TabularInline):
    """The factories a student tour trip visits, in order (only for that kind of seminar)."""

    model = ItineraryStop
    fields = ["position", "tour", "arrive_at", "leave_at", "note"]
    autocomplete_fields = ["tour"]
    extra = 0


@admin.register(Seminar)
class SeminarAdmin(SessionsAdminMixin, ListingAdmin):
    list_display = ["title", "kind", "status", "provider", "updated_at"]
    list_filter = ["status", "kind", "provider", "audiences", "is_demo"]
    list_select_related = ["provider"]
    search_fields = ["title", "title_en", "speaker", "school_name"]
    readonly_fields = ["status", "created_at", "updated_at"]
    inlines = [SessionInline, ItineraryStopInline]
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
