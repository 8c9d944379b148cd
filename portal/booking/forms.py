"""The participant's side of the sign-up engine: one form for a family or a school group.

    form = RegistrationForm(session=session, data=request.POST)
    if form.is_valid():
        register(session=session, data=form.registration_data(), language=request.LANGUAGE_CODE)

Every message is polite and says what to do; entered values are kept on error. The party's size is checked
against the session here too (the service checks it again under its lock).
"""

import re
import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.booking.services import MESSAGES
from portal.choices import Grade, RegistrationKind
from portal.enquiries.forms import NUMBER_WIDGET, NormalisedEmailField, PhoneField
from portal.templatetags.booking_tags import session_when

CHILD_FIELDS = tuple(f"child_{number}" for number in range(1, 7))
MAX_ADULTS = 10
MAX_PUPILS = 999
MESSAGE_MAX_LENGTH = 500

_HIRAGANA_TO_KATAKANA = {code: code + 0x60 for code in range(0x3041, 0x3097)} | {0x309D: 0x30FD, 0x309E: 0x30FE}
_SPACES = re.compile(r"\s+")
# Full-width katakana (ァ-ヺ), the middle dot, the long vowel mark and the iteration marks, in words
# separated by single spaces.
_KATAKANA_WORDS = re.compile(r"[\u30a1-\u30fa\u30fb-\u30fe]+(?:\u3000[\u30a1-\u30fa\u30fb-\u30fe]+)*")


def normalise_kana(value: str) -> str:
    """やまだ　はなこ / ﾔﾏﾀﾞ ﾊﾅｺ / ヤマダ  ハナコ → ヤマダ　ハナコ (full-width katakana, one full-width space)."""
    text = unicodedata.normalize("NFKC", value or "").translate(_HIRAGANA_TO_KATAKANA)
    return "\u3000".join(_SPACES.split(text.strip())) if text.strip() else ""


def is_katakana(value: str) -> bool:
    return _KATAKANA_WORDS.fullmatch(value) is not None


class KanaField(forms.CharField):
    """フリガナ: hiragana, katakana or half-width katakana, stored as full-width katakana."""

    default_error_messages = {
        "invalid": _(
            "Please write the reading of the name in kana only (hiragana or katakana), such as ホッカイ タロウ. "
            "Letters, kanji and digits cannot be used here."
        ),
    }

    def to_python(self, value):
        return normalise_kana(super().to_python(value))

    def validate(self, value):
        super().validate(value)
        if value not in self.empty_values and not is_katakana(value):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class KindRadioSelect(forms.RadioSelect):
    """Radio buttons whose error-summary link (``id_for_label``) goes to the first button."""

    def id_for_label(self, id_, index=None):
        return super().id_for_label(id_, "0" if index is None else index)


def _range_messages(message) -> dict:
    return {"invalid": message, "min_value": message, "max_value": message}


PUPILS_RANGE = _("Please enter a number of pupils from 1 to 999.")
ADULTS_RANGE = _("Please enter a number of adults from 0 to 10.")


class RegistrationForm(forms.Form):
    """The fields of services.PARTICIPANT_FIELDS, with a family's children as up to six school-year choices."""

    kind = forms.ChoiceField(
        label=_("Who is coming?"),
        choices=RegistrationKind.choices,
        initial=RegistrationKind.FAMILY,
        widget=KindRadioSelect,
        error_messages={
            "required": _("Please choose whether you come as a family or as a school group."),
            "invalid_choice": _("Please choose whether you come as a family or as a school group."),
        },
    )
    contact_name = forms.CharField(
        label=_("Name"),
        max_length=60,
        help_text=_("The person we contact: a parent, or the teacher in charge of a school group."),
        error_messages={
            "required": _("Please enter your name."),
            "max_length": _("Please keep the name to 60 characters."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    contact_kana = KanaField(
        label=_("Name in kana (フリガナ)"),
        max_length=60,
        help_text=_("e.g. ホッカイ タロウ. Hiragana is fine too."),
        error_messages={
            "required": _("Please enter the reading of your name in kana."),
            "max_length": _("Please keep the reading of the name to 60 characters."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    email = NormalisedEmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("We send the confirmation and the link to your registration to this address."),
        error_messages={
            "required": _("Please enter an e-mail address we can write to."),
            "invalid": _("Please enter the e-mail address in the form name@example.jp."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )
    phone = PhoneField(
        label=_("Phone number"),
        help_text=_("A number we can call on the day, e.g. 090-1234-5678."),
        error_messages={"required": _("Please enter a phone number we can call on the day.")},
    )
    school_name = forms.CharField(
        label=_("School name"),
        max_length=100,
        required=False,
        help_text=_("School groups only."),
        error_messages={"max_length": _("Please keep the school name to 100 characters.")},
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    pupils = forms.IntegerField(
        label=_("Number of pupils"),
        required=False,
        min_value=1,
        max_value=MAX_PUPILS,
        help_text=_("School groups only."),
        widget=NUMBER_WIDGET,
        error_messages=_range_messages(PUPILS_RANGE),
    )
    adults = forms.IntegerField(
        label=_("Number of adults"),
        min_value=0,
        max_value=MAX_ADULTS,
        initial=1,
        help_text=_("Parents, teachers and other adults who come along. Enter 0 if none."),
        widget=NUMBER_WIDGET,
        error_messages={
            "required": _("Please enter the number of adults (0 if none)."),
            **_range_messages(ADULTS_RANGE),
        },
    )
    message = forms.CharField(
        label=_("Message (optional)"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        help_text=_("Anything the organisers should know, such as support a child needs."),
        error_messages={"max_length": _("Please keep the message to 500 characters.")},
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consent = forms.BooleanField(
        label=_("I have read the privacy notice and agree to it."),
        error_messages={"required": _("Please agree to the privacy notice so that we can take your sign-up.")},
    )

    def __init__(self, *args, session, pair_session=None, **kwargs):
        self.session = session
        super().__init__(*args, **kwargs)
        if pair_session is not None:
            # a parent seminar held together with the pupils' tour: both at once, both or none
            self.fields["book_pair"] = forms.BooleanField(
                label=_("Also book %(name)s (%(when)s): both or none")
                % {"name": pair_session.offering_name, "when": session_when(pair_session)},
                help_text=_(
                    "The two are held together. The same party is booked for both; if either has no room, "
                    "neither is booked (you go on both waiting lists together when they have one)."
                ),
                required=False,
                initial=True,
            )
        self.fields["phone"].widget.attrs.update({"inputmode": "tel"})
        grade_choices = [("", _("(none)")), *Grade.choices]
        for number, name in enumerate(CHILD_FIELDS, start=1):
            self.fields[name] = forms.ChoiceField(
                label=_("Child %(number)d: school year") % {"number": number},
                choices=grade_choices,
                required=False,
                error_messages={"invalid_choice": _("Please choose a school year from the list.")},
            )
        # the form's order is the page's order: the kind, the contact, the party, the message
        order = ["kind", "contact_name", "contact_kana", "email", "phone", *CHILD_FIELDS, "school_name", "pupils"]
        self.order_fields([*order, "adults", "message"])

    @property
    def most_seats(self) -> int:
        return min(self.session.max_party_size, self.session.capacity)

    @property
    def contact_fields(self):
        return [self[name] for name in ("contact_name", "contact_kana", "email", "phone")]

    @property
    def child_fields(self):
        return [self[name] for name in CHILD_FIELDS]

    @property
    def school_fields(self):
        return [self["school_name"], self["pupils"]]

    def clean_message(self):
        return self.cleaned_data["message"].strip()

    def clean_contact_name(self):
        return " ".join(unicodedata.normalize("NFKC", self.cleaned_data["contact_name"]).split())

    def clean_school_name(self):
        return " ".join(unicodedata.normalize("NFKC", self.cleaned_data["school_name"]).split())

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        # the other kind's fields are not used: a slip there must not block the sign-up
        ignored = {RegistrationKind.FAMILY: ("school_name", "pupils"), RegistrationKind.SCHOOL: CHILD_FIELDS}
        for name in ignored.get(kind, ()):
            if self._errors.pop(name, None) is not None:
                cleaned[name] = None if name == "pupils" else ""
        if kind == RegistrationKind.FAMILY:
            if not self.children_grades() and not self.has_error(CHILD_FIELDS[0]):
                self.add_error(
                    CHILD_FIELDS[0],
                    forms.ValidationError(
                        _("Please choose the school year of at least one child who is coming."), code="no_child"
                    ),
                )
        elif kind == RegistrationKind.SCHOOL:
            if not cleaned.get("school_name") and not self.has_error("school_name"):
                self.add_error(
                    "school_name",
                    forms.ValidationError(_("Please enter the name of your school."), code="required"),
                )
            if cleaned.get("pupils") is None and not self.has_error("pupils"):
                self.add_error(
                    "pupils", forms.ValidationError(_("Please enter the number of pupils."), code="required")
                )
        if not self.errors:
            seats = self.seats()
            if seats > self.most_seats:
                raise forms.ValidationError(
                    MESSAGES["too_big"], code="too_big", params={"seats": seats, "most": self.most_seats}
                )
        return cleaned

    def children_grades(self) -> list[str]:
        return [self.cleaned_data[name] for name in CHILD_FIELDS if self.cleaned_data.get(name)]

    def seats(self) -> int:
        adults = self.cleaned_data.get("adults") or 0
        if self.cleaned_data.get("kind") == RegistrationKind.SCHOOL:
            return (self.cleaned_data.get("pupils") or 0) + adults
        return len(self.children_grades()) + adults

    def registration_data(self) -> dict:
        """The cleaned participant fields, exactly services.PARTICIPANT_FIELDS, for services.register."""
        cleaned = self.cleaned_data
        school = cleaned["kind"] == RegistrationKind.SCHOOL
        data = {
            "kind": cleaned["kind"],
            "contact_name": cleaned["contact_name"],
            "contact_kana": cleaned["contact_kana"],
            "email": cleaned["email"],
            "phone": cleaned["phone"],
            "school_name": cleaned["school_name"] if school else "",
            "children_grades": [] if school else self.children_grades(),
            "pupils": cleaned["pupils"] if school else 0,
            "adults": cleaned["adults"],
            "message": cleaned["message"],
        }
        return data
