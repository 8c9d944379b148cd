"""Staff run the sign-up engine here: sessions, their rosters and the registrations.

Every change of seats or status goes through ``portal.booking.services`` (capacity, attendance, cancelling a
registration or a whole session); this module only reads the input and reports the outcome. Personal data
is shown to staff who may view registrations, and only for the sessions of their own organisation's
programmes (a session belongs to whatever organisation ``provider``s its offering); the secretariat
(``portal.manage_all_listings``) sees all.

A session's roster and its pages (attendance, printouts, e-mail, cancelling) are in portal.booking.roster.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.contenttypes.admin import GenericTabularInline
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

from portal.admin import ListingPartInline, OrganisationScopedAdmin, ReadOnlyHistoryInline
from portal.booking import lottery, notify, services
from portal.booking.models import PERSONAL_FIELDS, Registration, RegistrationEvent, Session
from portal.booking.roster import SessionRosterViews
from portal.choices import Allocation, RegistrationStatus
from portal.roles import listing_models

# --- Scope -----------------------------------------------------------------------------------------


def offering_scope(user, prefix: str = "") -> Q:
    """Sessions whose offering is provided by ``user``'s organisation, as a Q through ``prefix`` to Session.

    Sessions are generic: for each programme type in use by sessions, the ids of that model's objects
    provided by the organisation. A user without an organisation, or a type without ``provider``, gets nothing.
    """
    condition = Q(pk__in=[])
    if user.organisation_id is not None:
        type_ids = Session.objects.order_by().values_list("offering_type", flat=True).distinct()
        for content_type in ContentType.objects.filter(pk__in=type_ids):
            model = content_type.model_class()
            if model is None or not any(field.name == "provider" for field in model._meta.get_fields()):
                continue
            provided = model._base_manager.filter(provider=user.organisation_id).values("pk")
            condition |= Q(offering_type=content_type, offering_id__in=provided)
    if prefix:
        return Q(**{f"{prefix.removesuffix('__')}__in": Session.objects.filter(condition).values("pk")})
    return condition


class OfferingScopedAdmin(OrganisationScopedAdmin):
    """Like OrganisationScopedAdmin (history pages checked against the scope too), scoped through the session's
    offering; ``session_prefix`` is the lookup from the model to its Session ("" for Session itself)."""

    organisation_field = "pk"  # nothing to set or hide on save: the scope comes from the offering
    session_prefix = ""

    def get_queryset(self, request):
        queryset = super(OrganisationScopedAdmin, self).get_queryset(request)  # the unscoped queryset
        if not self.is_scoped(request):
            return queryset
        return queryset.filter(offering_scope(request.user, self.session_prefix))

    def save_model(self, request, obj, form, change):
        admin.ModelAdmin.save_model(self, request, obj, form, change)


# --- Sessions --------------------------------------------------------------------------------------


class WhenFilter(admin.SimpleListFilter):
    title = _("when")
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [("upcoming", _("Upcoming")), ("past", _("Past"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "upcoming":
            return queryset.filter(starts_at__gt=now)
        if self.value() == "past":
            return queryset.filter(starts_at__lte=now)
        return queryset


#: What staff edit of a session, wherever they edit it (its own admin, a programme's inline).
SESSION_FIELDS = [
    "label",
    "starts_at",
    "ends_at",
    "venue_name",
    "municipality",
    "address",
    "latitude",
    "longitude",
    "capacity",
    "max_party_size",
    "waitlist_enabled",
    "registration_opens_at",
    "registration_closes_at",
    "allocation",
]


class SessionCapacityMixin:
    """For every staff form that edits a session (its own admin, the inline of a programme): a new capacity
    below the seats taken is a form error, checked against the database, not the form's copy."""

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if self.instance.pk and "capacity" in self.changed_data:
            taken = Session.objects.filter(pk=self.instance.pk).values_list("seats_taken", flat=True).first() or 0
            if capacity < taken:
                raise forms.ValidationError(
                    _("%(taken)d seats are already taken: the capacity cannot be lower.") % {"taken": taken},
                    code="capacity",
                )
        return capacity


def save_session_changes(session: Session, changed: list[str], *, created: bool) -> None:
    """Save what a staff form changed on a session, the booking engine's way (raises services.BookingError).

    A new capacity goes through services.change_capacity (the waiting list moves up); only the changed
    fields are written, so a stale form never overwrites the seats taken; the status and the seats belong to
    the services. A lottery session's draw is (re)scheduled when it is created or its deadline moves.
    """
    with transaction.atomic():
        if created:
            session.save()
        else:
            if "capacity" in changed:
                services.change_capacity(session=Session.objects.get(pk=session.pk), capacity=session.capacity)
            fields = [name for name in changed if name not in ("capacity", "seats_taken", "status")]
            if fields:
                session.save(update_fields=[*fields, "updated_at"])
    if session.is_lottery and (created or {"allocation", "registration_closes_at"} & set(changed)):
        notify.schedule_draw(session)
    # Surveys (issue 6): at the session's end, mark it done and invite its participants (re-queued if it moves).
    if created or "ends_at" in changed:
        from portal.surveys.services import schedule_session_end

        schedule_session_end(session)


class SessionInlineForm(SessionCapacityMixin, forms.ModelForm):
    class Meta:
        model = Session
        fields = SESSION_FIELDS


class SessionInline(ListingPartInline, GenericTabularInline):
    """The dated sessions of a listed programme (an event, a seminar…), edited on the programme's page.
    Seats are the booking engine's: capacity goes through portal.booking.services (the waiting list moves
    up); a session is cancelled on its own page, which tells the participants. Use it with SessionsAdminMixin."""

    model = Session
    form = SessionInlineForm
    ct_field = "offering_type"
    ct_fk_field = "offering_id"
    fields = [*SESSION_FIELDS, "status", "seats_taken", "roster"]
    readonly_fields = ["status", "seats_taken", "roster"]
    autocomplete_fields = ["municipality"]
    extra = 0

    @admin.display(description=_("roster"))
    def roster(self, session):
        if session.pk is None:
            return "—"
        url = reverse("admin:portal_session_roster", args=[session.pk], current_app=self.admin_site.name)
        return format_html('<a href="{}">{}</a>', url, gettext("Roster"))


class SessionsAdminMixin:
    """For the admin of a programme with a SessionInline: its sessions are saved the engine's way."""

    def save_formset(self, request, form, formset, change):
        if formset.model is not Session:
            return super().save_formset(request, form, formset, change)
        sessions = formset.save(commit=False)
        for session in formset.deleted_objects:
            session.delete()
        forms_by_session = {id(session_form.instance): session_form for session_form in formset.forms}
        for session in sessions:
            save_session_changes(session, forms_by_session[id(session)].changed_data, created=session.pk is None)
        return None


class SessionAdminForm(SessionCapacityMixin, forms.ModelForm):
    """A new capacity is checked here against the seats taken (so it is a form error, not a 500); the
    change itself goes through services.change_capacity in SessionAdmin.save_model."""

    class Meta:
        model = Session
        fields = ["offering_type", "offering_id", *SESSION_FIELDS, "paired_with"]

    def clean_paired_with(self):
        """A pair is two first-come sessions, each paired with nothing else."""
        other = self.cleaned_data.get("paired_with")
        if other is None:
            return other
        if self.instance.pk and other.pk == self.instance.pk:
            raise forms.ValidationError(_("A session cannot be paired with itself."), code="pair")
        taken = Session.objects.filter(Q(paired_with=other) | Q(pk=other.pk, paired_with__isnull=False))
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
            if Session.objects.filter(paired_with=self.instance.pk).exclude(pk=other.pk).exists():
                raise forms.ValidationError(_("Another session is already paired with this one."), code="pair")
        if taken.exists():
            raise forms.ValidationError(_("That session is already paired with another one."), code="pair")
        if Allocation.LOTTERY in (other.allocation, self.cleaned_data.get("allocation")):
            raise forms.ValidationError(_("Lottery sessions cannot be booked in pairs."), code="pair")
        return other

    def clean(self):
        cleaned = super().clean()
        offering_type, offering_id = cleaned.get("offering_type"), cleaned.get("offering_id")
        if offering_type and offering_id and "offering_id" in self.fields:
            model = offering_type.model_class()
            if model is None or not model._base_manager.filter(pk=offering_id).exists():
                self.add_error("offering_id", _("There is no programme of this type with this id."))
        return cleaned


@admin.register(Session)
class SessionAdmin(SessionRosterViews, OfferingScopedAdmin):
    form = SessionAdminForm
    change_form_template = "portal/booking/admin/session_change_form.html"
    list_display = [
        "starts_at",
        "offering_display",
        "venue_display",
        "seats_display",
        "waiting_display",
        "status",
        "allocation",
        "roster_link",
    ]
    list_display_links = ["starts_at", "offering_display"]
    list_filter = ["status", WhenFilter, "municipality__subprefecture", "allocation"]
    search_fields = ["venue_name", "label"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["municipality", "paired_with"]
    readonly_fields = ["status", "seats_taken", "lottery_drawn_at", "lottery_record", "created_at", "updated_at"]
    actions = ["draw_lottery"]
    fieldsets = [
        (None, {"fields": ["offering_type", "offering_id", "label", "status"]}),
        (_("When and where"), {"fields": ["starts_at", "ends_at", "venue_name", "municipality", "address"]}),
        (_("Map position"), {"fields": ["latitude", "longitude"], "classes": ["collapse"]}),
        (
            _("Seats and sign-up"),
            {
                "fields": [
                    ("capacity", "seats_taken"),
                    "max_party_size",
                    "waitlist_enabled",
                    ("registration_opens_at", "registration_closes_at"),
                    "allocation",
                    "lottery_drawn_at",
                    "lottery_record",
                    "paired_with",
                ]
            },
        ),
        (_("Record"), {"fields": ["created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("municipality__subprefecture", "offering_type")
            .prefetch_related("offering")
            .annotate(
                n_waiting=Count("registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED)),
            )
        )

    @admin.display(description=_("lottery record"))
    def lottery_record(self, session):
        """The draw as logged (portal.booking.lottery): seed, rule and every application's place and result."""
        log = session.lottery_log or {}
        if not log:
            return "—"
        names = dict(
            Registration.objects.filter(pk__in=[row["registration"] for row in log["order"]]).values_list(
                "pk", "contact_name"
            )
        )
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    place,
                    names.get(row["registration"], row["registration"]),
                    gettext("first time this fiscal year") if row["priority"] == 0 else gettext("taken part before"),
                    RegistrationStatus(row["result"]).label,
                )
                for place, row in enumerate(log["order"], start=1)
            ),
        )
        return format_html(
            "<p>{}</p><p>{}: {}</p><table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            log.get("rule", ""),
            gettext("Seed (draws again the same with it)"),
            log.get("seed", ""),
            gettext("Place"),
            pgettext("person", "Name"),
            gettext("Priority"),
            gettext("Result"),
            rows,
        )

    @admin.action(
        description=_("Draw the lottery of the selected sessions (after their deadline)"), permissions=["change"]
    )
    def draw_lottery(self, request, queryset):
        for session in queryset:
            try:
                lottery.draw_lottery(session)
            except services.BookingError as error:
                self.message_user(request, f"{session}: {' '.join(error.messages)}", messages.WARNING)
            else:
                self.message_user(request, gettext("%(session)s: drawn.") % {"session": session}, messages.SUCCESS)

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        if not request.user.has_perm("portal.view_registration"):
            columns.remove("roster_link")
        return columns

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and self.is_scoped(request):
            fields += ["offering_type", "offering_id"]  # a partner cannot move a session to someone else's programme
        if obj is not None and obj.registrations.exists():
            fields += ["allocation"]  # first come or lottery is decided before anyone signs up
        return fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "offering_type":
            types = ContentType.objects.get_for_models(*listing_models()).values()
            kwargs["queryset"] = ContentType.objects.filter(pk__in=[ct.pk for ct in types])
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.registrations.exists():
            return False  # cancel it instead: the participants are told
        return super().has_delete_permission(request, obj)

    def get_history_list_display(self, request):
        return ["status", "capacity"]

    # --- list columns

    @admin.display(description=_("programme"))
    def offering_display(self, obj):
        return obj.offering_name + (f"（{obj.label}）" if obj.label else "")

    @admin.display(description=_("venue"), ordering="venue_name")
    def venue_display(self, obj):
        return f"{obj.venue_name} · {obj.municipality.name}（{obj.municipality.subprefecture.short_name}）"

    @admin.display(description=_("seats taken"), ordering="seats_taken")
    def seats_display(self, obj):
        return f"{obj.seats_taken} / {obj.capacity}"

    @admin.display(description=_("waiting"), ordering="n_waiting")
    def waiting_display(self, obj):
        return obj.n_waiting

    @admin.display(description=_("roster"))
    def roster_link(self, obj):
        return format_html('<a href="{}">{}</a>', self._url("roster", obj), gettext("Roster"))

    # --- saving: capacity through the service, never the seats taken

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        try:
            save_session_changes(obj, form.changed_data, created=not change)
        except services.BookingError as error:  # seats were taken since the form was checked
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        obj.refresh_from_db()


# --- Registrations ---------------------------------------------------------------------------------


class RegistrationEventInline(ReadOnlyHistoryInline):
    model = RegistrationEvent
    fields = ["created_at", "to_status", "note", "by"]

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("portal.view_registrationevent")


@admin.register(Registration)
class RegistrationAdmin(OfferingScopedAdmin):
    session_prefix = "session__"
    inlines = [RegistrationEventInline]
    list_display = ["created_at", "contact_name", "session", "status", "seats", "kind"]
    list_display_links = ["created_at", "contact_name"]
    list_filter = ["status", "kind"]
    search_fields = ["contact_name", "contact_kana", "email"]
    date_hierarchy = "created_at"
    actions = ["mark_attended", "cancel_registrations"]
    fieldsets = [
        (None, {"fields": ["session_link", "status", "kind", "seats", "party"]}),
        (
            _("Contact"),
            {
                "fields": [*PERSONAL_FIELDS, "language"],
                "description": _("Personal data: use it only for this session."),
            },
        ),
        (
            _("Record"),
            {"fields": ["created_at", "confirmed_at", "attended_at", "cancelled_at", "reminded_at", "queue_rank"]},
        ),
    ]
    readonly_fields = [
        "session_link",
        "status",
        "kind",
        "seats",
        "party",
        *PERSONAL_FIELDS,
        "language",
        "created_at",
        "confirmed_at",
        "attended_at",
        "cancelled_at",
        "reminded_at",
        "queue_rank",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("session").prefetch_related("session__offering")

    def has_add_permission(self, request):
        return False  # registrations come only from the sign-up forms, through services.register

    # A registration's audit trail is its RegistrationEvent history (the inline), not simple_history:
    # its "History" page is Django's own log of admin actions.
    object_history_template = None

    def history_view(self, request, object_id, extra_context=None):
        self._in_scope_or_404(request, object_id)
        return admin.ModelAdmin.history_view(self, request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        raise Http404

    def has_delete_permission(self, request, obj=None):
        return False  # cancel instead (seats and the waiting list follow); personal data is purged by command

    @admin.display(description=_("session"))
    def session_link(self, obj):
        url = reverse("admin:portal_session_roster", args=[obj.session_id], current_app=self.admin_site.name)
        return format_html('<a href="{}">{}</a>', url, obj.session)

    @admin.display(description=_("party"))
    def party(self, obj):
        return obj.party_display()

    def save_model(self, request, obj, form, change):
        pass  # nothing is edited here: status changes go through the actions (portal.booking.services)

    def save_related(self, request, form, formsets, change):
        pass

    def construct_change_message(self, request, form, formsets, add=False):
        return []

    @admin.action(description=_("Mark the selected registrations as attended"), permissions=["change"])
    def mark_attended(self, request, queryset):
        changed, refused = 0, 0
        for registration in queryset:
            if registration.status == RegistrationStatus.ATTENDED:
                continue
            try:
                services.mark_attendance(registration=registration, attended=True, by=request.user)
            except services.BookingError:
                refused += 1
                continue
            changed += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d registration marked as attended.", "%(count)d registrations marked as attended.", changed
            )
            % {"count": changed},
            messages.SUCCESS,
        )
        if refused:
            self.message_user(
                request,
                gettext("%(count)d were left as they were: only confirmed registrations can be marked as attended.")
                % {"count": refused},
                messages.WARNING,
            )

    @admin.action(
        description=_("Cancel the selected registrations (the waiting list moves up)"), permissions=["change"]
    )
    def cancel_registrations(self, request, queryset):
        cancelled, promoted = 0, 0
        for registration in queryset.exclude(status=RegistrationStatus.CANCELLED):
            try:
                promoted += len(
                    services.cancel_registration(registration=registration, by=request.user, note="cancelled by staff")
                )
            except services.BookingError:
                continue  # cancelled by someone else meanwhile
            cancelled += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d registration cancelled; %(promoted)d moved up from the waiting list.",
                "%(count)d registrations cancelled; %(promoted)d moved up from the waiting list.",
                cancelled,
            )
            % {"count": cancelled, "promoted": promoted},
            messages.SUCCESS,
        )
