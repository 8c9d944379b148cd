"""Pages of the sign-up engine: sign up for a session, and the participant's private registration pages.

    /sessions/<id>/signup/                  the sign-up form of one session (any listed programme)
    /registrations/<token>/                 the participant's own page (DESIGN.md, public URL contract)
    /registrations/<token>/cancel/          confirm, then cancel
    /registrations/<token>/calendar.ics     the session as one iCalendar event
    /registrations/<token>/checkin/         staff at reception mark the party as attended (the e-mail's QR code)

A malformed, unknown or partial token is the site's ordinary 404 (portal/tokens.py). Token pages are never
cached and never indexed.
"""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from portal import calendar, tokens
from portal.auth import staff_required
from portal.booking import services
from portal.booking.forms import RegistrationForm
from portal.booking.models import Registration, Session
from portal.choices import ListingStatus, RegistrationStatus, SessionStatus
from portal.honeypot import is_spam, spam_response
from portal.listings import public_url
from portal.ratelimits import form_rate_limit

NOINDEX = "noindex, nofollow"
#: What a participant may still cancel (attended is history, cancelled stays cancelled).
CANCELLABLE = (RegistrationStatus.APPLIED, RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)

SIGNED_UP_MESSAGES = {
    RegistrationStatus.CONFIRMED: _(
        "Thank you: your place is confirmed. We have sent a confirmation e-mail to %(email)s; "
        "its link brings you back to this page."
    ),
    RegistrationStatus.WAITLISTED: _(
        "The session is full, so you are on its waiting list. We have sent an e-mail to %(email)s and will "
        "write again as soon as a place frees up."
    ),
    RegistrationStatus.APPLIED: _(
        "Thank you: we have received your application. Places are drawn by lot after the deadline; we have "
        "sent an e-mail to %(email)s and will write to you with the result."
    ),
}


def _registration_or_404(token: str) -> Registration:
    return tokens.get_by_token_or_404(Registration.objects.select_related("session__municipality"), token)


def _is_past(session: Session) -> bool:
    return session.starts_at <= timezone.now()


# --- Sign-up --------------------------------------------------------------------------------------


@form_rate_limit("booking.signup")
@require_http_methods(["GET", "HEAD", "POST"])
def session_signup(request, pk: int):
    """A focused, phone-friendly sign-up page; a closed session says so (an unpublished programme is a 404)."""
    session = get_object_or_404(Session.objects.select_related("municipality", "offering_type"), pk=pk)
    offering = session.offering
    if offering is None or getattr(offering, "status", None) != ListingStatus.PUBLISHED:
        raise Http404
    state = session.registration_state()
    availability = session.availability()
    pair_session = bookable_partner(session)
    if pair_session is None and request.method == "POST" and request.POST.get("book_pair"):
        # offered when the page was shown, gone since: the engine says why, and books neither
        pair_session = bookable_partner(session, now_open_only=False)
    form = RegistrationForm(
        request.POST if request.method == "POST" else None, session=session, pair_session=pair_session
    )
    context = {
        "session": session,
        "offering": offering,
        "offering_url": public_url(offering),
        "state": state,
        "availability": availability,
        "closed_message": services.MESSAGES.get(state if state != "open" else availability, ""),
        "form": form,
        "pair_session": pair_session,
    }
    if state != "open" or availability == "full":
        # nothing to fill in: say why (a POST to a closed or full session writes nothing and says the same)
        return render(request, "portal/booking/signup_closed.html", context)
    if is_spam(request):
        return spam_response(request)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data.get("book_pair"):
                registration, _pair = services.register_pair(
                    session=session, data=form.registration_data(), language=request.LANGUAGE_CODE
                )
            else:
                registration = services.register(
                    session=session, data=form.registration_data(), language=request.LANGUAGE_CODE
                )
        except services.BookingError as error:
            # AlreadyRegistered too: its message is general, and the link went only to the address's owner
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, str(SIGNED_UP_MESSAGES[registration.status]) % {"email": registration.email})
            if registration.pair is not None:
                messages.info(request, gettext("Both sessions are booked together: each has its own e-mail and page."))
            return redirect("registration", token=registration.access_token)
    response = render(request, "portal/booking/signup.html", context)
    if request.method == "POST":
        response["X-Robots-Tag"] = NOINDEX
    return response


def bookable_partner(session: Session, *, now_open_only: bool = True) -> Session | None:
    """The session paired with ``session``, when a family can book the two together (else None);
    ``now_open_only``: and the other one takes sign-ups now, with a seat or a waiting list."""
    partner = session.partner
    if partner is None or session.is_lottery or partner.is_lottery:
        return None
    if getattr(partner.offering, "status", None) != ListingStatus.PUBLISHED:
        return None
    if now_open_only and (partner.registration_state() != "open" or partner.availability() == "full"):
        return None
    return partner


# --- The participant's own pages -------------------------------------------------------------------


@tokens.private_page
@require_safe
def registration_detail(request, token: str):
    registration = _registration_or_404(token)
    session = registration.session
    return render(
        request,
        "portal/booking/registration.html",
        {
            "registration": registration,
            "session": session,
            "offering_url": public_url(session.offering),
            "can_cancel": registration.status in CANCELLABLE and not _is_past(session),
            "is_past": _is_past(session),
            "pair": registration.pair,
        },
    )


@tokens.private_page
@form_rate_limit("booking.cancel")
@require_http_methods(["GET", "HEAD", "POST"])
def registration_cancel(request, token: str):
    """GET: are you sure? POST: cancel (a cancelled registration stays cancelled; saying so again is polite)."""
    registration = _registration_or_404(token)
    session = registration.session
    if registration.status == RegistrationStatus.CANCELLED:
        if request.method == "POST":
            messages.info(request, services.MESSAGES["already_cancelled"])
            return redirect("registration", token=token)
    elif _is_past(session) or registration.status == RegistrationStatus.ATTENDED:
        messages.info(request, services.MESSAGES["past"])
        return redirect("registration", token=token)
    elif request.method == "POST":
        try:
            services.cancel_registration(
                registration=registration,
                note="cancelled by the participant",
                with_pair=request.POST.get("scope") == "both",
            )
        except services.BookingError as error:  # cancelled meanwhile (another tab)
            messages.info(request, error.messages[0])
        else:
            messages.success(
                request,
                gettext("Your registration has been cancelled. We have sent a confirmation e-mail to %(email)s.")
                % {"email": registration.email},
            )
        return redirect("registration", token=token)
    return render(
        request,
        "portal/booking/cancel.html",
        {
            "registration": registration,
            "session": session,
            "offering_url": public_url(session.offering),
            "pair": pair if (pair := registration.pair) is not None and pair.status in CANCELLABLE else None,
        },
    )


def registration_event(registration: Registration, *, url: str, host: str) -> dict:
    """The registration's session as one portal.calendar event (cancelled ones say so)."""
    session = registration.session
    status = {
        RegistrationStatus.CANCELLED: "CANCELLED",
        RegistrationStatus.CONFIRMED: "CONFIRMED",
        RegistrationStatus.ATTENDED: "CONFIRMED",
    }.get(registration.status, "TENTATIVE")
    if session.status == SessionStatus.CANCELLED:
        status = "CANCELLED"
    has_point = session.latitude is not None and session.longitude is not None
    return {
        "uid": f"session-{session.pk}-registration-{registration.pk}@{host}",
        "start": session.starts_at,
        "end": session.ends_at,
        "summary": session.offering_name + (f"（{session.label}）" if session.label else ""),
        "location": "、".join(
            part for part in (session.venue_name, f"{session.municipality}{session.address}") if part
        ),
        "description": f"{registration.get_status_display()}: {registration.party_display()}\n{url}",
        "url": url,
        "status": status,
        "geo": (session.latitude, session.longitude) if has_point else None,
    }


@tokens.private_page
@require_safe
def registration_calendar(request, token: str):
    registration = _registration_or_404(token)
    url = request.build_absolute_uri(reverse("registration", kwargs={"token": token}))
    event = registration_event(registration, url=url, host=request.get_host().split(":")[0] or "portal")
    body = calendar.render_calendar([event], name=str(settings.PORTAL_NAME))
    return calendar.ics_response(body, filename="registration.ics", attachment=True)


# --- Reception --------------------------------------------------------------------------------------


@tokens.private_page
@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def registration_checkin(request, token: str):
    """Staff at reception scan the e-mail's QR code: the party's registration and one button to tick it."""
    registration = _registration_or_404(token)
    if request.method == "POST":
        try:
            services.mark_attendance(registration=registration, by=request.user)
        except services.BookingError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, gettext("%(name)s is marked as attended.") % {"name": registration.contact_name})
        return redirect("registration-checkin", token=token)
    session = registration.session
    return render(
        request,
        "portal/booking/checkin.html",
        {
            "registration": registration,
            "session": session,
            "events": registration.events.select_related("by"),
            "can_check_in": registration.status == RegistrationStatus.CONFIRMED,
        },
    )
