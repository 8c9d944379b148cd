"""Public pages of the senior advisors: the anonymised cards (/advisors/), the application form
(/advisors/join/) and the request form for schools and companies (/advisors/request/).

The cards show only staff-approved public fields: the advisors are loaded without their personal fields
(PERSONAL_FIELDS are deferred and never reach a template; tests/supporters/test_advisors_public.py proves it).
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_http_methods

from portal.choices import Industry
from portal.ratelimits import throttled, too_many_requests
from supporters.advisor_filters import SeniorAdvisorFilter
from supporters.advisor_forms import (
    AdvisorApplicationForm,
    AdvisorRequestForm,
    AdvisorRequestsUnavailable,
    apply_as_advisor,
    request_advisor,
)
from supporters.models import AdvisorActivity, AdvisorStatus, SeniorAdvisor

ADVISORS_PER_PAGE = 20
#: POSTs per IP address and hour; a person correcting mistakes needs a few.
APPLICATION_RATE = "10/h"
REQUEST_RATE = "10/h"
#: the only fields of an advisor a public page loads
PUBLIC_FIELDS = (
    "pk",
    "public_summary",
    "trades",
    "qualifications",
    "former_industry",
    "years_of_experience",
    "activities",
)


def public_advisors():
    """Advisors shown in public (SeniorAdvisor.is_public), with public fields only and their areas."""
    return (
        SeniorAdvisor.objects.filter(status=AdvisorStatus.ACTIVE, consent_to_contact=True, summary_approved=True)
        .exclude(public_summary="")
        .only(*PUBLIC_FIELDS)
        .prefetch_related("areas")
        .order_by("pk")
    )


def _labels(choices, values) -> list[str]:
    chosen = set(values or ())
    return [str(label) for value, label in choices if value in chosen]


def _cards(advisors) -> list[dict]:
    """What a card shows, and nothing else: a template cannot reach a private field through these."""
    industries = dict(Industry.choices)
    return [
        {
            "summary": advisor.public_summary,
            "trades": list(advisor.trades),
            "qualifications": list(advisor.qualifications),
            "areas": [area.short_name for area in sorted(advisor.areas.all(), key=lambda a: a.sort_order)],
            "activities": _labels(AdvisorActivity.choices, advisor.activities),
            "industry": str(industries.get(advisor.former_industry, "")),
            "years": advisor.years_of_experience,
        }
        for advisor in advisors
    ]


def advisor_list(request):
    advisor_filter = SeniorAdvisorFilter(request.GET, queryset=public_advisors(), request=request)
    page = Paginator(advisor_filter.qs, ADVISORS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "supporters/advisors/advisor_list.html",
        {"filter": advisor_filter, "page": page, "cards": _cards(page.object_list)},
    )


@require_http_methods(["GET", "POST"])
def advisor_join(request):
    """/advisors/join/: a retired engineer applies; then the "thank you" page (also for a bot)."""
    if request.method == "POST" and throttled(request, group="supporters.advisor-join", rate=APPLICATION_RATE):
        return too_many_requests(request, APPLICATION_RATE)
    form = AdvisorApplicationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_spam:  # a bot filled the honeypot: pretend it worked, save nothing
            return redirect("supporters:advisor-join-sent")
        if form.is_valid():
            apply_as_advisor(
                data=form.advisor_data(),
                areas=form.cleaned_data["areas"],
                base_url=request.build_absolute_uri("/"),
                language=get_language(),
            )
            return redirect("supporters:advisor-join-sent")
    return render(request, "supporters/advisors/join.html", {"form": form})


def advisor_join_sent(request):
    return render(request, "supporters/advisors/join_sent.html")


@require_http_methods(["GET", "POST"])
def advisor_request(request):
    """/advisors/request/: a school or company asks for an advisor; then its private status page."""
    if request.method == "POST" and throttled(request, group="supporters.advisor-request", rate=REQUEST_RATE):
        return too_many_requests(request, REQUEST_RATE)
    form = AdvisorRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_spam:
            return redirect("supporters:advisor-request")
        if form.is_valid():
            try:
                enquiry = request_advisor(
                    data=form.enquiry_data(),
                    trade=form.details()["trade"],
                    municipality=form.cleaned_data["municipality"],
                    base_url=request.build_absolute_uri("/"),
                )
            except AdvisorRequestsUnavailable:
                form.add_error(
                    None,
                    gettext(
                        "Sorry: we cannot receive requests for advisors at the moment. Please contact the "
                        "secretariat of the working group (see the About page)."
                    ),
                )
            else:
                messages.success(
                    request,
                    gettext(
                        "Thank you: we have received your request and sent a confirmation e-mail to %(email)s. "
                        "Its link brings you back to this page."
                    )
                    % {"email": enquiry.email},
                )
                return redirect("enquiry-status", token=enquiry.access_token)
    return render(request, "supporters/advisors/request.html", {"form": form})
