"""Forms of the supporters' dashboard. Owner, provider and status never come from a form (the services set them)."""

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.translation import gettext_lazy as _

from portal.choices import Audience, SupportOffer
from portal.widgets import FastSelect
from programmes.models import FactoryTour
from supporters.dashboard_services import PRIVATE_FIELDS, PUBLIC_FIELDS, Answer
from supporters.models import SupporterCompany

MONTH_CHOICES = list(MONTHS.items())
WEEKDAY_CHOICES = list(WEEKDAYS.items())  # 0 = Monday, as FactoryTour.weekdays
YES_NO_UNKNOWN = [("", _("Not stated")), ("true", _("Yes")), ("false", _("No"))]


class ProfileForm(forms.ModelForm):
    """The company's public text (reviewed when the company is approved) and its private contact person."""

    offers = forms.MultipleChoiceField(
        label=_("What the company offers"),
        choices=SupportOffer.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = SupporterCompany
        fields = [*PUBLIC_FIELDS, *PRIVATE_FIELDS]
        widgets = {"pr_message": forms.Textarea(attrs={"rows": 4})}

    public_fields = PUBLIC_FIELDS
    private_fields = PRIVATE_FIELDS

    def __init__(self, *args, instance: SupporterCompany, **kwargs):
        # the form shows what is waiting for review, when something is
        initial = {**dict(instance.pending_changes), **kwargs.pop("initial", {})}
        super().__init__(*args, instance=instance, initial=initial, **kwargs)

    def _post_clean(self):
        """Validation of the whole company (duplicates included) is the service's, on the right copy."""

    def public(self):
        return [self[name] for name in PUBLIC_FIELDS]

    def private(self):
        return [self[name] for name in PRIVATE_FIELDS]


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Your colleague's e-mail address"),
        help_text=_("We send your colleague a link to choose a password."),
        max_length=150,
    )


class InviteAcceptForm(SetPasswordForm):
    """Choose a password (Django's SetPasswordForm with the project's password rules)."""


class WithdrawForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, our company leaves the supporters' club"),
        help_text=_("Your public profile and your tours are taken off the portal."),
    )


class NullBooleanChoiceField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            choices=YES_NO_UNKNOWN,
            coerce=lambda value: {"true": True, "false": False}.get(value),
            empty_value=None,
            required=False,
            **kwargs,
        )

    def prepare_value(self, value):
        if value in ("true", "false"):
            return value
        return {True: "true", False: "false"}.get(value, "")


class TourForm(forms.ModelForm):
    """A company's factory tour: its public facts only (provider, status, supporter and dates are set by
    supporters.dashboard_services.save_tour)."""

    audiences = forms.MultipleChoiceField(
        label=_("Audiences"), choices=Audience.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    months = forms.TypedMultipleChoiceField(
        label=_("Months accepted"),
        choices=MONTH_CHOICES,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None ticked means all year round."),
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Weekdays accepted"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None ticked means any day."),
    )
    reservation_required = NullBooleanChoiceField(label=_("Reservation required"))
    bus_parking = NullBooleanChoiceField(label=_("Parking for buses"))
    wheelchair_access = NullBooleanChoiceField(label=_("Wheelchair access"))

    class Meta:
        model = FactoryTour
        fields = [
            "name",
            "name_kana",
            "company_name",
            "municipality",
            "postcode",
            "address",
            "industry",
            "audiences",
            "description",
            "duration_minutes",
            "group_min",
            "group_max",
            "months",
            "weekdays",
            "lead_time_days",
            "reservation_required",
            "bus_parking",
            "wheelchair_access",
            "winter_note",
            "fee_kind",
            "fee_amount",
            "fee_note",
            "phone",
            "website",
        ]
        widgets = {"municipality": FastSelect, "description": forms.Textarea(attrs={"rows": 5})}

    #: fields shown as groups of checkboxes (a fieldset with a legend)
    multiple = ("audiences", "months", "weekdays")


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(label=_("Your answer"), choices=Answer.CHOICES, widget=forms.RadioSelect)
    message = forms.CharField(
        label=_("Message to the school"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=2000,
        help_text=_("The school sees this message. To propose dates, write them here."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("answer") == Answer.PROPOSE and not cleaned.get("message", "").strip():
            self.add_error("message", _("Write the dates you propose."))
        return cleaned


class YearForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, required=False)
