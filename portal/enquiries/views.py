"""The requester's private page: /enquiries/<token>/ (DESIGN.md, public URL contract)."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from portal import tokens
from portal.enquiries.models import Enquiry


@tokens.private_page
@require_safe
def enquiry_status(request, token: str):
    """Status in words, the public history and the request's details, for whoever holds the link.

    A malformed, unknown or partial token is the site's ordinary 404 (portal/tokens.py).
    """
    enquiry = tokens.get_by_token_or_404(Enquiry.objects.select_related("provider", "subject_type"), token)
    events = list(enquiry.public_events())
    submission = next((event for event in events if event.is_submission), None)
    return render(
        request,
        "portal/enquiries/status.html",
        {
            "enquiry": enquiry,
            "events": events,
            "notes": submission.note if submission and submission.visible_to_requester else "",
            "subject_url": enquiry.subject_url(),
        },
    )
