"""Writes and reads of the supporters' dashboard (/supporters/dashboard/), one function per user action.

Everything here starts from a company (the signed-in user's, ``request.user.supporter_membership.company``)
and reaches its tours, lecture offers and enquiries through it, so that another company's object is never
found. Mail goes out after the commit (``on_commit``).

Tours a company creates are provided (``ProvidedListing.provider``) by the working group's secretariat
organisation (``WorkingGroup.load().secretariat``), or by the first organisation when no secretariat is
set: the secretariat reviews and publishes them, and the company is recorded as their ``supporter``.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal import dates, mail
from portal.choices import EnquiryStatus, ListingStatus
from portal.enquiries.models import Enquiry, EnquiryEvent
from portal.enquiries.services import add_enquiry_note, change_enquiry_status, send_status_change
from portal.listings import change_status
from portal.models import Organisation, User, WorkingGroup
from programmes.services import confirm_tours
from supporters import services
from supporters.models import MembershipRole, SupporterCompany, SupporterMembership, SupporterStatus

#: public text of a company: edits of an approved company wait in ``pending_changes`` for review
PUBLIC_FIELDS = ("name", "name_kana", "industry", "offers", "pr_message", "website")
#: the contact person: private, changed at once
PRIVATE_FIELDS = ("contact_name", "contact_email", "contact_phone")
STAFF_LANGUAGE = "ja"


class DashboardReadOnly(ValidationError):
    """A withdrawn company can only read its dashboard."""


def ensure_writable(company: SupporterCompany) -> None:
    if company.status == SupporterStatus.WITHDRAWN:
        raise DashboardReadOnly(_("Your company has left the club: the dashboard is read-only."), code="withdrawn")


def _base_url(base_url: str | None) -> str:
    url = base_url or getattr(settings, "PORTAL_BASE_URL", "")
    if not url:
        raise ValueError("Pass base_url (e.g. request.build_absolute_uri('/')) or set PORTAL_BASE_URL.")
    return url.rstrip("/")


# --- Profile --------------------------------------------------------------------------------------


def update_profile(*, company: SupporterCompany, data: dict, by: User, base_url: str | None = None) -> dict:
    """Save the dashboard's profile form. Returns the public changes now waiting for review ({} if none).

    The contact person's details change at once; the public text goes through
    supporters.services.submit_profile_changes (an approved company's public page keeps its approved text
    until the secretariat approves the changes; the result is validated as a whole, duplicates included).
    """
    ensure_writable(company)
    with transaction.atomic():
        locked = SupporterCompany.objects.select_for_update().get(pk=company.pk)
        private = [name for name in PRIVATE_FIELDS if name in data and getattr(locked, name) != data[name]]
        for name in private:
            setattr(locked, name, data[name])
        if private:
            locked.full_clean()
            locked.save(update_fields=[*private, "updated_at"])
        public = {name: data[name] for name in PUBLIC_FIELDS if name in data and getattr(locked, name) != data[name]}
        if public:
            services.submit_profile_changes(company=locked, changes=public, base_url=_base_url(base_url), by=by)
    company.refresh_from_db()
    return dict(company.pending_changes) if company.status == SupporterStatus.APPROVED else {}


# --- Colleagues -----------------------------------------------------------------------------------


def invitation_url(*, user: User, base_url: str, language: str) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    with translation.override(language):
        path = reverse("supporters:invite-accept", kwargs={"uidb64": uidb64, "token": token})
    return base_url + path


def invite_colleague(
    *, company: SupporterCompany, email: str, by: User, base_url: str | None = None, language: str | None = None
) -> bool:
    """Give a colleague an account for the company and mail them a link to set their password.

    Returns False, creating and sending nothing, when the address already has an account (the caller says
    so in general terms only). The new user has no usable password until they follow the link.
    """
    ensure_writable(company)
    email = User.objects.normalize_email(email.strip())
    base = _base_url(base_url)
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    with transaction.atomic():
        if User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists():
            return False
        user = User(username=email, email=email)
        user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
        membership = SupporterMembership(user=user, company=company, role=MembershipRole.MEMBER)
        membership.full_clean()
        membership.save()
        link = invitation_url(user=user, base_url=base, language=language)
        with translation.override(language):
            subject = gettext("You are invited to manage %(company)s on the portal") % {"company": company.name}
        context = {"company": company, "inviter": by, "link": link, "email": email}
        transaction.on_commit(
            lambda: mail.send_templated(
                template="supporters/email/invite", context=context, to=[email], subject=subject, language=language
            ),
            robust=True,
        )
    return True


# --- Leaving the club -----------------------------------------------------------------------------


def withdraw_company(*, company: SupporterCompany, by: User, base_url: str | None = None) -> int:
    """The company leaves the club: withdrawn now, its tours archived, the secretariat told by mail.

    Returns how many tours were archived.
    """
    ensure_writable(company)
    base = _base_url(base_url)
    with transaction.atomic():
        locked = SupporterCompany.objects.select_for_update().get(pk=company.pk)
        ensure_writable(locked)
        locked.status = SupporterStatus.WITHDRAWN
        locked.withdrawn_at = timezone.now()
        locked.save(update_fields=["status", "withdrawn_at", "updated_at"])
        archived = change_status(locked.tours.all(), ListingStatus.ARCHIVED)
        with translation.override(STAFF_LANGUAGE):
            subject = gettext("A supporter company has left the club: %(company)s") % {"company": locked.name}
        try:
            admin_url = base + reverse("admin:supporters_supportercompany_change", args=[locked.pk])
        except NoReverseMatch:  # the admin of supporters is not registered
            admin_url = ""
        context = {"company": locked, "by": by, "archived": archived, "admin_url": admin_url}
        transaction.on_commit(
            lambda: mail.send_templated(
                template="supporters/dashboard/email/withdrawn",
                context=context,
                to=mail.secretariat_recipients(),
                subject=subject,
                language=STAFF_LANGUAGE,
            ),
            robust=True,
        )
    company.refresh_from_db()
    return archived


# --- Factory tours --------------------------------------------------------------------------------


def tour_provider() -> Organisation:
    """Who provides a company's tours: the secretariat organisation, else the first organisation."""
    group = WorkingGroup.load()
    if group is not None and group.secretariat is not None:
        return group.secretariat
    organisation = Organisation.objects.order_by("pk").first()
    if organisation is None:
        raise ValidationError(_("The portal has no organisation to review tours yet."), code="no_provider")
    return organisation


def save_tour(*, company: SupporterCompany, tour, by: User):
    """Save a tour the company created or edited (a FactoryTour from the dashboard's form, not yet saved)
    and put it up for review: the company never publishes; a published tour it edits goes back to review.
    """
    ensure_writable(company)
    with transaction.atomic():
        if tour.pk is None:
            tour.provider = tour_provider()
            tour.status = ListingStatus.DRAFT
        tour.supporter = company
        tour.full_clean()
        tour.save()
        if tour.status != ListingStatus.PENDING_REVIEW:
            if tour.status != ListingStatus.DRAFT:  # published or archived: back to draft, then to review
                change_status([tour], ListingStatus.DRAFT)
            change_status([tour], ListingStatus.PENDING_REVIEW)
    return tour


def confirm_company_tours(*, company: SupporterCompany, by: User, on: dt.date | None = None) -> int:
    """Confirm the facts of every current tour of the company for this fiscal year (情報確認日)."""
    ensure_writable(company)
    tours = company.tours.exclude(status=ListingStatus.ARCHIVED)
    return confirm_tours(tours=tours, on=on)


# --- Enquiries ------------------------------------------------------------------------------------


def company_enquiries(company: SupporterCompany):
    """The enquiries whose subject is one of the company's tours or lecture offers."""
    tour_model = company.tours.model
    lecture_model = company.lecture_offers.model
    tour_type = ContentType.objects.get_for_model(tour_model)
    lecture_type = ContentType.objects.get_for_model(lecture_model)
    return Enquiry.objects.filter(
        Q(subject_type=tour_type, subject_id__in=company.tours.values("pk"))
        | Q(subject_type=lecture_type, subject_id__in=company.lecture_offers.values("pk"))
    )


class Answer:
    ACCEPT = "accept"
    DECLINE = "decline"
    PROPOSE = "propose"

    CHOICES = (
        (ACCEPT, _("Accept the request")),
        (DECLINE, _("Decline the request")),
        (PROPOSE, _("Propose other dates (the request stays open)")),
    )


ANSWERABLE = (EnquiryStatus.NEW, EnquiryStatus.IN_PROGRESS)


def answer_enquiry(*, company: SupporterCompany, enquiry: Enquiry, answer: str, message: str, by: User) -> Enquiry:
    """The host answers a school through the shared workflow (portal.enquiries.services), with a message the
    school sees: accept or decline (the school is mailed by the workflow), or propose dates (a visible note
    while the request is in progress; mailed here, as the workflow mails only answers).

    A new request is moved to "in progress" first. Raises ValidationError when it is already answered.
    """
    ensure_writable(company)
    if not company_enquiries(company).filter(pk=enquiry.pk).exists():
        raise ValueError("Not an enquiry of this company.")
    message = (message or "").strip()
    with transaction.atomic():
        enquiry = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
        if enquiry.status not in ANSWERABLE:
            raise ValidationError(_("This request has already been answered."), code="answered")
        if answer == Answer.PROPOSE:
            if not message:
                raise ValidationError({"message": _("Write the dates you propose.")}, code="required")
            if enquiry.status == EnquiryStatus.NEW:
                change_enquiry_status(enquiry=enquiry, to=EnquiryStatus.IN_PROGRESS, by=by)
            event = add_enquiry_note(enquiry=enquiry, by=by, note=message, visible_to_requester=True)
            transaction.on_commit(lambda: send_status_change(enquiry=enquiry, event=event), robust=True)
            return enquiry
        to = {Answer.ACCEPT: EnquiryStatus.ACCEPTED, Answer.DECLINE: EnquiryStatus.DECLINED}.get(answer)
        if to is None:
            raise ValueError(f"Unknown answer {answer!r}")
        if enquiry.status == EnquiryStatus.NEW:
            change_enquiry_status(enquiry=enquiry, to=EnquiryStatus.IN_PROGRESS, by=by)
        return change_enquiry_status(enquiry=enquiry, to=to, by=by, note=message, visible_to_requester=True)


# --- Activity record (活動実績) -------------------------------------------------------------------


@dataclass
class ActivityRecord:
    year: int
    tours: list  # the done tour enquiries
    lectures: list  # the done lecture enquiries

    @property
    def tours_hosted(self) -> int:
        return len(self.tours)

    @property
    def lectures_given(self) -> int:
        return len(self.lectures)

    @property
    def pupils_received(self) -> int:
        return sum(enquiry.pupils_counted for enquiry in self.tours)

    @property
    def teachers_received(self) -> int:
        return sum(enquiry.adults for enquiry in self.tours)

    @property
    def lecture_pupils(self) -> int:
        return sum(enquiry.pupils_counted for enquiry in self.lectures)

    @property
    def lecture_teachers(self) -> int:
        return sum(enquiry.adults for enquiry in self.lectures)


def activity_record(*, company: SupporterCompany, year: int) -> ActivityRecord:
    """What the company did in a fiscal year, from the data: its tour and lecture requests that are done,
    counted in the fiscal year in which they were marked done. Pupils are the participants reached when
    staff recorded them, else the pupils the school announced; teachers are the accompanying adults."""
    first, last = dates.fiscal_year_bounds(year)
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min))
    done_events = EnquiryEvent.objects.filter(enquiry=OuterRef("pk"), to_status=EnquiryStatus.DONE)
    enquiries = (
        company_enquiries(company)
        .filter(status=EnquiryStatus.DONE)
        .annotate(done_at=Subquery(done_events.order_by("-created_at").values("created_at")[:1]))
        .filter(done_at__gte=start, done_at__lt=end)
        .order_by("done_at", "pk")
    )
    tour_type = ContentType.objects.get_for_model(company.tours.model)
    tours, lectures = [], []
    for enquiry in enquiries:
        enquiry.pupils_counted = (
            enquiry.participants_reached if enquiry.participants_reached is not None else enquiry.pupils
        )
        (tours if enquiry.subject_type_id == tour_type.pk else lectures).append(enquiry)
    return ActivityRecord(year=year, tours=tours, lectures=lectures)
