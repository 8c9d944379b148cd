"""Staff sign in with a password and an authenticator app's code (django-two-factor-auth); the admin and the staff
pages require both; repeated failures lock the sign-in (django-axes); staff passwords must be strong."""

import base64

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import confirmed_device

pytestmark = pytest.mark.django_db

PASSWORD = "monozukuri-secretariat-2026"


@pytest.fixture
def staff(secretariat_user):
    secretariat_user.set_password(PASSWORD)
    secretariat_user.save()
    return secretariat_user


def _sign_in_step(client, username, password, **extra):
    return client.post(
        "/en/account/login/",
        {"login_view-current_step": "auth", "auth-username": username, "auth-password": password},
        REMOTE_ADDR="192.0.2.10",
        **extra,
    )


def _code_step(client, code):
    return client.post(
        "/en/account/login/", {"login_view-current_step": "token", "token-otp_token": code}, REMOTE_ADDR="192.0.2.10"
    )


def test_the_admin_sends_anonymous_visitors_to_the_two_factor_sign_in():
    response = Client().get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/account/login/?next=")
    assert response.status_code == 200


def test_password_and_code_open_the_admin(staff):
    device = confirmed_device(staff)
    client = Client()
    response = _sign_in_step(client, staff.username, PASSWORD)
    assert response.status_code == 200
    assert "token-otp_token" in response.content.decode()  # asks for the code next
    assert client.get("/admin/").status_code == 302  # the password alone opens nothing

    response = _code_step(client, f"{totp(device.bin_key):06d}")
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_is_refused_and_slows_down_guessing(staff):
    device = confirmed_device(staff)
    client = Client()
    _sign_in_step(client, staff.username, PASSWORD)
    wrong = f"{(totp(device.bin_key) + 1) % 1_000_000:06d}"
    response = _code_step(client, wrong)
    assert response.status_code == 200
    assert "token-otp_token" in response.content.decode()  # asked again
    assert client.get("/admin/").status_code == 302
    # django-otp throttles the device after a failure: even the right code is refused at once
    response = _code_step(client, f"{totp(device.bin_key):06d}")
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count >= 1


def test_a_staff_user_signed_in_with_the_password_only_reaches_no_staff_page(staff, client):
    confirmed_device(staff)
    client.force_login(staff, otp=False)
    for path in ["/admin/", "/admin/portal/enquiry/", "/en/advisors/match/1/"]:
        response = client.get(path, follow=True)
        assert "/account/login/?next=" in response.redirect_chain[-1][0], path


def test_a_staff_user_without_an_authenticator_app_is_asked_to_set_one_up(staff, client):
    client.force_login(staff, otp=False)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/account/two_factor/setup/")

    # the set-up wizard: welcome, choose the app, scan (here: read the secret) and confirm with a code
    client.post("/en/account/two_factor/setup/", {"setup_view-current_step": "welcome"})
    response = client.post(
        "/en/account/two_factor/setup/", {"setup_view-current_step": "method", "method-method": "generator"}
    )
    secret = response.context["secret_key"]
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    response = client.post(
        "/en/account/two_factor/setup/",
        {"setup_view-current_step": "generator", "generator-token": f"{totp(key):06d}"},
    )
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=staff, confirmed=True).exists()
    assert client.get("/admin/").status_code == 200


def test_repeated_failures_lock_the_sign_in_for_that_name_and_address(staff, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _sign_in_step(client, staff.username, "wrong password")
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()
    assert _sign_in_step(client, staff.username, "wrong password").status_code == 429  # the last failure allowed
    response = _sign_in_step(client, staff.username, PASSWORD)  # even the right password, now
    assert response.status_code == 429
    assert "Sign-in locked for a while" in response.content.decode()
    assert "30 minutes" in response.content.decode()
    # another address may still sign in with that name (no denial of service by locking others out)
    response = Client().post(
        "/en/account/login/",
        {"login_view-current_step": "auth", "auth-username": staff.username, "auth-password": PASSWORD},
        REMOTE_ADDR="198.51.100.7",
    )
    assert response.status_code == 302  # signed in (and sent on to set up an authenticator app)


def test_behind_a_trusted_proxy_the_client_address_is_the_one_the_proxy_saw(rf, settings):
    from portal.auth import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.20")
    assert client_ip(request) == "10.0.0.2"
    settings.TRUSTED_PROXIES = 1
    assert client_ip(request) == "198.51.100.20"  # the first proxy appended the address it saw
    settings.TRUSTED_PROXIES = 2
    assert client_ip(request) == "203.0.113.9"
    settings.TRUSTED_PROXIES = 3
    assert client_ip(request) == "10.0.0.2"  # fewer entries than proxies: not to be trusted


@pytest.mark.parametrize("password", ["short1", "password1234", "1234567890123", "secretariat-user"])
def test_weak_passwords_are_refused(staff, password):
    staff.username = "secretariat-user"
    with pytest.raises(ValidationError):
        validate_password(password, user=staff)
