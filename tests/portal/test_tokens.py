"""Private-link tokens: at least 128 random bits, only their digest stored, compared in constant time, and every
failure the same plain 404."""

import hmac

import pytest
from django.http import Http404

from portal import tokens
from portal.enquiries.models import Enquiry

pytestmark = pytest.mark.django_db


def test_new_tokens_have_at_least_128_bits_and_are_all_different():
    made = [tokens.new_token()[0] for _ in range(1000)]
    assert len(set(made)) == 1000
    for token in made:
        assert len(token) * 6 >= 128  # URL-safe base64: 6 bits a character
    assert len(made[0]) * 6 >= 256  # the default: 32 random bytes, 43 characters
    with pytest.raises(ValueError):
        tokens.new_token(15)


def test_derived_tokens_have_256_bits():
    token = tokens.derived_token("registration", "nonce-1")
    assert len(token) >= 43
    assert token != tokens.derived_token("registration", "nonce-2")
    assert token != tokens.derived_token("survey", "nonce-1")


def test_a_lookup_confirms_the_match_in_constant_time(monkeypatch, tour_enquiry):
    calls = []
    compare = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return compare(a, b)

    monkeypatch.setattr(tokens.hmac, "compare_digest", spy)
    enquiry, token = tour_enquiry
    assert tokens.get_by_token_or_404(Enquiry.objects, token) == enquiry
    assert calls, "the stored digest is compared with hmac.compare_digest"


@pytest.mark.parametrize("bad", ["", "short", "x" * 200, "../../etc/passwd", None, 42])
def test_malformed_unknown_or_prefix_tokens_are_the_same_404(bad, tour_enquiry):
    _enquiry, token = tour_enquiry
    for candidate in (bad, token[:-1], token + "A", tokens.new_token()[0]):
        with pytest.raises(Http404):
            tokens.get_by_token_or_404(Enquiry.objects, candidate)


@pytest.fixture
def tour_enquiry(db):
    import datetime as dt

    from portal.choices import EnquiryKind
    from portal.enquiries.services import submit_enquiry
    from tests.programmes.factories import FactoryTourFactory

    tour = FactoryTourFactory(status="published")
    data = {
        "school_name": "北見市立北中学校",
        "teacher_name": "北見 太郎",
        "email": "teacher@example.jp",
        "phone": "0157-00-0000",
        "grade": "中学2年",
        "pupils": 30,
        "preferred_date_1": dt.date(2030, 10, 1),
        "message": "",
    }
    enquiry = submit_enquiry(kind=EnquiryKind.TOUR, subject=tour, data=data, base_url="https://portal.example.jp")
    return enquiry, enquiry.access_token
