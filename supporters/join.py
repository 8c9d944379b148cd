"""Views of joining the supporters' club: the one-page form, the postcode lookup, the e-mail verification and
a new link; sign-in, sign-out and password reset for company users (Django's auth views, our templates)."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse, reverse_lazy
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_GET

from portal.ratelimits import throttled, too_many_requests
from portal.tokens import private_page
from supporters import services
from supporters.forms import JoinForm, ResendForm, SupporterAuthenticationForm
from supporters.validators import normalise_postcode

#: POSTs of the join form per IP address and hour; a person correcting mistakes needs a few.
JOIN_RATE = "10/h"
RESEND_RATE = "5/h"
LOGIN_RATE = "10/h"  # and django-axes locks a name out after 5 failures
POSTCODE_RATE = "120/h"


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


def join(request):
    """/supporters/join/: one page; on success the "check your e-mail" page (the same whether or not the
    address already had an account: that address is told by e-mail)."""
    if request.method == "POST" and throttled(request, group="supporters.join", rate=JOIN_RATE):
        return too_many_requests(request, JOIN_RATE)
    form = JoinForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_spam:  # a bot filled the honeypot: pretend it worked, save nothing
            return redirect("supporters:join-sent")
        if form.is_valid():
            try:
                services.register_supporter(
                    company_data=form.company_data(),
                    email=form.cleaned_data["email"],
                    password=form.cleaned_data["password"],
                    logo=form.cleaned_data.get("logo") or None,
                    logo_extension=form.logo_extension(),
                    base_url=_base_url(request),
                    language=get_language(),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("supporters:join-sent")
    return render(request, "supporters/join/form.html", {"form": form})


def join_sent(request):
    return render(request, "supporters/join/sent.html")


@require_GET
def postcode_lookup(request):
    """/supporters/join/postcode/?postcode=060-0001 → {"address", "municipality", "municipality_name"} as JSON;
    404 with {"error"} for an unknown postcode, 400 for a malformed one."""
    if throttled(request, group="supporters.postcode", rate=POSTCODE_RATE, method="GET"):
        return JsonResponse({"error": gettext("Too many requests. Please wait a while.")}, status=429)
    postcode = normalise_postcode(request.GET.get("postcode", ""))
    if not (len(postcode) == 8 and postcode[3] == "-"):
        return JsonResponse({"error": gettext("Please enter the postcode as 7 digits, such as 060-0001.")}, status=400)
    found = services.lookup_postcode(postcode)
    if found is None:
        return JsonResponse(
            {
                "error": gettext("We could not find the postcode %(postcode)s. Please check it.")
                % {"postcode": postcode}
            },
            status=404,
        )
    municipality = services.municipality_from_address(found.address) or found.municipality
    return JsonResponse(
        {
            "postcode": postcode,
            "address": found.address,
            "municipality": municipality.code if municipality else "",
            "municipality_name": municipality.name if municipality else "",
        }
    )


@private_page
def verify(request, token: str):
    """/supporters/join/verify/<token>/: the link of the verification mail."""
    result = services.verify_supporter(token=token, base_url=_base_url(request))
    if result is None:
        raise Http404
    if result.outcome == "verified":
        if result.user is not None:
            login(request, result.user, backend="django.contrib.auth.backends.ModelBackend")
        return render(request, "supporters/join/verified.html", {"company": result.company})
    return render(
        request,
        "supporters/join/verify_failed.html",
        {"company": result.company, "outcome": result.outcome},
        status=410 if result.outcome == "expired" else 200,
    )


def resend(request):
    """/supporters/join/resend/: a new verification link; the answer never says whether the address exists."""
    if request.method == "POST" and throttled(request, group="supporters.resend", rate=RESEND_RATE):
        return too_many_requests(request, RESEND_RATE)
    form = ResendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.resend_verification(
            email=form.cleaned_data["email"], base_url=_base_url(request), language=get_language()
        )
        messages.success(
            request,
            gettext(
                "If this address belongs to a company that has not confirmed its e-mail address yet, we have sent "
                "it a new link. Please check your inbox (and your spam folder)."
            ),
        )
        return redirect("supporters:join-resend")
    return render(request, "supporters/join/resend.html", {"form": form})


# --- Sign-in for company users ----------------------------------------------------------------------


def after_login_url() -> str:
    """The dashboard once it exists, else the home page."""
    try:
        return reverse("supporters:dashboard")
    except NoReverseMatch:
        return reverse("home")


class LoginView(auth_views.LoginView):
    template_name = "supporters/auth/login.html"
    authentication_form = SupporterAuthenticationForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if throttled(request, group="supporters.login", rate=LOGIN_RATE):
            return too_many_requests(request, LOGIN_RATE)
        return super().post(request, *args, **kwargs)

    def get_default_redirect_url(self):
        return after_login_url()


class LogoutView(auth_views.LogoutView):
    template_name = "supporters/auth/logged_out.html"


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "supporters/auth/password_reset_form.html"
    email_template_name = "supporters/email/password_reset.txt"
    html_email_template_name = "supporters/email/password_reset.html"
    subject_template_name = "supporters/email/password_reset_subject.txt"
    success_url = reverse_lazy("supporters:password-reset-done")

    def post(self, request, *args, **kwargs):
        if throttled(request, group="supporters.password-reset", rate=RESEND_RATE):
            return too_many_requests(request, RESEND_RATE)
        return super().post(request, *args, **kwargs)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "supporters/auth/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "supporters/auth/password_reset_confirm.html"
    success_url = reverse_lazy("supporters:password-reset-complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "supporters/auth/password_reset_complete.html"
