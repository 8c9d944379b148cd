"""Senior advisors' public forms and their writes: an advisor applies (/advisors/join/), a school or company
asks for one (/advisors/request/). A request is an Enquiry of kind advisor of the one enquiry workflow; what
the Enquiry has no field for (purpose, trade, place, months, weekdays) travels in a labelled block at the top
of its message, read back by ``advisor_request_details``.

(``apply_as_advisor`` and ``request_advisor`` are services; they live here, next to the forms they serve,
until supporters/services.py takes them.)
"""

import datetime as dt
import logging
import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal import honeypot, mail
from portal.choices import Audience, EnquiryKind, Industry
from portal.enquiries import services as enquiry_services
from portal.enquiries.forms import DATE_FIELDS, NUMBER_WIDGET, EnquiryRequestForm, NormalisedEmailField, PhoneField
from portal.enquiries.models import Enquiry
from portal.filtering import MunicipalityChoiceField
from portal.models import Municipality, Subprefecture, WorkingGroup
from portal.widgets import FastSelect
from supporters.forms import KatakanaField, OfferCheckboxes
from supporters.models import AdvisorActivity, AdvisorStatus, SeniorAdvisor

logger = logging.getLogger(__name__)

MONTH_CHOICES = [(number, MONTHS[number]) for number in range(1, 13)]
WEEKDAY_CHOICES = [(number, WEEKDAYS[number]) for number in range(7)]
_LIST_SEPARATORS = re.compile(r"[,、，;；/／・\n]+")


class ListField(forms.CharField):
    """Entries separated by commas, 、 or ・ (or one per line) → a list: NFKC, stripped, duplicates dropped."""

    def __init__(self, *, max_items: int = 20, item_max_length: int = 60, **kwargs):
        self.max_items = max_items
        self.item_max_length = item_max_length
        super().__init__(**kwargs)

    def to_python(self, value):
        text = unicodedata.normalize("NFKC", super().to_python(value) or "")
        items: list[str] = []
        for item in _LIST_SEPARATORS.split(text):
            item = " ".join(item.split())
            if item and item not in items:
                items.append(item)
        return items

    def validate(self, value):
        if not value and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(value) > self.max_items:
            raise ValidationError(
                _("Please list at most %(count)d entries."), code="too_many", params={"count": self.max_items}
            )
        for item in value:
            if len(item) > self.item_max_length:
                raise ValidationError(
                    _("「%(item)s」 is too long: please keep each entry to %(max)d characters."),
                    code="item_too_long",
                    params={"item": item[:20] + "…", "max": self.item_max_length},
                )

    def prepare_value(self, value):
        return "、".join(value) if isinstance(value, list) else value


_NAME_KANA = re.compile(r"[\u30a0-\u30ff ]+")  # katakana, ー, ・ and spaces (KatakanaField folds the rest)


def validate_name_kana(value: str) -> None:
    if value and not _NAME_KANA.fullmatch(value):
        raise ValidationError(_("Please write your name in katakana, such as ヤマダ タロウ."), code="kana")


def _checkboxes(choices, **kwargs):
    return forms.TypedMultipleChoiceField(coerce=int, choices=choices, widget=OfferCheckboxes, **kwargs)


class FieldsetsMixin:
    fieldset_layout: tuple = ()

    @property
    def fieldsets(self):
        """[(legend, [bound fields])] for the template."""
        return [(legend, [self[name] for name in names]) for legend, names in self.fieldset_layout]

    @property
    def is_spam(self) -> bool:
        return honeypot.filled(self.data)


# --- an advisor applies ------------------------------------------------------------------------------


class AdvisorApplicationForm(FieldsetsMixin, forms.Form):
    """A retired engineer or skilled worker applies; the secretariat reviews and writes the public summary.
    ``homepage`` is a honeypot, hidden from people and assistive technology."""

    name = forms.CharField(
        label=_("Name"),
        max_length=60,
        error_messages={"required": _("Please enter your name.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    name_kana = KatakanaField(
        label=_("Name in katakana (フリガナ)"),
        max_length=60,
        validators=[validate_name_kana],
        error_messages={"required": _("Please enter your name in katakana, such as ヤマダ タロウ.")},
    )
    email = NormalisedEmailField(
        label=_("E-mail address"),
        max_length=254,
        error_messages={
            "required": _("Please enter an e-mail address we can reply to."),
            "invalid": _("Please enter the e-mail address in the form name@example.jp."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = PhoneField(label=_("Phone number (optional)"), required=False, help_text=_("e.g. 0157-23-4567"))
    home_municipality = MunicipalityChoiceField(
        label=_("Municipality you live in"),
        queryset=Municipality.objects.all(),
        to_field_name="code",
        widget=FastSelect,
        empty_label=_("Choose…"),
        error_messages={
            "required": _("Please choose the municipality you live in."),
            "invalid_choice": _("Please choose a municipality from the list."),
        },
    )
    areas = forms.ModelMultipleChoiceField(
        label=_("Areas you can serve"),
        queryset=Subprefecture.objects.all(),
        to_field_name="slug",
        widget=OfferCheckboxes,
        error_messages={
            "required": _("Please choose at least one area you can serve."),
            "invalid_choice": _("Please choose areas from the list."),
        },
    )
    travel_radius_km = forms.IntegerField(
        label=_("How far you can travel (km)"),
        widget=NUMBER_WIDGET,
        min_value=0,
        max_value=1000,
        initial=50,
        error_messages={
            "required": _("Please enter how far you can travel, in km."),
            "invalid": _("Please enter a distance from 0 to 1,000 km."),
            "min_value": _("Please enter a distance from 0 to 1,000 km."),
            "max_value": _("Please enter a distance from 0 to 1,000 km."),
        },
    )
    trades = ListField(
        label=_("Trades and skills"),
        help_text=_("Separate them with 、 or commas, e.g. 旋盤、NC加工、設備保全"),
        error_messages={"required": _("Please enter at least one trade or skill.")},
    )
    qualifications = ListField(
        label=_("Qualifications (optional)"),
        required=False,
        help_text=_("e.g. 技能検定1級、ものづくりマイスター、技術士"),
    )
    former_industry = forms.ChoiceField(
        label=_("Former industry (optional)"), choices=[("", _("Choose…")), *Industry.choices], required=False
    )
    former_employer = forms.CharField(
        label=_("Former employer (optional)"),
        max_length=120,
        required=False,
        help_text=_("Only the secretariat sees it; it is never shown in public."),
    )
    years_of_experience = forms.IntegerField(
        label=_("Years of experience (optional)"),
        widget=NUMBER_WIDGET,
        required=False,
        min_value=0,
        max_value=80,
        error_messages={
            "invalid": _("Please enter a number of years from 0 to 80."),
            "min_value": _("Please enter a number of years from 0 to 80."),
            "max_value": _("Please enter a number of years from 0 to 80."),
        },
    )
    activities = forms.MultipleChoiceField(
        label=_("What you would like to do"),
        choices=AdvisorActivity.choices,
        widget=OfferCheckboxes,
        error_messages={"required": _("Please choose at least one thing you would like to do.")},
    )
    available_weekdays = _checkboxes(
        WEEKDAY_CHOICES, label=_("Days you are available"), required=False, help_text=_("None chosen: any day.")
    )
    available_months = _checkboxes(
        MONTH_CHOICES, label=_("Months you are available"), required=False, help_text=_("None chosen: all year.")
    )
    availability_note = forms.CharField(
        label=_("About your availability (optional)"),
        max_length=200,
        required=False,
        help_text=_("e.g. mornings only; not in the snow season"),
    )
    consent_to_contact = forms.BooleanField(
        label=_("I agree that the secretariat contacts me with requests that fit me."),
        error_messages={"required": _("Please agree to be contacted, so that we can pass requests on to you.")},
    )
    consent = forms.BooleanField(
        label=_("I have read the privacy notice and agree to it."),
        help_text=_(
            "Your name and contact details are seen only by the secretariat. The public sees an anonymised "
            "summary written with you, such as 元 製紙メーカー 設備保全 40年・技能検定1級."
        ),
        error_messages={"required": _("Please agree to the privacy notice so that we can register you.")},
    )
    homepage = forms.CharField(label=_("Leave this empty"), required=False)  # the honeypot

    fieldset_layout = (
        (_("About you"), ("name", "name_kana", "email", "phone", "home_municipality")),
        (_("Where you can go"), ("areas", "travel_radius_km")),
        (
            _("Your experience"),
            ("trades", "qualifications", "former_industry", "former_employer", "years_of_experience"),
        ),
        (_("What you would like to do"), ("activities",)),
        (_("When you are available"), ("available_weekdays", "available_months", "availability_note")),
    )

    def advisor_data(self) -> dict:
        """The cleaned fields of a SeniorAdvisor (without the areas, a many-to-many)."""
        data = {
            name: value for name, value in self.cleaned_data.items() if name not in ("areas", "consent", "homepage")
        }
        data["available_weekdays"] = sorted(data["available_weekdays"])
        data["available_months"] = sorted(data["available_months"])
        return data


def _admin_url(base_url: str, advisor: SeniorAdvisor) -> str:
    try:
        return base_url.rstrip("/") + reverse("admin:supporters_senioradvisor_change", args=[advisor.pk])
    except NoReverseMatch:
        return ""


def send_application_mails(*, advisor: SeniorAdvisor, base_url: str, language: str) -> None:
    """The receipt to the applicant (in their language) and the notice to the secretariat (in Japanese)."""
    with translation.override(language):
        subject = gettext("We have received your application as a senior advisor")
    mail.send_templated(
        template="supporters/advisors/email/application_receipt",
        context={"advisor": advisor},
        to=[advisor.email],
        subject=subject,
        language=language,
    )
    with translation.override(enquiry_services.STAFF_LANGUAGE):
        subject = gettext("New senior advisor application: %(municipality)s") % {
            "municipality": advisor.home_municipality.name
        }
    mail.send_templated(
        template="supporters/advisors/email/application_notification",
        context={"advisor": advisor, "admin_url": _admin_url(base_url, advisor)},
        to=mail.secretariat_recipients(),
        subject=subject,
        language=enquiry_services.STAFF_LANGUAGE,
    )


def apply_as_advisor(*, data: dict, areas, base_url: str, language: str) -> SeniorAdvisor:
    """Record an application (status applied, not public: no summary yet) and, once committed, mail the
    receipt and notify the secretariat."""
    with transaction.atomic():
        advisor = SeniorAdvisor(**data, status=AdvisorStatus.APPLIED, public_summary="", summary_approved=False)
        advisor.full_clean()
        advisor.save()
        advisor.areas.set(areas)
        transaction.on_commit(
            lambda: send_application_mails(advisor=advisor, base_url=base_url, language=language), robust=True
        )
    return advisor


# --- a school or company asks for an advisor ---------------------------------------------------------

#: The labelled block at the top of an advisor request's message (see advisor_request_details).
DETAILS_START = "[advisor request]"
DETAILS_END = "[/advisor request]"
DETAILS_KEYS = ("purpose", "trade", "municipality", "months", "weekdays", "group size", "audience")


def _label_of(choices, value) -> str:
    return str(dict(choices).get(value, ""))


def format_request_details(details: dict) -> str:
    """The block ``advisor_request_details`` reads back; the words in brackets are for people only."""
    municipality = Municipality.objects.filter(code=details.get("municipality", "")).first()
    months = details.get("months") or []
    weekdays = details.get("weekdays") or []
    lines = [
        DETAILS_START,
        f"purpose: {details.get('purpose', '')} ({_label_of(AdvisorActivity.choices, details.get('purpose'))})",
        f"trade: {' '.join(str(details.get('trade', '')).split())}",
        f"municipality: {details.get('municipality', '')} ({municipality.name if municipality else ''})",
        f"months: {', '.join(str(m) for m in months)} ({'、'.join(str(MONTHS[m]) for m in months)})",
        f"weekdays: {', '.join(str(d) for d in weekdays)} ({'、'.join(str(WEEKDAYS[d]) for d in weekdays)})",
        f"group size: {details.get('group_size') or ''}",
        f"audience: {details.get('audience', '')} ({_label_of(Audience.choices, details.get('audience'))})",
        DETAILS_END,
    ]
    return "\n".join(lines)


def _integers(text: str) -> list[int]:
    return [int(part) for part in re.findall(r"\d+", text)]


def advisor_request_details(enquiry) -> dict:
    """What an advisor request asks for, read back from its message (an Enquiry, or the message itself):

        {"purpose": "career_talk", "trade": "旋盤", "municipality": "012084", "months": [10, 11],
         "weekdays": [1, 3], "group_size": 38, "audience": "junior_high"}

    JSON-able; a missing or malformed value gives "", [] or None. The message starts with this block (one
    ``key: value`` per line, keys in English and fixed; after the value, words in brackets for people):

        [advisor request]
        purpose: career_talk (職業講話)         <- an AdvisorActivity value
        trade: 旋盤                             <- free text as typed, on one line (may be empty)
        municipality: 012084 (北見市)            <- the 6-digit code of the place
        months: 10, 11 (10月、11月)              <- 1-12, comma-separated (may be empty)
        weekdays: 1, 3 (火曜日、木曜日)           <- 0 = Monday … 6 = Sunday (may be empty)
        group size: 38                          <- number of people (also the Enquiry's ``pupils``)
        audience: junior_high (中学生)           <- an Audience value (its label is also the Enquiry's ``grade``)
        [/advisor request]

    followed by a blank line and the requester's own notes. Only the first block counts (the notes, typed by
    the requester, come after it). The preferred dates are the Enquiry's own fields.
    """
    message = enquiry if isinstance(enquiry, str) else (getattr(enquiry, "message", "") or "")
    details: dict = {
        "purpose": "",
        "trade": "",
        "municipality": "",
        "months": [],
        "weekdays": [],
        "group_size": getattr(enquiry, "pupils", None),
        "audience": "",
    }
    start = message.find(DETAILS_START)
    end = message.find(DETAILS_END, start + 1)
    if start < 0 or end < 0:
        return details
    for line in message[start + len(DETAILS_START) : end].splitlines():
        key, separator, value = line.partition(":")
        key, value = key.strip(), value.strip()
        if not separator or key not in DETAILS_KEYS:
            continue
        plain = value.split(" (", 1)[0].strip()  # without the words in brackets
        if key == "trade":
            details["trade"] = value
        elif key in ("purpose", "audience"):
            choices = AdvisorActivity.values if key == "purpose" else Audience.values
            details[key] = plain if plain in choices else ""
        elif key == "municipality":
            details["municipality"] = plain if re.fullmatch(r"\d{6}", plain) else ""
        elif key == "months":
            details["months"] = [m for m in _integers(plain) if 1 <= m <= 12]
        elif key == "weekdays":
            details["weekdays"] = [d for d in _integers(plain) if 0 <= d <= 6]
        elif key == "group size":
            numbers = _integers(plain)
            details["group_size"] = numbers[0] if numbers else details["group_size"]
    return details


def first_day_of_months(months: list[int], today: dt.date) -> dt.date:
    """The earliest day from today that falls in one of ``months``: today in the current month, else the 1st."""
    candidates = []
    for month in months:
        if month == today.month:
            candidates.append(today)
        elif month > today.month:
            candidates.append(dt.date(today.year, month, 1))
        else:
            candidates.append(dt.date(today.year + 1, month, 1))
    return min(candidates)


class AdvisorRequestForm(FieldsetsMixin, EnquiryRequestForm):
    """A school or company asks for an advisor: the shared request form (its ``pupils`` is the group size,
    its ``grade`` the audience in words), plus purpose, trade, place, months and weekdays.

    Preferred dates are optional when months are chosen; without any date, the Enquiry's first preferred date
    is the earliest day in the chosen months (its required field), and the months line says what was meant.
    """

    purpose = forms.ChoiceField(
        label=_("What for"),
        choices=[("", _("Choose…")), *AdvisorActivity.choices],
        error_messages={
            "required": _("Please choose what you would like an advisor for."),
            "invalid_choice": _("Please choose what you would like an advisor for from the list."),
        },
    )
    trade = forms.CharField(
        label=_("Trade or skill wanted (optional)"),
        max_length=60,
        required=False,
        help_text=_("e.g. 旋盤, 溶接, 電気工事"),
    )
    audience = forms.ChoiceField(
        label=_("Audience"),
        choices=[("", _("Choose…")), *Audience.choices],
        error_messages={
            "required": _("Please choose who the advisor will talk to."),
            "invalid_choice": _("Please choose the audience from the list."),
        },
    )
    municipality = MunicipalityChoiceField(
        label=_("Place (municipality)"),
        queryset=Municipality.objects.all(),
        to_field_name="code",
        widget=FastSelect,
        empty_label=_("Choose…"),
        error_messages={
            "required": _("Please choose the municipality where the advisor should come."),
            "invalid_choice": _("Please choose a municipality from the list."),
        },
    )
    months = _checkboxes(MONTH_CHOICES, label=_("Preferred months"), required=False)
    weekdays = _checkboxes(WEEKDAY_CHOICES, label=_("Preferred days of the week (optional)"), required=False)

    fieldset_layout = (
        (_("Your organisation"), ("school_name", "teacher_name", "email", "phone")),
        (_("What you need"), ("purpose", "trade", "audience", "pupils", "municipality")),
        (_("When"), ("preferred_date_1", "preferred_date_2", "preferred_date_3", "months", "weekdays")),
        (_("Notes"), ("message",)),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, lead_time_days=0, **kwargs)
        for name in ("grade", "adults", "coming_by_bus"):
            del self.fields[name]
        fields = self.fields
        fields["school_name"].label = _("Organisation or school")
        fields["school_name"].error_messages["required"] = _("Please enter the name of your organisation or school.")
        fields["teacher_name"].label = _("Contact person")
        fields["teacher_name"].error_messages["required"] = _("Please enter the name of the contact person.")
        fields["email"].help_text = _("We send the confirmation and our answer to this address.")
        fields["phone"].error_messages["required"] = _("Please enter a phone number we can call.")
        people = _("Please enter a number of people from 1 to 999.")
        fields["pupils"].label = _("Number of people")
        fields["pupils"].help_text = _("How many will listen or take part.")
        fields["pupils"].error_messages.update(
            {"required": _("Please enter the number of people."), "invalid": people, "min_value": people}
        )
        fields["pupils"].error_messages["max_value"] = people
        fields["preferred_date_1"].required = False
        fields["preferred_date_1"].label = _("Preferred date 1 (optional)")
        fields["months"].help_text = _("Choose months, dates, or both.")
        fields["message"].label = _("Notes (optional)")
        fields["message"].help_text = _(
            "Anything we should know: the theme, the equipment, the time. Please do not write pupils' names."
        )
        self.order_fields([name for _legend, names in self.fieldset_layout for name in names] + ["consent"])

    def clean(self):
        cleaned = super().clean()
        has_date = any(cleaned.get(name) for name in DATE_FIELDS)
        if not has_date and not cleaned.get("months") and "preferred_date_1" not in self.errors:
            self.add_error(
                "preferred_date_1",
                ValidationError(_("Please enter a preferred date or choose the months that suit you."), code="no_date"),
            )
        return cleaned

    def details(self) -> dict:
        cleaned = self.cleaned_data
        return {
            "purpose": cleaned["purpose"],
            "trade": " ".join(unicodedata.normalize("NFKC", cleaned.get("trade", "")).split()),
            "municipality": cleaned["municipality"].code,
            "months": sorted(cleaned.get("months") or []),
            "weekdays": sorted(cleaned.get("weekdays") or []),
            "group_size": cleaned["pupils"],
            "audience": cleaned["audience"],
        }

    def enquiry_data(self) -> dict:
        """The requester fields of the Enquiry: the details block first in the message, then the notes."""
        cleaned = self.cleaned_data
        details = self.details()
        days = [cleaned[name] for name in DATE_FIELDS if cleaned.get(name)]
        if not days:
            days = [first_day_of_months(details["months"], self.today)]
        notes = cleaned.get("message", "").strip()
        message = format_request_details(details) + (f"\n\n{notes}" if notes else "")
        return {
            "school_name": cleaned["school_name"],
            "teacher_name": cleaned["teacher_name"],
            "email": cleaned["email"],
            "phone": cleaned["phone"],
            "grade": _label_of(Audience.choices, cleaned["audience"])[:40],
            "pupils": cleaned["pupils"],
            "adults": 0,
            **{name: days[index] if index < len(days) else None for index, name in enumerate(DATE_FIELDS)},
            "coming_by_bus": False,
            "message": message,
        }


class AdvisorRequestsUnavailable(Exception):
    """The working group has no secretariat organisation to route advisor requests to."""


def request_advisor(
    *, data: dict, trade: str = "", municipality=None, base_url: str, language: str | None = None
) -> Enquiry:
    """Record a request for an advisor: an Enquiry of kind advisor whose subject is the working group and whose
    provider is its secretariat (advisors belong to no member organisation), at ``municipality`` (the place the
    advisor should come to). The mails go out after the commit (portal.enquiries.services.submit_enquiry)."""
    group = WorkingGroup.load()
    if group is None or group.secretariat is None:
        logger.error("An advisor request could not be recorded: the working group has no secretariat.")
        raise AdvisorRequestsUnavailable
    with transaction.atomic():
        enquiry = enquiry_services.submit_enquiry(
            kind=EnquiryKind.ADVISOR,
            subject=group,
            provider=group.secretariat,
            municipality=municipality,
            data=data,
            base_url=base_url,
            language=language,
        )
        # what was asked for, in the lists and the mails (the mails are sent after the commit)
        with translation.override(enquiry.language):
            name = gettext("Senior advisor") + (f"（{trade}）" if trade else "")
        enquiry.subject_name = name[:200]
        Enquiry.objects.filter(pk=enquiry.pk).update(subject_name=enquiry.subject_name)
    return enquiry


__all__ = [
    "AdvisorApplicationForm",
    "AdvisorRequestForm",
    "AdvisorRequestsUnavailable",
    "advisor_request_details",
    "apply_as_advisor",
    "format_request_details",
    "request_advisor",
]
