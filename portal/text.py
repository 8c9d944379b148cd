"""Text folding for Japanese search, identical in Python and in PostgreSQL.

``fold`` applies NFKC (full-width digits and letters, half-width katakana → their standard forms),
turns katakana into hiragana and lower-cases, so that 溶接, ヨウセツ, ようせつ and ﾖｳｾﾂ meet. ``Fold`` is the
same transformation as an immutable SQL expression, usable in a GeneratedField and its trigram index.
"""

import unicodedata

from django.db.models import Func, TextField, Value
from django.db.models.functions import Lower

# ァ..ヶ (U+30A1..U+30F6) map one to one onto ぁ..ゖ (U+3041..U+3096).
KATAKANA = "".join(chr(code) for code in range(0x30A1, 0x30F7))
HIRAGANA = "".join(chr(code - 0x60) for code in range(0x30A1, 0x30F7))
_KANA_TABLE = str.maketrans(KATAKANA, HIRAGANA)


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").translate(_KANA_TABLE).lower()


def search_terms(query: str, *, limit: int = 8) -> list[str]:
    """The folded, space-separated terms of a query (every term must match), at most ``limit``."""
    return [term for term in fold(query).split() if term][:limit]


class NormalizeNFKC(Func):
    template = "normalize(%(expressions)s, NFKC)"
    output_field = TextField()


class Fold(Func):
    """SQL twin of :func:`fold`: lower(translate(normalize(x, NFKC), katakana, hiragana))."""

    output_field = TextField()

    def __init__(self, expression, **extra):
        super().__init__(expression, **extra)

    def resolve_expression(self, *args, **kwargs):
        inner = Func(
            NormalizeNFKC(self.source_expressions[0]),
            Value(KATAKANA),
            Value(HIRAGANA),
            function="translate",
            output_field=TextField(),
        )
        return Lower(inner).resolve_expression(*args, **kwargs)
