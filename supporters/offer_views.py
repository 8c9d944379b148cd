"""An advisor's private link to accept or decline an offer, and the staff's button to make an offer.

    /advisors/offers/<token>/            supporters:advisor-offer          (the advisor; GET shows, POST answers)
    /advisors/match/<enquiry_id>/offer/  supporters:advisor-offer-create   (staff; POST advisor=<id>)

A wrong or malformed token is the same plain 404 as any missing page; a link used again shows a polite
"already answered" page, never an error.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal import tokens
from portal.auth import staff_required
from portal.choices import EnquiryKind
from portal.enquiries.models import Enquiry
from supporters import advisor_services
from supporters.models import AdvisorOffer, OfferStatus, SeniorAdvisor


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


@tokens.private_page
@require_http_methods(["GET", "POST"])
def advisor_offer(request, token):
    offer = tokens.get_by_token_or_404(AdvisorOffer.objects.select_related("enquiry", "advisor"), token)
    problem = ""
    answered_now = False
    if request.method == "POST" and offer.status == OfferStatus.OFFERED:
        answer = request.POST.get("answer")
        try:
            if answer == "accept":
                advisor_services.accept_offer(offer=offer, base_url=_base_url(request))
            elif answer == "decline":
                advisor_services.decline_offer(offer=offer, base_url=_base_url(request))
        except advisor_services.OfferError as error:
            problem = error.messages[0]
        offer.refresh_from_db()
        answered_now = offer.status != OfferStatus.OFFERED
    open_offer = offer.status == OfferStatus.OFFERED and not problem
    template = "supporters/offers/offer.html" if open_offer else "supporters/offers/answered.html"
    context = {"offer": offer, "enquiry": offer.enquiry, "problem": problem, "just_answered": answered_now}
    return render(request, template, context)


def _back_to_matching(enquiry) -> str:
    for kwargs in ({"enquiry_id": enquiry.pk}, {"pk": enquiry.pk}):
        try:
            return reverse("supporters:advisor-match", kwargs=kwargs)
        except NoReverseMatch:
            continue
    return reverse("admin:portal_enquiry_change", args=[enquiry.pk])


@require_POST
@staff_required
def advisor_offer_create(request, enquiry_id):
    if not request.user.has_perm("supporters.add_advisoroffer"):
        raise PermissionDenied
    enquiry = get_object_or_404(Enquiry, pk=enquiry_id, kind=EnquiryKind.ADVISOR)
    advisor_id = request.POST.get("advisor", "")
    advisor = get_object_or_404(SeniorAdvisor, pk=advisor_id) if advisor_id.isdigit() else None
    if advisor is None:
        messages.error(request, _("Choose an advisor to offer the request to."))
    else:
        try:
            advisor_services.offer_request(
                enquiry=enquiry, advisor=advisor, by=request.user, base_url=_base_url(request)
            )
        except advisor_services.OfferError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(
                request, _("The request was offered to %(advisor)s by e-mail.") % {"advisor": advisor.name}
            )
    return HttpResponseRedirect(_back_to_matching(enquiry))
