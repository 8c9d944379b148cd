"""The language of an API answer: English unless the client's Accept-Language prefers Japanese.

/api/ is one address for every language (it sits outside i18n_patterns), so the language comes from the
Accept-Language header alone: error messages and the documentation follow it; the data itself (names in
Japanese and English side by side, slugs, codes) does not depend on it.
"""

from django.utils import translation

DEFAULT_LANGUAGE = "en"


def accepted_languages(header: str) -> list[str]:
    """The language tags of an Accept-Language header, most preferred first; q=0 means "not this one"."""
    weighted = []
    for position, part in enumerate(header.split(",")):
        tag, _sep, params = part.strip().partition(";")
        tag = tag.strip().lower()
        if not tag:
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _eq, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            weighted.append((-quality, position, tag))
    return [tag for _quality, _position, tag in sorted(weighted)]


def api_language(request) -> str:
    """The first supported language the client accepts (``ja-JP`` counts as ``ja``), else English."""
    for tag in accepted_languages(request.META.get("HTTP_ACCEPT_LANGUAGE", "")):
        if tag == "*":
            break
        try:
            return translation.get_supported_language_variant(tag)
        except LookupError:
            continue
    return DEFAULT_LANGUAGE
