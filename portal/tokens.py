"""Private-link tokens (DESIGN.md, data rules): random, at least 128 bits, compared in constant time.

A private link (an enquiry's status page, later a registration or a survey) carries a token made by
``secrets.token_urlsafe``. The database keeps only the token's SHA-256 digest, so a copy of the database
does not open anyone's page; the plain token exists only in the link sent by e-mail.

    token, digest = new_token()                     # store the digest, mail the token
    enquiry = get_by_token_or_404(Enquiry.objects, token)

A token that is malformed, unknown or a prefix of a real one gives the same ``Http404`` as any missing
page, so the answer tells nothing about which tokens exist.
"""

import base64
import hashlib
import hmac
import re
import secrets
from functools import wraps

from django.db import models
from django.http import Http404
from django.utils.crypto import salted_hmac
from django.views.decorators.cache import never_cache

TOKEN_BYTES = 32  # 256 bits: secrets.token_urlsafe(32) is 43 characters
MIN_TOKEN_BYTES = 16  # 128 bits, the floor in DESIGN.md
DIGEST_LENGTH = 64  # hex SHA-256
# token_urlsafe(16) is 22 characters; anything much longer than our longest token is junk.
_TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{22,128}")


def new_token(nbytes: int = TOKEN_BYTES) -> tuple[str, str]:
    """A fresh (token, digest) pair: mail the token, store the digest."""
    if nbytes < MIN_TOKEN_BYTES:
        raise ValueError(f"A private-link token needs at least {MIN_TOKEN_BYTES} random bytes.")
    token = secrets.token_urlsafe(nbytes)
    return token, token_digest(token)


def token_digest(token: str) -> str:
    """The hex SHA-256 digest under which a token is stored and looked up."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def is_well_formed(token: object) -> bool:
    return isinstance(token, str) and _TOKEN_PATTERN.fullmatch(token) is not None


def tokens_equal(a: str, b: str) -> bool:
    """Constant-time comparison, for tokens or digests kept in plain form."""
    return hmac.compare_digest(a.encode("ascii", "replace"), b.encode("ascii", "replace"))


def find_by_token(queryset: models.QuerySet, token: object, *, field: str = "token_digest"):
    """The object whose stored digest matches ``token``, or None.

    The database looks up the digest (an attacker controls the token, not its digest, so the index
    lookup's timing tells nothing useful); the match is then confirmed in constant time.
    """
    if not is_well_formed(token):
        return None
    digest = token_digest(token)
    try:
        obj = queryset.get(**{field: digest})
    except queryset.model.DoesNotExist:
        return None
    return obj if tokens_equal(getattr(obj, field), digest) else None


def get_by_token_or_404(queryset: models.QuerySet, token: object, *, field: str = "token_digest"):
    """Like ``get_object_or_404``; every failure is the same plain 404."""
    obj = find_by_token(queryset, token, field=field)
    if obj is None:
        raise Http404
    return obj


def derived_token(purpose: str, nonce: str) -> str:
    """A private-link token that the portal can write again into later e-mails (reminders, promotions).

    It is the HMAC (keyed with SECRET_KEY) of a random ``nonce`` kept beside the object: 256 bits that
    nobody can compute without the key, so a copy of the database still opens nobody's page. The database
    keeps the nonce and the token's digest (for the lookup), never the token.
    """
    mac = salted_hmac(f"portal.tokens.{purpose}", nonce, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode("ascii")


def new_nonce() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def private_page(view):
    """For the views of private links: the response is never cached and never indexed by search engines."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return never_cache(wrapper)
