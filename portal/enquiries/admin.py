"""Staff handle enquiries here: a partner editor sees its own organisation's, the secretariat every one.

The request itself is read-only (it is what the school sent). Status changes and notes go through
portal.enquiries.services, from the "Handle this request" section of the change page or the list action.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal import dates
from portal.admin import OrganisationScopedAdmin, ReadOnlyHistoryInline
from portal.choices import EnquiryStatus
from portal.enquiries import services
from portal.enquiries.models import REQUESTER_FIELDS, Enquiry, EnquiryEvent


class EnquiryEventInline(ReadOnlyHistoryInline):
    model = EnquiryEvent
    fields = ["created_at", "by", "from_status", "to_status", "note", "visible_to_requester"]

    def has_view_permission(self, request, obj=None):
        # Whoever may see the enquiry sees its history (the enquiry's queryset is already scoped).
        return request.user.has_perm("portal.view_enquiry") or request.user.has_perm("portal.change_enquiry")


class EnquiryAdminForm(forms.ModelForm):
    """No model field is edited here: the extra fields are handed to the services on save."""

    new_status = forms.ChoiceField(
        label=_("Change the status to"),
        required=False,
        help_text=_("The school is e-mailed when the request is accepted, declined or done."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    note_visible_to_requester = forms.BooleanField(
        label=_("Show this note to the school"),
        required=False,
        help_text=_(
            "Shown on the school's status page (and in the e-mail of a status change). Leave unticked "
            "for notes among staff."
        ),
    )

    participants_reached = forms.IntegerField(
        label=_("Participants reached"),
        required=False,
        min_value=0,
        max_value=100000,
        help_text=_(
            "How many pupils or students took part (for the reports). Enter it when you mark the request "
            "as done, or afterwards."
        ),
    )

    class Meta:
        model = Enquiry
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants_reached"].initial = self.instance.participants_reached
        current = self.instance.status if self.instance.pk else EnquiryStatus.NEW
        self.fields["new_status"].choices = [
            ("", _("(keep: %(status)s)") % {"status": EnquiryStatus(current).label})
        ] + [(status, EnquiryStatus(status).label) for status in services.allowed_transitions(current)]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("note_visible_to_requester") and not cleaned.get("note", "").strip():
            self.add_error("note", _("Write the note to show to the school."))
        # A new number of participants (None: nothing to record), fixed here: saving changes the instance.
        value = cleaned.get("participants_reached")
        self.participants_to_record = value if value != self.instance.participants_reached else None
        if self.participants_to_record is not None and EnquiryStatus.DONE not in (
            self.instance.status,
            cleaned.get("new_status"),
        ):
            self.add_error(
                "participants_reached", _("Record how many took part once the request is done (or together with it).")
            )
        return cleaned


@admin.register(Enquiry)
class EnquiryAdmin(OrganisationScopedAdmin):
    organisation_field = "provider"
    form = EnquiryAdminForm
    inlines = [EnquiryEventInline]
    list_display = [
        "created_at",
        "kind",
        "subject_name",
        "school_name",
        "group_display",
        "preferred_date_1_display",
        "status",
        "provider",
    ]
    list_display_links = ["created_at", "subject_name"]
    list_filter = ["status", "kind", "provider"]
    list_select_related = ["provider"]
    search_fields = ["subject_name", "school_name", "teacher_name", "email"]
    date_hierarchy = "created_at"
    actions = ["start_handling"]
    readonly_fields = [
        "kind",
        "subject_link",
        "provider",
        "status",
        "created_at",
        "updated_at",
        "language",
        *REQUESTER_FIELDS,
    ]
    request_fieldsets = [
        (None, {"fields": ["status", "kind", "subject_link", "provider", "created_at", "updated_at"]}),
        (
            _("The request"),
            {
                "fields": [
                    "school_name",
                    "teacher_name",
                    "email",
                    "phone",
                    "grade",
                    ("pupils", "adults"),
                    ("preferred_date_1", "preferred_date_2", "preferred_date_3"),
                    "coming_by_bus",
                    "message",
                    "language",
                ],
                "description": _("Personal data: use it only to answer this request."),
            },
        ),
    ]
    handling_fieldset = (
        _("Handle this request"),
        {"fields": ["new_status", "note", "note_visible_to_requester", "participants_reached"]},
    )

    def get_fieldsets(self, request, obj=None):
        if self.has_change_permission(request, obj):
            return [*self.request_fieldsets, self.handling_fieldset]
        return self.request_fieldsets

    def has_add_permission(self, request):
        return False  # enquiries come from the public forms, through submit_enquiry

    def get_history_list_display(self, request):
        return ["status"]

    @admin.display(description=_("requested"))
    def subject_link(self, obj):
        """The subject's own admin page (staff who may not open it get the usual "not found")."""
        subject_type = obj.subject_type
        try:
            url = reverse(f"admin:{subject_type.app_label}_{subject_type.model}_change", args=[obj.subject_id])
        except NoReverseMatch:
            return obj.subject_display_name
        return format_html('<a href="{}">{}</a>', url, obj.subject_display_name)

    @admin.display(description=_("group"))
    def group_display(self, obj):
        return _("%(pupils)d pupils + %(adults)d adults") % {"pupils": obj.pupils, "adults": obj.adults}

    @admin.display(description=_("preferred date 1"), ordering="preferred_date_1")
    def preferred_date_1_display(self, obj):
        return dates.format_date(obj.preferred_date_1)

    def save_model(self, request, obj, form, change):
        """Nothing of the enquiry is edited directly: hand the status change and the note to the services."""
        data = form.cleaned_data
        note = data.get("note", "").strip()
        visible = bool(data.get("note_visible_to_requester"))
        if data.get("new_status"):
            try:
                services.change_enquiry_status(
                    enquiry=obj, to=data["new_status"], by=request.user, note=note, visible_to_requester=visible
                )
            except services.TransitionNotAllowed as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
        elif note:
            services.add_enquiry_note(enquiry=obj, by=request.user, note=note, visible_to_requester=visible)
        if form.participants_to_record is not None:
            try:
                services.record_participants(enquiry=obj, count=form.participants_to_record, by=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)

    def save_related(self, request, form, formsets, change):
        pass  # the history inline is read-only

    def construct_change_message(self, request, form, formsets, add=False):
        data = form.cleaned_data
        changed = []
        if data.get("new_status"):
            changed.append(str(EnquiryStatus(data["new_status"]).label))
        if data.get("note", "").strip():
            changed.append(str(_("note")))
        if getattr(form, "participants_to_record", None) is not None:
            changed.append(str(_("participants reached")))
        return [{"changed": {"fields": changed}}] if changed else []

    @admin.action(description=_("Start handling the selected requests (in progress)"), permissions=["change"])
    def start_handling(self, request, queryset):
        changed = 0
        for enquiry in queryset.filter(status=EnquiryStatus.NEW):
            try:
                services.change_enquiry_status(enquiry=enquiry, to=EnquiryStatus.IN_PROGRESS, by=request.user)
            except services.TransitionNotAllowed:
                continue  # changed by someone else meanwhile
            changed += 1
        self.message_user(
            request,
            ngettext("%(count)d request is now in progress.", "%(count)d requests are now in progress.", changed)
            % {"count": changed},
            messages.SUCCESS,
        )
