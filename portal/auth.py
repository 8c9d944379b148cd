"""Staff sign-in with a second factor, and the client address that lock-outs and rate limits count by.

Staff (the admin, /staff/ and the staff pages of the apps) must be *verified*: signed in with their password
and the code of an authenticator app (or a one-time backup code), through django-two-factor-auth's sign-in at
/account/login/. A staff user without a device yet is sent to set one up first; nothing staff-only is shown
before that. Supporter companies' own accounts (the dashboard) are not staff and sign in without it.

``client_ip`` is the one place that says who the client is: REMOTE_ADDR, or, behind TRUSTED_PROXIES reverse
proxies that append to X-Forwarded-For, the address the outermost trusted proxy saw.
"""

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django_otp import user_has_device


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "TRUSTED_PROXIES", 0)
    if proxies <= 0:
        return remote
    chain = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    # each trusted proxy appended the address it saw: the client is the proxies-th from the right
    return chain[-proxies] if len(chain) >= proxies else remote


def _redirect_with_next(url_name: str, request):
    return redirect(f"{reverse(url_name)}?{urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})}")


def verification_redirect(request):
    """Where an unverified user goes: set up a device first if they have none, else sign in with its code."""
    if request.user.is_authenticated and not user_has_device(request.user):
        return _redirect_with_next("two_factor:setup", request)
    return _redirect_with_next("two_factor:login", request)


def staff_required(view):
    """A staff page: staff users signed in with their second factor. Others are sent to sign in (or to set up
    their authenticator app); a signed-in user who is not staff gets a 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not user.is_staff:
            raise PermissionDenied
        if not (user.is_authenticated and user.is_verified()):
            return verification_redirect(request)
        return view(request, *args, **kwargs)

    return wrapper


class StaffAdminSite(admin.AdminSite):
    """The admin, open only to verified staff; its login page is the two-factor sign-in."""

    def has_permission(self, request):
        return super().has_permission(request) and request.user.is_verified()

    def login(self, request, extra_context=None):
        if request.user.is_authenticated and request.user.is_staff and not request.user.is_verified():
            return verification_redirect(request)
        target = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index")
        return redirect(f"{reverse('two_factor:login')}?{urlencode({REDIRECT_FIELD_NAME: target})}")


def locked_out(request, original_response=None, credentials=None):
    """What django-axes shows when a user name is locked out from this address: a polite page, status 429."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "portal/account/locked_out.html", {"cooloff_minutes": minutes}, status=429)
