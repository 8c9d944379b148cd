"""Views of the supporters' dashboard (/supporters/dashboard/): a signed-in company user's own pages.

Every view finds the company through the signed-in user (``request.user.supporter_membership.company``;
no membership is a 404, staff included) and every object through that company, so another company's
tour or enquiry is a 404. A withdrawn company can read its pages and do nothing else.
"""

import functools

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from portal import dates
from portal.pdf import pdf_filename, pdf_response
from supporters import dashboard_services as services
from supporters.dashboard_forms import AnswerForm, InviteAcceptForm, InviteForm, ProfileForm, TourForm, WithdrawForm
from supporters.models import SupporterCompany, SupporterMembership, SupporterStatus

#: the sign-in page of company users (supporters:login, built with the sign-up)
LOGIN_URL = reverse_lazy("supporters:login")
SESSION_TOKEN = "_supporter_invite_token"  # noqa: S105 (a session key, not a password)
#: what replaces the token in the URL once it is in the session (as Django's PasswordResetConfirmView)
SET_PASSWORD = "set-password"  # noqa: S105 (a URL part, not a password)


def company_of(user) -> SupporterCompany:
    try:
        return SupporterCompany.objects.get(pk=user.supporter_membership.company_id)
    except ObjectDoesNotExist:
        raise Http404 from None


def company_view(*, write: bool = False):
    """Sign-in required; ``request.company`` is the user's company. ``write``: a withdrawn company is sent
    back to the overview with a notice."""

    def decorator(view):
        @login_required(login_url=LOGIN_URL)
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            request.company = company_of(request.user)
            if write and request.company.status == SupporterStatus.WITHDRAWN:
                messages.error(request, _("Your company has left the club: the dashboard is read-only."))
                return redirect("supporters:dashboard")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _render(request, template: str, context: dict | None = None, status: int = 200):
    company = request.company
    return render(
        request,
        f"supporters/dashboard/{template}",
        {"company": company, "read_only": company.status == SupporterStatus.WITHDRAWN, **(context or {})},
        status=status,
    )


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- Overview and profile ----------------------------------------------------------------------------


@company_view()
def overview(request):
    company = request.company
    return _render(
        request,
        "overview.html",
        {
            "tour_count": company.tours.count(),
            "open_enquiry_count": services.company_enquiries(company).filter(status__in=services.ANSWERABLE).count(),
            "colleagues": company.memberships.select_related("user").order_by("created_at"),
            "current_year": dates.fiscal_year(),
        },
    )


@company_view(write=True)
@require_http_methods(["GET", "POST"])
def profile(request):
    company = request.company
    form = ProfileForm(request.POST or None, instance=company)
    if request.method == "POST" and form.is_valid():
        try:
            waiting = services.update_profile(
                company=company, data=form.cleaned_data, by=request.user, base_url=request.build_absolute_uri("/")
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if waiting:
                messages.success(
                    request,
                    _(
                        "Your changes to the public profile wait for review by the secretariat. Your public page "
                        "shows the approved text until then."
                    ),
                )
            else:
                messages.success(request, _("Your profile has been saved."))
            return redirect("supporters:dashboard")
    return _render(request, "profile.html", {"form": form, "approved": company.status == SupporterStatus.APPROVED})


# --- Colleagues --------------------------------------------------------------------------------------


@company_view(write=True)
@require_http_methods(["GET", "POST"])
def invite(request):
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        services.invite_colleague(
            company=request.company, email=email, by=request.user, base_url=request.build_absolute_uri("/")
        )
        # the same words whether or not the address already has an account: nothing is revealed
        messages.success(
            request,
            _(
                "We have sent an invitation to %(email)s, unless this address already has an account on the "
                "portal: in that case, please ask the secretariat."
            )
            % {"email": email},
        )
        return redirect("supporters:dashboard")
    return _render(request, "invite.html", {"form": form})


@require_http_methods(["GET", "POST"])
def invite_accept(request, uidb64: str, token: str):
    """The invited colleague chooses a password (the link of the invitation), then is signed in.

    As Django's PasswordResetConfirmView, the token moves from the URL into the session, so that it does
    not leak through the Referer header of the form page.
    """
    user = _invited_user(uidb64)
    if token != SET_PASSWORD:
        if user is not None and default_token_generator.check_token(user, token):
            request.session[SESSION_TOKEN] = token
            return redirect("supporters:invite-accept", uidb64=uidb64, token=SET_PASSWORD)
        return render(request, "supporters/dashboard/invite_accept.html", {"valid": False}, status=404)
    token = request.session.get(SESSION_TOKEN, "")
    if user is None or not default_token_generator.check_token(user, token):
        return render(request, "supporters/dashboard/invite_accept.html", {"valid": False}, status=404)
    form = InviteAcceptForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        del request.session[SESSION_TOKEN]
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Your password is set. Welcome to your company's dashboard."))
        return redirect("supporters:dashboard")
    company = user.supporter_membership.company
    return render(request, "supporters/dashboard/invite_accept.html", {"valid": True, "form": form, "company": company})


def _invited_user(uidb64: str):
    try:
        pk = force_str(urlsafe_base64_decode(uidb64))
        user = get_user_model()._default_manager.get(pk=pk)
    except (TypeError, ValueError, OverflowError, get_user_model().DoesNotExist, ValidationError):
        return None
    if not SupporterMembership.objects.filter(user=user).exists():
        return None
    return user


# --- Leaving the club --------------------------------------------------------------------------------


@company_view(write=True)
@require_http_methods(["GET", "POST"])
def withdraw(request):
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.withdraw_company(company=request.company, by=request.user, base_url=request.build_absolute_uri("/"))
        messages.success(request, _("Your company has left the supporters' club. Thank you for your support."))
        return redirect("supporters:dashboard")
    return _render(request, "withdraw.html", {"form": form, "tours": request.company.tours.all()})


# --- Factory tours -----------------------------------------------------------------------------------


@company_view()
def tour_list(request):
    company = request.company
    tours = company.tours.select_related("municipality").order_by("name", "pk")
    year = dates.fiscal_year()
    first, _last = dates.fiscal_year_bounds(year)
    return _render(request, "tour_list.html", {"tours": tours, "year": year, "year_start": first})


@company_view(write=True)
@require_http_methods(["GET", "POST"])
def tour_edit(request, pk: int | None = None):
    company = request.company
    tour = get_object_or_404(company.tours, pk=pk) if pk is not None else None
    initial = {} if tour else {"company_name": company.name, "industry": company.industry}
    form = TourForm(request.POST or None, instance=tour, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_tour(company=company, tour=form.instance, by=request.user)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The tour has been saved. The secretariat reviews it before it is published."))
            return redirect("supporters:dashboard-tours")
    return _render(request, "tour_form.html", {"form": form, "tour": tour})


@company_view(write=True)
@require_http_methods(["POST"])
def tour_confirm(request):
    count = services.confirm_company_tours(company=request.company, by=request.user)
    messages.success(
        request, _("You confirmed the information of %(count)d tours for this fiscal year.") % {"count": count}
    )
    return redirect("supporters:dashboard-tours")


# --- Enquiries -----------------------------------------------------------------------------------------


@company_view()
def enquiry_list(request):
    enquiries = services.company_enquiries(request.company).select_related("provider").order_by("-created_at")
    return _render(request, "enquiry_list.html", {"enquiries": enquiries})


@company_view()
@require_http_methods(["GET", "POST"])
def enquiry_detail(request, pk: int):
    company = request.company
    enquiry = get_object_or_404(services.company_enquiries(company), pk=pk)
    answerable = enquiry.status in services.ANSWERABLE and company.status != SupporterStatus.WITHDRAWN
    form = AnswerForm(request.POST or None) if answerable else None
    if request.method == "POST":
        if form is None:
            messages.error(request, _("This request cannot be answered here any more."))
            return redirect("supporters:dashboard-enquiry", pk=enquiry.pk)
        if form.is_valid():
            try:
                services.answer_enquiry(
                    company=company,
                    enquiry=enquiry,
                    answer=form.cleaned_data["answer"],
                    message=form.cleaned_data["message"],
                    by=request.user,
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Your answer has been sent to the school."))
                return redirect("supporters:dashboard-enquiry", pk=enquiry.pk)
    events = enquiry.events.select_related("by")
    return _render(request, "enquiry_detail.html", {"enquiry": enquiry, "form": form, "events": events})


# --- Activity record ------------------------------------------------------------------------------------


def _year(request) -> tuple[int, str]:
    """The fiscal year of ?year= (default: the current one) and, when the value was unusable, that value."""
    raw = request.GET.get("year", "")
    current = dates.fiscal_year()
    if not raw:
        return current, ""
    try:
        year = int(raw)
    except ValueError:
        return current, raw[:20]
    if not 2000 <= year <= current + 1:
        return current, raw[:20]
    return year, ""


@company_view()
def activity(request):
    year, ignored = _year(request)
    record = services.activity_record(company=request.company, year=year)
    current = dates.fiscal_year()
    return _render(
        request,
        "activity.html",
        {"record": record, "year": year, "ignored_year": ignored, "years": range(current, current - 6, -1)},
    )


@company_view()
def activity_pdf(request):
    year, _ignored = _year(request)
    company = request.company
    record = services.activity_record(company=company, year=year)
    title = _("Activity record %(year)s: %(company)s") % {"year": dates.format_fiscal_year(year), "company": company}
    return pdf_response(
        request,
        "supporters/pdf/activity.html",
        {"company": company, "record": record, "year": year},
        title=title,
        filename=pdf_filename(f"activity-{year}"),
    )
