"""Every public form: refused without its CSRF token (403), and the 11th rapid POST from one address gets the
polite 429 page (django-ratelimit, counted per client address in the shared PostgreSQL cache)."""

import pytest
from django.test import Client
from django.utils import translation

from tests.portal.test_booking_views import registration, session, tour  # noqa: F401 (fixtures)
from tests.portal.test_surveys import end, event, invitation, invite_past_session  # noqa: F401 (fixtures)
from tests.seminars.test_lectures import LectureOfferFactory

pytestmark = pytest.mark.django_db

FORMS = [
    "supporters:join",
    "supporters:resend",
    "supporters:login",
    "supporters:password-reset",
    "supporters:advisor-join",
    "supporters:advisor-request",
    "tour-request",
    "session-signup",
    "registration-cancel",
    "lecture-request",
    "survey",
]


@pytest.fixture
def form_paths(tour, session, registration, invitation):  # noqa: F811
    offer = LectureOfferFactory()
    from django.urls import reverse

    with translation.override("en"):
        paths = {
            "supporters:join": reverse("supporters:join"),
            "supporters:resend": reverse("supporters:join-resend"),
            "supporters:login": reverse("supporters:login"),
            "supporters:password-reset": reverse("supporters:password-reset"),
            "supporters:advisor-join": reverse("supporters:advisor-join"),
            "supporters:advisor-request": reverse("supporters:advisor-request"),
            "tour-request": reverse("programmes:tour-request", args=[tour.pk]),
            "session-signup": reverse("session-signup", args=[session.pk]),
            "registration-cancel": reverse("registration-cancel", args=[registration.access_token]),
            "lecture-request": reverse("seminars:lecture-request", args=[offer.pk]),
            "survey": reverse("survey", args=[invitation.access_token]),
        }
    assert set(paths) == set(FORMS)
    return paths


@pytest.mark.parametrize("form", FORMS)
def test_a_public_form_refuses_a_post_without_its_csrf_token(form, form_paths):
    path = form_paths[form]
    client = Client(enforce_csrf_checks=True)
    assert client.get(path).status_code == 200
    response = client.post(path, {"email": "someone@example.jp"})
    assert response.status_code == 403
    assert "The form could not be sent" in response.content.decode()


@pytest.mark.parametrize("form", FORMS)
def test_the_eleventh_rapid_post_from_one_address_is_throttled(form, form_paths):
    path = form_paths[form]
    client = Client()
    statuses = [client.post(path, {}, REMOTE_ADDR="203.0.113.5").status_code for _ in range(11)]
    assert statuses[0] != 429
    assert statuses[-1] == 429
    response = client.post(path, {}, REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "What you just sent was not saved" in response.content.decode()
    # another address is not affected
    assert Client().post(path, {}, REMOTE_ADDR="198.51.100.9").status_code != 429


@pytest.mark.parametrize("form", ["tour-request", "session-signup", "lecture-request"])
def test_a_bot_that_fills_the_honeypot_gets_the_received_page_and_nothing_is_saved(form, form_paths, mailoutbox):
    from portal.booking.models import Registration
    from portal.enquiries.models import Enquiry

    path = form_paths[form]
    page = Client().get(path).content.decode()
    assert 'name="homepage"' in page and "hidden" in page
    before = (Enquiry.objects.count(), Registration.objects.count())
    mailoutbox.clear()
    response = Client().post(path, {"homepage": "https://spam.example", "email": "bot@example.jp"})
    assert response.status_code == 200
    assert response.templates[0].name == "portal/received.html"
    assert (Enquiry.objects.count(), Registration.objects.count()) == before
    assert mailoutbox == []
