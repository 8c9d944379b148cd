"""Checks of what a company types or uploads when it joins: 法人番号, フリガナ, postcode, logo.

Every normaliser accepts what a Japanese keyboard produces (full-width digits and dashes, half-width
katakana, hiragana) and returns the one stored form; every validator says politely what to do.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

LOGO_MAX_BYTES = 1024 * 1024  # 1 MB
LOGO_MAX_PIXELS = 2000  # on the longer side
LOGO_FORMATS = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}

_DASHES = re.compile(r"[\s\-‐‑‒–—―−ー]+")
_KANA_ALLOWED = re.compile(r"[\u30a1-\u30faー・ 　A-Za-z0-9&'.,\-]+")


def normalise_digits(value: str) -> str:
    """Full-width digits and any dashes or spaces folded away: '７０００－０１２…' → '7000012…'."""
    text = unicodedata.normalize("NFKC", value or "").strip()
    return _DASHES.sub("", text)


def corporate_number_check_digit(base: str) -> int:
    """The check digit (the first digit) of a 法人番号 whose other 12 digits are ``base``.

    国税庁's rule: 9 − ((Σ digit × weight) mod 9), where the digits are counted from the right (1-based)
    and the weight is 1 at odd positions and 2 at even ones. 国税庁's own number 7000012050002 checks out.
    """
    total = sum(int(digit) * (1 if position % 2 else 2) for position, digit in enumerate(reversed(base), start=1))
    return 9 - total % 9


def validate_corporate_number(value: str) -> None:
    """``value`` is already normalised (normalise_digits)."""
    if not (value.isascii() and value.isdigit() and len(value) == 13):
        raise ValidationError(
            _("A corporate number (法人番号) has 13 digits, such as 7000012050002. Please check it."), code="format"
        )
    if corporate_number_check_digit(value[1:]) != int(value[0]):
        raise ValidationError(
            _(
                "This corporate number (法人番号) is not valid: its first digit (the check digit) does not match. "
                "Please copy it again from the National Tax Agency's site or your registration documents."
            ),
            code="check_digit",
        )


def to_katakana(value: str) -> str:
    """Any kana to full-width katakana: half-width ｶﾀｶﾅ and ひらがな alike (NFKC, then hiragana shifted)."""
    text = unicodedata.normalize("NFKC", value or "").strip()
    text = "".join(chr(ord(ch) + 0x60) if "\u3041" <= ch <= "\u3096" else ch for ch in text)
    return re.sub(r"\s+", " ", text)


def validate_katakana(value: str) -> None:
    if value and not _KANA_ALLOWED.fullmatch(value):
        raise ValidationError(
            _("Please write the reading of the company name in kana, such as ホッカイドウセイキ."), code="kana"
        )


def normalise_postcode(value: str) -> str:
    """'〒０６０－０００１', '0600001' → '060-0001'; anything else is returned as typed (NFKC) for the error."""
    text = unicodedata.normalize("NFKC", value or "").replace("〒", "").strip()
    digits = _DASHES.sub("", text)
    if digits.isascii() and digits.isdigit() and len(digits) == 7:
        return f"{digits[:3]}-{digits[3:]}"
    return text


def validate_logo(file) -> None:
    """An uploaded logo: a real PNG, JPEG, GIF or WebP image (forms.ImageField opened it with Pillow),
    at most 1 MB and 2000 pixels on each side."""
    if file.size > LOGO_MAX_BYTES:
        raise ValidationError(
            _("The logo file is too large (%(size)s KB). Please send an image of at most 1 MB."),
            code="file_size",
            params={"size": f"{file.size // 1024:,}"},
        )
    image = getattr(file, "image", None)
    if image is None:
        return
    if image.format not in LOGO_FORMATS:
        raise ValidationError(_("Please send the logo as a PNG, JPEG, GIF or WebP image."), code="format")
    width, height = image.size
    if width > LOGO_MAX_PIXELS or height > LOGO_MAX_PIXELS:
        raise ValidationError(
            _(
                "The logo is too large (%(width)d × %(height)d pixels). "
                "Please send an image of at most 2000 pixels on each side."
            ),
            code="dimensions",
            params={"width": width, "height": height},
        )
