"""The ONE sign-up engine (DESIGN.md): dated sessions with seats, and the registrations for them.

A ``Session`` belongs to something the portal lists (an experience event, a seminar…) through a generic
relation, so that every app books through the same code. Seats are counted in people (a party's size) and
``seats_taken`` is kept by ``portal.booking.services`` under a row lock on the session, with a database
check that it never exceeds the capacity: two people can never get the last seat.

Only ``portal.booking.services`` (and the draw in ``portal.booking.lottery``) creates registrations and
changes their status or a session's seats.
"""

import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal import tokens
from portal.choices import Allocation, Grade, RegistrationKind, RegistrationStatus, SessionStatus
from portal.tokens import DIGEST_LENGTH

#: Statuses that hold seats.
SEATED = (RegistrationStatus.CONFIRMED, RegistrationStatus.ATTENDED)
#: Statuses of a registration that is still going (it blocks a second sign-up with the same e-mail).
ACTIVE = (
    RegistrationStatus.APPLIED,
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITLISTED,
    RegistrationStatus.ATTENDED,
)
#: The participant's contact details: never public, purged after the retention period.
PERSONAL_FIELDS = ("contact_name", "contact_kana", "email", "phone", "school_name", "message")
TOKEN_PURPOSE = "registration"  # noqa: S105 - an HMAC purpose, not a password


def _values(choices) -> list[str]:
    return [value for value, _label in choices]


class SessionQuerySet(models.QuerySet):
    def for_object(self, obj):
        return self.filter(offering_type=ContentType.objects.get_for_model(obj), offering_id=obj.pk)

    def upcoming(self, now: dt.datetime | None = None):
        return self.filter(status=SessionStatus.SCHEDULED, starts_at__gt=now or timezone.now())

    def with_free_seats(self):
        return self.filter(seats_taken__lt=F("capacity"))


class Session(models.Model):
    """One dated occurrence of a listed programme, with a venue and a number of seats."""

    offering_type = models.ForeignKey(
        ContentType, verbose_name=_("programme type"), on_delete=models.PROTECT, related_name="+"
    )
    offering_id = models.PositiveBigIntegerField(_("programme id"))
    offering = GenericForeignKey("offering_type", "offering_id")

    label = models.CharField(_("label"), max_length=60, blank=True, help_text=_("e.g. 午前の部 (optional)"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    venue_name = models.CharField(_("venue"), max_length=120)
    municipality = models.ForeignKey(
        "portal.Municipality", verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)

    capacity = models.PositiveIntegerField(
        _("seats"), validators=[MinValueValidator(1), MaxValueValidator(10000)], help_text=_("Children and adults.")
    )
    seats_taken = models.PositiveIntegerField(_("seats taken"), default=0, editable=False)
    registration_opens_at = models.DateTimeField(
        _("registration opens"), null=True, blank=True, help_text=_("Empty: open as soon as it is published.")
    )
    registration_closes_at = models.DateTimeField(
        _("registration closes"),
        null=True,
        blank=True,
        help_text=_("Empty: until the session starts. For a lottery: the application deadline."),
    )
    waitlist_enabled = models.BooleanField(_("waiting list"), default=True)
    max_party_size = models.PositiveSmallIntegerField(
        _("largest party"),
        default=10,
        validators=[MinValueValidator(1)],
        help_text=_("The most seats one sign-up may take (a school group may need more)."),
    )
    allocation = models.CharField(
        _("allocation"), max_length=20, choices=Allocation.choices, default=Allocation.FIRST_COME
    )
    paired_with = models.OneToOneField(
        "self",
        verbose_name=_("paired with"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="paired_from",
        help_text=_(
            "A parent seminar held together with the pupils' tour: families can book both at once, both or none."
        ),
    )
    lottery_drawn_at = models.DateTimeField(_("lottery drawn"), null=True, blank=True, editable=False)
    lottery_log = models.JSONField(_("lottery log"), default=dict, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SessionQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["seats_taken", "lottery_log", "updated_at"])

    class Meta:
        app_label = "portal"
        ordering = ["starts_at", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        indexes = [
            models.Index(fields=["offering_type", "offering_id", "starts_at"], name="session_offering_start"),
            models.Index(fields=["status", "starts_at"], name="session_status_start"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(seats_taken__lte=F("capacity")), name="session_seats_within_capacity"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"),
            models.CheckConstraint(
                condition=Q(registration_opens_at__isnull=True)
                | Q(registration_closes_at__isnull=True)
                | Q(registration_opens_at__lt=F("registration_closes_at")),
                name="session_registration_window",
            ),
            models.CheckConstraint(condition=Q(status__in=_values(SessionStatus.choices)), name="session_status_valid"),
            models.CheckConstraint(condition=Q(allocation__in=_values(Allocation.choices)), name="session_allocation"),
        ]

    def __str__(self) -> str:
        when = timezone.localtime(self.starts_at).strftime("%Y-%m-%d %H:%M")
        return f"{self.offering_name} {when}{f' {self.label}' if self.label else ''}"

    @property
    def offering_name(self) -> str:
        offering = self.offering
        return getattr(offering, "display_name", None) or str(offering or "")

    @property
    def partner(self) -> "Session | None":
        """The session this one is paired with, from either side (None when it stands alone)."""
        if self.paired_with_id is not None:
            return self.paired_with
        return getattr(self, "paired_from", None)

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.seats_taken, 0)

    @property
    def is_full(self) -> bool:
        return self.seats_taken >= self.capacity

    @property
    def closes_at(self) -> dt.datetime:
        return self.registration_closes_at or self.starts_at

    @property
    def is_lottery(self) -> bool:
        return self.allocation == Allocation.LOTTERY

    def registration_state(self, now: dt.datetime | None = None) -> str:
        """'open', 'not_open_yet', 'closed', 'past' or 'cancelled': can people sign up now?"""
        now = now or timezone.now()
        if self.status == SessionStatus.CANCELLED:
            return "cancelled"
        if self.status == SessionStatus.DONE or self.starts_at <= now:
            return "past"
        if self.registration_opens_at and now < self.registration_opens_at:
            return "not_open_yet"
        if now >= self.closes_at:
            return "closed"
        return "open"

    def availability(self) -> str:
        """For lists: 'seats' (free seats), 'waitlist' (full, waiting list open), 'full', or the state."""
        state = self.registration_state()
        if state != "open":
            return state
        if self.is_lottery and self.lottery_drawn_at is None:
            return "lottery"
        if not self.is_full:
            return "seats"
        return "waitlist" if self.waitlist_enabled else "full"


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=ACTIVE)

    def seated(self):
        return self.filter(status__in=SEATED)

    def waiting_in_order(self):
        """The waiting list in the order it is promoted: lottery rank first, then first come."""
        return self.filter(status=RegistrationStatus.WAITLISTED).order_by(
            F("queue_rank").asc(nulls_last=True), "created_at", "pk"
        )


class Registration(models.Model):
    """A family's or a school group's sign-up for a session. Personal data: never public."""

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.PROTECT, related_name="registrations"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=RegistrationKind.choices, default=RegistrationKind.FAMILY)
    status = models.CharField(_("status"), max_length=20, choices=RegistrationStatus.choices)

    contact_name = models.CharField(_("name"), max_length=60)
    contact_kana = models.CharField(_("name in katakana"), max_length=60)
    email = models.EmailField(_("e-mail address"))
    phone = models.CharField(_("phone number"), max_length=20)
    school_name = models.CharField(_("school"), max_length=100, blank=True)
    children_grades = ArrayField(
        models.CharField(max_length=10, choices=Grade.choices),
        verbose_name=_("children's school years"),
        default=list,
        blank=True,
        size=20,
    )
    pupils = models.PositiveSmallIntegerField(_("number of pupils"), default=0)
    adults = models.PositiveSmallIntegerField(_("number of adults"), default=0)
    seats = models.PositiveSmallIntegerField(_("seats"), validators=[MinValueValidator(1)])
    message = models.TextField(_("message"), blank=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="ja")

    #: the other half of a pair booked together (a parent seminar and the pupils' tour), on one of the two
    partner = models.OneToOneField(
        "self",
        verbose_name=_("booked together with"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="partner_of",
        editable=False,
    )
    #: order on the waiting list decided by a lottery draw (lower first); empty: first come
    queue_rank = models.PositiveIntegerField(_("waiting list rank"), null=True, blank=True, editable=False)
    token_nonce = models.CharField(max_length=64, unique=True, editable=False)
    token_digest = models.CharField(max_length=DIGEST_LENGTH, unique=True, editable=False)
    created_at = models.DateTimeField(_("signed up"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True, editable=False)
    attended_at = models.DateTimeField(_("attended"), null=True, blank=True, editable=False)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True, editable=False)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        app_label = "portal"
        ordering = ["created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        indexes = [models.Index(fields=["session", "status"], name="registration_session_status")]
        constraints = [
            # one going registration per e-mail address and session (the service says so politely first)
            models.UniqueConstraint(
                "session",
                "email",
                condition=Q(status__in=ACTIVE),
                name="registration_one_per_email",
                violation_error_message=_("This e-mail address is already registered for this session."),
            ),
            models.CheckConstraint(condition=Q(seats__gte=1), name="registration_seats_gte_1"),
            models.CheckConstraint(
                condition=Q(status__in=_values(RegistrationStatus.choices)), name="registration_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=_values(RegistrationKind.choices)), name="registration_kind_valid"
            ),
            models.CheckConstraint(condition=Q(email=models.functions.Lower("email")), name="registration_email_lower"),
            models.CheckConstraint(
                condition=Q(token_digest__regex=r"^[0-9a-f]{64}$"),  # noqa: S106 (a digest, not a password)
                name="registration_token_digest_sha256",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact_name}（{self.get_status_display()}・{self.seats}）"

    @property
    def access_token(self) -> str:
        """The token of the participant's private link (derived again for every e-mail; see portal.tokens)."""
        return tokens.derived_token(TOKEN_PURPOSE, self.token_nonce)

    @property
    def pair(self) -> "Registration | None":
        """The registration booked together with this one, from either side (None when booked alone)."""
        if self.partner_id is not None:
            return self.partner
        return getattr(self, "partner_of", None)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    @property
    def holds_seats(self) -> bool:
        return self.status in SEATED

    @property
    def children(self) -> int:
        return len(self.children_grades)

    def party_display(self) -> str:
        from django.utils.translation import gettext

        if self.kind == RegistrationKind.SCHOOL:
            return gettext("%(pupils)d pupils and %(adults)d adults") % {"pupils": self.pupils, "adults": self.adults}
        grades = "、".join(str(Grade(grade).label) for grade in self.children_grades)
        text = gettext("%(children)d children and %(adults)d adults") % {
            "children": self.children,
            "adults": self.adults,
        }
        return f"{text}（{grades}）" if grades else text


class RegistrationEvent(models.Model):
    """A dated line of a registration's history (signed up, waitlisted, promoted, cancelled, attended…)."""

    registration = models.ForeignKey(
        Registration, verbose_name=_("registration"), on_delete=models.CASCADE, related_name="events"
    )
    created_at = models.DateTimeField(_("date"), default=timezone.now)
    to_status = models.CharField(_("status"), max_length=20, choices=RegistrationStatus.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        app_label = "portal"
        ordering = ["created_at", "pk"]
        verbose_name = _("registration history")
        verbose_name_plural = _("registration history")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_to_status_display()}"
