"""Staff pages of the advisor matching: ranked candidates for a request, and the help page on the weights.

A partner editor sees only the requests of their own organisation (another's is "not found"); the
secretariat (``portal.manage_all_listings``) sees every request.
"""

import dataclasses

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from portal.auth import staff_required
from portal.dates import WEEKDAYS_JA
from portal.models import Enquiry, Municipality
from supporters import matching
from supporters.models import AdvisorActivity

OFFER_URL_NAME = "supporters:advisor-offer-create"


class MatchForm(forms.Form):
    """The criteria of a request, prefilled from the enquiry, adjustable by staff (a GET form)."""

    purpose = forms.ChoiceField(label=_("Purpose"), choices=[("", _("Any")), *AdvisorActivity.choices], required=False)
    trade = forms.CharField(label=_("Trade"), max_length=60, required=False)
    municipality = forms.ModelChoiceField(
        label=_("Place (municipality)"),
        queryset=Municipality.objects.order_by("code"),
        required=False,
        empty_label=_("Anywhere"),
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Weekdays"),
        choices=list(enumerate(WEEKDAYS_JA)),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    months = forms.TypedMultipleChoiceField(
        label=_("Months"),
        choices=[(month, f"{month}月") for month in range(1, 13)],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


def _scoped_enquiry(request, enquiry_id: int) -> Enquiry:
    user = request.user
    if not (user.has_perm("portal.view_enquiry") or user.has_perm("portal.change_enquiry")):
        raise PermissionDenied
    enquiries = Enquiry.objects.select_related("provider")
    if not user.has_perm("portal.manage_all_listings"):
        enquiries = enquiries.filter(provider_id=user.organisation_id) if user.organisation_id else enquiries.none()
    return get_object_or_404(enquiries, pk=enquiry_id)


def _details(enquiry) -> dict:
    """The criteria parsed from the enquiry by supporters.advisor_forms, or none while that does not exist."""
    try:
        from supporters.advisor_forms import advisor_request_details  # optional: written elsewhere
    except ImportError:
        return {}
    details = advisor_request_details(enquiry)
    if details is None:
        return {}
    if dataclasses.is_dataclass(details):
        details = dataclasses.asdict(details) if not hasattr(details, "__dict__") else dict(vars(details))
    elif not isinstance(details, dict):
        details = {name: getattr(details, name) for name in MatchForm.base_fields if hasattr(details, name)}
    return {name: details[name] for name in MatchForm.base_fields if details.get(name) not in (None, "")}


def _offer_url(enquiry) -> str | None:
    """Where a row's "offer" button posts, when the offers view exists (else no button)."""
    for kwargs in ({"enquiry_id": enquiry.pk}, {"pk": enquiry.pk}, {}):
        try:
            return reverse(OFFER_URL_NAME, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return None


@require_safe
@staff_required
def advisor_match(request, enquiry_id: int):
    enquiry = _scoped_enquiry(request, enquiry_id)
    initial = _details(enquiry)
    form = MatchForm(request.GET if request.GET else None, initial=initial)
    criteria = form.cleaned_data if form.is_bound and form.is_valid() else {**MatchForm().initial, **initial}
    municipality = criteria.get("municipality")
    if municipality is not None and not isinstance(municipality, Municipality):
        municipality = Municipality.objects.filter(pk=municipality).first()
    match_request = matching.MatchRequest(
        purpose=criteria.get("purpose") or "",
        trade=criteria.get("trade") or "",
        municipality=municipality,
        weekdays=[int(day) for day in criteria.get("weekdays") or ()],
        months=[int(month) for month in criteria.get("months") or ()],
    )
    candidates = matching.rank(match_request)
    return render(
        request,
        "supporters/matching/match.html",
        {
            "enquiry": enquiry,
            "form": form if form.is_bound else MatchForm(initial=initial),
            "match_request": match_request,
            "ranked": [candidate for candidate in candidates if not candidate.is_excluded],
            "excluded": [candidate for candidate in candidates if candidate.is_excluded],
            "offer_url": _offer_url(enquiry),
            "maximum_score": matching.maximum_score(),
            "criteria": [row for row in matching.weights_help() if row["key"] != "fairness_per_assignment"],
        },
    )


@require_safe
@staff_required
def advisor_match_help(request):
    return render(
        request,
        "supporters/matching/help.html",
        {"weights": matching.weights_help(), "maximum_score": matching.maximum_score()},
    )
