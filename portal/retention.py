"""Retention of personal data (issue 10): how long each kind is kept, and what the purge does when it is over.

Each kind of personal data is a ``PersonalDataKind``: where it lives, when a row is past its date, how it is
anonymised (the names, contacts and free text go; the status, dates, numbers of people, municipality and the
links that the reports count stay), and how one person's rows are found and exported by e-mail address.

The core's own kinds (registrations, enquiries) are here; an app adds its kinds through its AppConfig:

    class SupportersConfig(AppConfig):
        def personal_data_kinds(self) -> list[PersonalDataKind]: ...

The periods come from ``settings.RETENTION`` (kind key -> number of days or fiscal years), so that the purge,
the privacy page and the staff page always agree. Anonymised rows carry a placeholder e-mail address
(``deleted-<pk>@invalid``), which is how the purge knows not to count them again.
"""

import contextlib
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import CharField, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal import dates
from portal.choices import SessionStatus

logger = logging.getLogger(__name__)

REDACTED = "（削除済み）"
PLACEHOLDER_DOMAIN = "@invalid"  # RFC 2606: never routable
DAYS = "days"
FISCAL_YEARS = "fiscal_years"


def placeholder_email(pk_field: str = "pk"):
    """An expression for a unique, lower-case, non-routable address per row: deleted-<pk>@invalid."""
    return Concat(Value("deleted-"), Cast(pk_field, CharField()), Value(PLACEHOLDER_DOMAIN))


def not_anonymised(email_field: str = "email") -> Q:
    return ~Q(**{f"{email_field}__endswith": PLACEHOLDER_DOMAIN})


@dataclass(frozen=True)
class PersonalDataKind:
    """One kind of personal data with its retention rule.

    ``expired(cutoff)`` gives the rows not anonymised yet whose date is before ``cutoff``; ``anonymise(qs)``
    anonymises them and returns how many; ``for_email(email)`` gives a person's rows (case-insensitive);
    ``export(row)`` is the dict of what is held in a row.
    """

    key: str
    label: str
    unit: str
    default: int
    counted_from: str  # "after the session", said on the privacy page
    expired: Callable[[dt.datetime], QuerySet]
    anonymise: Callable[[QuerySet], int]
    for_email: Callable[[str], QuerySet]
    export: Callable[[object], dict]

    @property
    def amount(self) -> int:
        return int(getattr(settings, "RETENTION", {}).get(self.key, self.default))

    def cutoff(self, now: dt.datetime) -> dt.datetime:
        """Rows dated before this instant are past their retention date."""
        if self.unit == FISCAL_YEARS:
            # kept through the N fiscal years after the one the row is dated in
            start, _end = dates.fiscal_year_bounds(dates.fiscal_year(now) - self.amount)
            return timezone.make_aware(dt.datetime.combine(start, dt.time.min))
        return now - dt.timedelta(days=self.amount)

    def period_display(self) -> str:
        if self.unit == FISCAL_YEARS:
            text = ngettext("%(n)d fiscal year", "%(n)d fiscal years", self.amount)
        else:
            text = ngettext("%(n)d day", "%(n)d days", self.amount)
        return f"{text % {'n': self.amount}} ({self.counted_from})"


def _email_iexact(field: str, email: str) -> Q:
    return Q(**{f"{field}__iexact": email.strip()})


# --- the core's kinds ---------------------------------------------------------------------------------------


def _registrations():
    from portal.booking.models import Registration, RegistrationEvent

    def expired(cutoff):
        return Registration.objects.filter(not_anonymised(), session__starts_at__lt=cutoff)

    def anonymise(qs) -> int:
        pks = list(qs.values_list("pk", flat=True))
        RegistrationEvent.objects.filter(registration__in=pks).exclude(note="").update(note="")
        return Registration.objects.filter(pk__in=pks).update(
            contact_name=REDACTED, contact_kana="", email=placeholder_email(), phone="", message=""
        )

    def export(row) -> dict:
        return {
            "session": str(row.session),
            "status": row.status,
            "signed_up": row.created_at.isoformat(),
            "name": row.contact_name,
            "name_kana": row.contact_kana,
            "email": row.email,
            "phone": row.phone,
            "school": row.school_name,
            "message": row.message,
            "notes": [event.note for event in row.events.all() if event.note],
        }

    return PersonalDataKind(
        key="registrations",
        label=_("Participants' sign-ups (name, contacts, message)"),
        unit=DAYS,
        default=365,
        counted_from=_("after the session"),
        expired=expired,
        anonymise=anonymise,
        for_email=lambda email: Registration.objects.filter(_email_iexact("email", email)).select_related("session"),
        export=export,
    )


def _enquiries():
    from django.db.models import Case, When

    from portal.enquiries.models import Enquiry, EnquiryEvent

    def expired(cutoff):
        return Enquiry.objects.filter(not_anonymised(), created_at__lt=cutoff)

    def anonymise(qs) -> int:
        pks = list(qs.values_list("pk", flat=True))
        # a plain note must keep some text (a database check): it becomes the placeholder
        EnquiryEvent.objects.filter(enquiry__in=pks).exclude(note="").update(
            note=Case(When(to_status="", then=Value(REDACTED)), default=Value(""))
        )
        return Enquiry.objects.filter(pk__in=pks).update(
            teacher_name=REDACTED, email=placeholder_email(), phone="", message=""
        )

    def export(row) -> dict:
        return {
            "requested": row.subject_name,
            "kind": row.kind,
            "status": row.status,
            "received": row.created_at.isoformat(),
            "school": row.school_name,
            "teacher": row.teacher_name,
            "email": row.email,
            "phone": row.phone,
            "message": row.message,
            "notes": [event.note for event in row.events.all() if event.note],
        }

    return PersonalDataKind(
        key="enquiries",
        label=_("Requests from schools (teacher's name, contacts, message)"),
        unit=FISCAL_YEARS,
        default=3,
        counted_from=_("after the end of the fiscal year the request was received"),
        expired=expired,
        anonymise=anonymise,
        for_email=lambda email: Enquiry.objects.filter(_email_iexact("email", email)),
        export=export,
    )


def personal_data_kinds() -> list[PersonalDataKind]:
    """Every kind: the core's, then each app's (AppConfig.personal_data_kinds), in INSTALLED_APPS order."""
    kinds = [_registrations(), _enquiries()]
    for config in apps.get_app_configs():
        hook = getattr(config, "personal_data_kinds", None)
        if callable(hook):
            kinds.extend(hook())
    return kinds


# --- what the command and the staff page do -----------------------------------------------------------------


def purge(*, now: dt.datetime | None = None, dry_run: bool = False) -> dict[str, int]:
    """Anonymise every row past its retention date, one transaction per kind; returns {kind key: count}."""
    now = now or timezone.now()
    report = {}
    for kind in personal_data_kinds():
        with transaction.atomic():
            qs = kind.expired(kind.cutoff(now))
            report[kind.key] = qs.count() if dry_run else kind.anonymise(qs)
    if not dry_run:
        logger.info("personal data purged: %s", report)
    return report


def export_person(email: str) -> dict[str, list[dict]]:
    """Everything held about one e-mail address (case-insensitive), per kind."""
    return {kind.key: [kind.export(row) for row in kind.for_email(email)] for kind in personal_data_kinds()}


def delete_person(email: str, *, by=None) -> dict[str, int]:
    """Anonymise everything held about one e-mail address, whatever its date (a request to delete).

    Their sign-ups for sessions still to come are cancelled first, so that their seats go to the waiting list
    (no reminder would reach them anyway: nothing is sent to an anonymised address)."""
    from portal.booking.models import Registration
    from portal.booking.services import BookingError, cancel_registration

    report = {}
    with transaction.atomic():
        upcoming = Registration.objects.active().filter(
            _email_iexact("email", email),
            session__starts_at__gt=timezone.now(),
            session__status=SessionStatus.SCHEDULED,
        )
        for registration in upcoming.select_related("session"):
            with contextlib.suppress(BookingError):  # cancelled already (with its pair)
                cancel_registration(registration=registration, by=by, note="personal data deleted on request")
        for kind in personal_data_kinds():
            report[kind.key] = kind.anonymise(kind.for_email(email))
    # the audit line names who asked and how much, never the address
    logger.info("personal data deleted on request by user %s: %s", getattr(by, "pk", None), report)
    return report
