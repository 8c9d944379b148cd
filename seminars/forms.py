"""Forms of the seminars app: a school's request for an outreach lecture (出前講座)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.enquiries.forms import DATE_FIELDS, EnquiryRequestForm
from portal.filtering import MunicipalityChoiceField
from portal.models import Municipality
from portal.widgets import FastSelect
from seminars.models import LectureOffer

#: where the lecture takes place: not requester fields of the Enquiry, the service writes them into its message
PLACE_FIELDS = ("place_municipality", "place_detail")


class LectureRequestForm(EnquiryRequestForm):
    """A school's request for an outreach lecture: the shared request form, plus where the lecture is given.

    The lecturer comes to the school, so there is no "coming by bus". A month the offer is not usually
    given, or a place outside its areas, does not block the request; the service records it as a note
    (seminars.services.lecture_request_notes).
    """

    place_municipality = MunicipalityChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.all(),
        to_field_name="code",
        widget=FastSelect,
        empty_label=_("Choose the municipality"),
        error_messages={
            "required": _("Please choose the municipality where the lecture takes place."),
            "invalid_choice": _("Please choose the municipality where the lecture takes place."),
        },
    )
    place_detail = forms.CharField(
        label=_("Address and room"),
        max_length=200,
        help_text=_("e.g. 北見市北1条西1丁目 北見市立北中学校 体育館"),
        error_messages={
            "required": _("Please enter the address and the room where the lecture takes place."),
            "max_length": _("Please keep the address and room to 200 characters."),
        },
    )

    fieldset_layout = (
        (_("Your school"), ("school_name", "teacher_name", "email", "phone")),
        (_("Your group"), ("grade", "pupils", "adults")),
        (_("Place of the lecture"), PLACE_FIELDS),
        (_("Preferred dates"), DATE_FIELDS),
        (_("Message"), ("message",)),
    )

    def __init__(self, *args, offer: LectureOffer, **kwargs):
        self.offer = offer
        super().__init__(*args, lead_time_days=offer.lead_time_days, **kwargs)
        del self.fields["coming_by_bus"]
        self.fields["adults"].label = _("Number of teachers and other adults present")
        self.fields["adults"].help_text = _("Enter 0 if none.")

    def enquiry_data(self) -> dict:
        """The requester fields only (portal.enquiries.models.REQUESTER_FIELDS); see ``place()``."""
        data = super().enquiry_data()
        for name in PLACE_FIELDS:
            data.pop(name, None)
        return data

    def place(self) -> dict:
        """{"municipality": Municipality, "detail": str}: where the lecture is given."""
        return {
            "municipality": self.cleaned_data["place_municipality"],
            "detail": self.cleaned_data["place_detail"].strip(),
        }
