"""The requester's side of every enquiry form: a school's contact, its group, up to three dates, consent.

Apps subclass ``EnquiryRequestForm`` (programmes.forms.TourRequestForm) and give the booking lead time
of what is asked for. Every message is polite and says what to do; entered values are kept on error.
"""

import datetime as dt
import re
import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from portal import dates

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d"]
# Dash-like characters people type in phone numbers (after NFKC): hyphen, minus, dashes, the long vowel mark.
_PHONE_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−ー()（）]+")
DATE_FIELDS = ("preferred_date_1", "preferred_date_2", "preferred_date_3")


def normalise_phone(value: str) -> str:
    """０１５７－２３－４５６７ → 0157-23-4567; (0157) 23 4567 → 0157-23-4567."""
    text = unicodedata.normalize("NFKC", value or "").strip()
    return "-".join(part for part in _PHONE_SEPARATORS.split(text) if part)


class PhoneField(forms.CharField):
    """A Japanese phone number: full-width digits and any dashes are fine; 10 or 11 digits from 0."""

    widget = forms.TelInput
    default_error_messages = {
        "invalid": _("Please enter a phone number of 10 or 11 digits, such as 0157-23-4567."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "tel"})

    def to_python(self, value):
        return normalise_phone(super().to_python(value))

    def validate(self, value):
        super().validate(value)
        if value in self.empty_values:
            return
        digits = value.replace("-", "")
        if not digits.isascii() or not digits.isdigit() or not 10 <= len(digits) <= 11 or digits[0] != "0":
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class NormalisedEmailField(forms.EmailField):
    """Full-width letters and ＠ (typed with a Japanese input method) fold to ASCII first."""

    def to_python(self, value):
        return unicodedata.normalize("NFKC", super().to_python(value) or "").strip()


class NormalisedDateField(forms.DateField):
    input_formats = DATE_INPUT_FORMATS

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = unicodedata.normalize("NFKC", value).strip()
        return super().to_python(value)


PUPILS_RANGE = _("Please enter a number of pupils from 1 to 999.")
ADULTS_RANGE = _("Please enter a number of adults from 0 to 99.")
INVALID_DATE = _("Please enter the date as 2026-10-05.")
# A text box with the numeric keypad: unlike type="number", it shows back whatever was typed.
NUMBER_WIDGET = forms.TextInput(attrs={"inputmode": "numeric", "size": 4})


class EnquiryRequestForm(forms.Form):
    """The fields of portal.enquiries.models.REQUESTER_FIELDS, plus consent to the privacy notice.

    ``lead_time_days``: how many days ahead a date must be at least (0: today or later).
    """

    school_name = forms.CharField(
        label=_("School name"),
        max_length=100,
        error_messages={"required": _("Please enter the name of your school.")},
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    teacher_name = forms.CharField(
        label=_("Teacher in charge"),
        max_length=60,
        error_messages={"required": _("Please enter the name of the teacher in charge.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = NormalisedEmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("We send the confirmation and the host's answer to this address."),
        error_messages={
            "required": _("Please enter an e-mail address we can reply to."),
            "invalid": _("Please enter the e-mail address in the form name@example.jp."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = PhoneField(
        label=_("Phone number"),
        help_text=_("e.g. 0157-23-4567"),
        error_messages={"required": _("Please enter a phone number the host can call.")},
    )
    grade = forms.CharField(
        label=_("Grade"),
        max_length=40,
        help_text=_("e.g. 中学2年 (second year of junior high school)"),
        error_messages={"required": _("Please enter the grade of the pupils.")},
    )
    pupils = forms.IntegerField(
        label=_("Number of pupils"),
        widget=NUMBER_WIDGET,
        min_value=1,
        max_value=999,
        error_messages={
            "required": _("Please enter the number of pupils."),
            "invalid": PUPILS_RANGE,
            "min_value": PUPILS_RANGE,
            "max_value": PUPILS_RANGE,
        },
    )
    adults = forms.IntegerField(
        label=_("Number of accompanying adults"),
        widget=NUMBER_WIDGET,
        min_value=0,
        max_value=99,
        help_text=_("Teachers and other adults who come along. Enter 0 if none."),
        error_messages={
            "required": _("Please enter the number of accompanying adults (0 if none)."),
            "invalid": ADULTS_RANGE,
            "min_value": ADULTS_RANGE,
            "max_value": ADULTS_RANGE,
        },
    )
    preferred_date_1 = NormalisedDateField(
        label=_("Preferred date 1"),
        error_messages={"required": _("Please enter at least one preferred date."), "invalid": INVALID_DATE},
    )
    preferred_date_2 = NormalisedDateField(
        label=_("Preferred date 2 (optional)"), required=False, error_messages={"invalid": INVALID_DATE}
    )
    preferred_date_3 = NormalisedDateField(
        label=_("Preferred date 3 (optional)"), required=False, error_messages={"invalid": INVALID_DATE}
    )
    coming_by_bus = forms.BooleanField(label=_("We will come by bus"), required=False)
    message = forms.CharField(
        label=_("Message (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Anything the host should know, such as what the pupils are studying or support they need. "
            "Please do not write pupils' names."
        ),
        error_messages={"max_length": _("Please keep the message to 2,000 characters.")},
    )
    consent = forms.BooleanField(
        label=_("I have read the privacy notice and agree to it."),
        help_text=_(
            "We pass your details only to the organisations that handle this request, who use them only to "
            "answer it. They are never shown publicly and are deleted after the retention period."
        ),
        error_messages={"required": _("Please agree to the privacy notice so that we can pass your request on.")},
    )

    fieldset_layout = (
        (_("Your school"), ("school_name", "teacher_name", "email", "phone")),
        (_("Your group"), ("grade", "pupils", "adults", "coming_by_bus")),
        (_("Preferred dates"), DATE_FIELDS),
        (_("Message"), ("message",)),
    )

    def __init__(self, *args, lead_time_days: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lead_time_days = lead_time_days or 0
        self.today = dates.today()
        self.earliest_date = self.today + dt.timedelta(days=self.lead_time_days)
        for name in DATE_FIELDS:
            self.fields[name].widget.attrs["min"] = self.earliest_date.isoformat()

    @property
    def fieldsets(self):
        """[(legend, [bound fields])] for the template."""
        return [(legend, [self[name] for name in names]) for legend, names in self.fieldset_layout]

    def clean(self):
        cleaned = super().clean()
        seen: dict[dt.date, int] = {}
        for number, name in enumerate(DATE_FIELDS, start=1):
            day = cleaned.get(name)
            if day is None:
                continue
            params = {
                "number": number,
                "date": dates.format_date(day),
                "earliest": dates.format_date(self.earliest_date),
                "days": self.lead_time_days,
            }
            if day < self.today:
                self.add_error(
                    name,
                    forms.ValidationError(
                        _(
                            "Preferred date %(number)d (%(date)s) has already passed. "
                            "Please choose %(earliest)s or later."
                        ),
                        code="past",
                        params=params,
                    ),
                )
            elif day < self.earliest_date:
                self.add_error(
                    name,
                    forms.ValidationError(
                        ngettext_lazy(
                            "Preferred date %(number)d (%(date)s) is too soon: this must be requested at least "
                            "%(days)d day ahead. Please choose %(earliest)s or later.",
                            "Preferred date %(number)d (%(date)s) is too soon: this must be requested at least "
                            "%(days)d days ahead. Please choose %(earliest)s or later.",
                            "days",
                        ),
                        code="lead_time",
                        params=params,
                    ),
                )
            elif day in seen:
                self.add_error(
                    name,
                    forms.ValidationError(
                        _(
                            "Preferred date %(number)d is the same day as preferred date %(other)d. "
                            "Please choose another day."
                        ),
                        code="duplicate",
                        params={**params, "other": seen[day]},
                    ),
                )
            else:
                seen[day] = number
        return cleaned

    def enquiry_data(self) -> dict:
        """The cleaned requester fields, ready for portal.enquiries.services.submit_enquiry."""
        data = {name: value for name, value in self.cleaned_data.items() if name != "consent"}
        data["message"] = data.get("message", "").strip()
        return data
