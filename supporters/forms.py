"""Forms of the supporters app: joining (one short page), a new verification link, the review note."""

import unicodedata

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, UsernameField
from django.utils.translation import gettext_lazy as _

from portal import honeypot
from portal.choices import Industry, SupportOffer
from portal.enquiries.forms import NormalisedEmailField, PhoneField
from portal.models import Municipality
from supporters import services
from supporters.validators import (
    LOGO_FORMATS,
    LOGO_MAX_BYTES,
    normalise_digits,
    normalise_postcode,
    to_katakana,
    validate_corporate_number,
    validate_katakana,
    validate_logo,
)

DUPLICATE_CORPORATE_NUMBER = _(
    "A company with this corporate number (法人番号) is already registered. If it is yours, please sign in, "
    "or ask a colleague who manages your company's page to invite you."
)
DUPLICATE_NAME = _(
    "A company with this name is already registered in this municipality. If it is yours, please sign in, "
    "or ask a colleague who manages your company's page to invite you."
)


class CorporateNumberField(forms.CharField):
    def to_python(self, value):
        return normalise_digits(super().to_python(value))


class KatakanaField(forms.CharField):
    def to_python(self, value):
        return to_katakana(super().to_python(value))


class PostcodeField(forms.CharField):
    def to_python(self, value):
        return normalise_postcode(super().to_python(value))

    def validate(self, value):
        super().validate(value)
        if value and not (len(value) == 8 and value[3] == "-" and value.replace("-", "").isdigit()):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class OfferCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes whose label target (and the error summary's link) is the first box."""

    def id_for_label(self, id_, index="0"):
        return f"{id_}_{index}" if id_ else ""


class LogoField(forms.ImageField):
    """The size is checked before Pillow reads the file, so a huge upload is refused cheaply."""

    def to_python(self, data):
        if data not in self.empty_values and getattr(data, "size", 0) > LOGO_MAX_BYTES:
            validate_logo(data)  # raises the "too large" message
        return super().to_python(data)


class MunicipalityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class JoinForm(forms.Form):
    """A company joins the supporters' club. At most 11 things to fill in; the address and the municipality
    come from the postcode. ``homepage`` is a honeypot: hidden from people and assistive technology."""

    name = forms.CharField(
        label=_("Company name"),
        max_length=120,
        help_text=_("As you want it shown in the directory, e.g. 株式会社北海道精機"),
        error_messages={"required": _("Please enter the name of your company.")},
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    name_kana = KatakanaField(
        label=_("Company name in katakana (フリガナ)"),
        max_length=120,
        help_text=_("Hiragana and half-width kana are fine too."),
        validators=[validate_katakana],
        error_messages={"required": _("Please enter the reading of your company's name.")},
    )
    corporate_number = CorporateNumberField(
        label=_("Corporate number (法人番号, optional)"),
        required=False,
        max_length=40,
        help_text=_("13 digits, e.g. 7000012050002"),
        validators=[validate_corporate_number],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    postcode = PostcodeField(
        label=_("Postcode"),
        max_length=20,
        help_text=_("e.g. 060-0001. We fill in the address from it."),
        error_messages={
            "required": _("Please enter the postcode of your company, such as 060-0001."),
            "invalid": _("Please enter the postcode as 7 digits, such as 060-0001."),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    address = forms.CharField(
        label=_("Address"),
        max_length=200,
        required=False,
        help_text=_("Filled in from the postcode; add the block and building number."),
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),  # street-address is for a textarea
    )
    municipality = MunicipalityChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.order_by("code"),
        required=False,
        empty_label=_("(from the postcode)"),
        help_text=_("Chosen from the address; change it if it is wrong."),
        error_messages={"invalid_choice": _("Please choose a municipality from the list.")},
    )
    industry = forms.ChoiceField(
        label=_("Industry"),
        choices=[("", _("Choose…")), *Industry.choices],
        error_messages={"required": _("Please choose your industry.")},
    )
    offers = forms.MultipleChoiceField(
        label=_("What your company can offer"),
        choices=SupportOffer.choices,
        widget=OfferCheckboxes,
        help_text=_("Choose at least one. You can change this later."),
        error_messages={"required": _("Please choose at least one thing your company can offer.")},
    )
    pr_message = forms.CharField(
        label=_("Message to young people (optional)"),
        required=False,
        max_length=400,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Up to 400 characters, shown in the directory."),
        error_messages={"max_length": _("Please keep the message to 400 characters.")},
    )
    logo = LogoField(
        label=_("Logo (optional)"),
        required=False,
        validators=[validate_logo],
        help_text=_("PNG, JPEG, GIF or WebP; at most 1 MB and 2000 pixels on each side."),
        error_messages={"invalid_image": _("The logo must be an image file (PNG, JPEG, GIF or WebP).")},
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}),
    )
    contact_name = forms.CharField(
        label=_("Contact person"),
        max_length=60,
        help_text=_("Not shown publicly."),
        error_messages={"required": _("Please enter the name of the contact person.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = NormalisedEmailField(
        label=_("E-mail address"),
        max_length=150,
        help_text=_("You sign in with it; we send a link to confirm it. Not shown publicly."),
        error_messages={
            "required": _("Please enter your e-mail address."),
            "invalid": _("Please enter the e-mail address in the form name@example.jp."),
            "max_length": _("Please use an e-mail address of at most 150 characters."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = PhoneField(label=_("Phone number (optional)"), required=False, help_text=_("Not shown publicly."))
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=_("At least 10 characters; not only digits, and not a common password."),
        error_messages={"required": _("Please choose a password.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        strip=False,
        error_messages={"required": _("Please enter the password again.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    consent = forms.BooleanField(
        label=_("I have read the privacy notice and agree to it."),
        help_text=_(
            "The contact person's details are used only by the secretariat to run the supporters' club "
            "and are never shown publicly."
        ),
        error_messages={"required": _("Please agree to the privacy notice so that we can register your company.")},
    )
    homepage = forms.CharField(label=_("Leave this empty"), required=False)  # the honeypot

    fieldset_layout = (
        (_("Your company"), ("name", "name_kana", "corporate_number")),
        (_("Address"), ("postcode", "address", "municipality")),
        (_("What you do"), ("industry", "offers", "pr_message", "logo")),
        (_("Contact person and sign-in"), ("contact_name", "email", "phone", "password", "password_again")),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.looked_up = None

    @property
    def fieldsets(self):
        return [(legend, [self[name] for name in names]) for legend, names in self.fieldset_layout]

    @property
    def is_spam(self) -> bool:
        return honeypot.filled(self.data)

    def clean(self):
        cleaned = super().clean()
        self._clean_address(cleaned)
        self._clean_duplicates(cleaned)
        self._clean_password(cleaned)
        return cleaned

    def _clean_address(self, cleaned) -> None:
        postcode = cleaned.get("postcode")
        if not postcode:
            return
        found = services.lookup_postcode(postcode)
        if found is None:
            self.add_error(
                "postcode",
                forms.ValidationError(
                    _("We could not find the postcode %(postcode)s. Please check it."),
                    code="unknown",
                    params={"postcode": postcode},
                ),
            )
            return
        if not cleaned.get("address"):
            cleaned["address"] = found.address
            self.looked_up = found
        if cleaned.get("municipality") is None:
            municipality = services.municipality_from_address(cleaned["address"]) or found.municipality
            if municipality is None:
                self.add_error(
                    "postcode",
                    forms.ValidationError(
                        _("This postcode is outside Hokkaido. The supporters' club is for companies in Hokkaido."),
                        code="outside",
                    ),
                )
                return
            cleaned["municipality"] = municipality

    def _clean_duplicates(self, cleaned) -> None:
        if "name" not in cleaned:
            return
        duplicates = services.duplicate_fields(
            name=cleaned["name"],
            municipality=cleaned.get("municipality"),
            corporate_number=cleaned.get("corporate_number", ""),
        )
        if "corporate_number" in duplicates:
            self.add_error("corporate_number", forms.ValidationError(DUPLICATE_CORPORATE_NUMBER, code="duplicate"))
        if "name" in duplicates:
            self.add_error("name", forms.ValidationError(DUPLICATE_NAME, code="duplicate"))

    def _clean_password(self, cleaned) -> None:
        password, again = cleaned.get("password"), cleaned.get("password_again")
        if not password:
            return
        if again and password != again:
            self.add_error(
                "password_again",
                forms.ValidationError(
                    _("The two passwords are not the same. Please type them again."), code="mismatch"
                ),
            )
            return
        user = get_user_model()(
            username=cleaned.get("email", ""),
            email=cleaned.get("email", ""),
            first_name=cleaned.get("contact_name", ""),
        )
        try:
            password_validation.validate_password(password, user)
        except forms.ValidationError as error:
            self.add_error("password", error)

    def company_data(self) -> dict:
        """The SupporterCompany fields, for services.register_supporter."""
        data = self.cleaned_data
        return {
            "name": data["name"].strip(),
            "name_kana": data["name_kana"],
            "corporate_number": data.get("corporate_number", ""),
            "postcode": data["postcode"],
            "address": data["address"].strip(),
            "municipality": data["municipality"],
            "industry": data["industry"],
            "offers": list(data["offers"]),
            "pr_message": data.get("pr_message", "").strip(),
            "contact_name": data["contact_name"].strip(),
            "contact_phone": data.get("phone", ""),
        }

    def logo_extension(self) -> str:
        logo = self.cleaned_data.get("logo")
        image = getattr(logo, "image", None)
        return LOGO_FORMATS.get(getattr(image, "format", ""), "png")


class SupporterAuthenticationForm(AuthenticationForm):
    """Sign-in with the e-mail address (the username of a company user), typed in any width or case."""

    username = UsernameField(
        label=_("E-mail address"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # UsernameField sets autocomplete="username", which HTML does not allow on an e-mail input
        self.fields["username"].widget.attrs["autocomplete"] = "email"

    def clean_username(self):
        return unicodedata.normalize("NFKC", self.cleaned_data.get("username") or "").strip().lower()


class ResendForm(forms.Form):
    email = NormalisedEmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("The address you gave when your company joined."),
        error_messages={
            "required": _("Please enter your e-mail address."),
            "invalid": _("Please enter the e-mail address in the form name@example.jp."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class ReviewNoteForm(forms.Form):
    """The note the secretariat sends with "ask for changes"."""

    note = forms.CharField(
        label=_("Note to the company"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 60}),
        help_text=_("What should the company change? This text is sent to the company by e-mail."),
        error_messages={"required": _("Please write what the company should change.")},
    )
