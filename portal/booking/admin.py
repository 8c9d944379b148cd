"""Staff run the sign-up engine here: sessions, their rosters and the registrations.

Every change of seats or status goes through ``portal.booking.services`` (capacity, attendance, cancelling a
registration or a whole session); this module only reads the input and reports the outcome. Personal data
is shown to staff who may view registrations, and only for the sessions of their own organisation's
programmes (a session belongs to whatever organisation ``provider``s its offering); the secretariat
(``portal.manage_all_listings``) sees all.

Each session has a roster page (``<id>/roster/``) with the attendance ticks and the printouts: the roster
and the reception's sign-in sheet as PDF, the roster as CSV (UTF-8 with BOM, for Excel) and XLSX, a form
to e-mail the participants, and the page that cancels the session.
"""

import csv
import io

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from portal import dates, pdf
from portal.admin import OrganisationScopedAdmin, ReadOnlyHistoryInline
from portal.booking import lottery, notify, services
from portal.booking.models import PERSONAL_FIELDS, SEATED, Registration, RegistrationEvent, Session
from portal.choices import RegistrationStatus, SessionStatus
from portal.roles import listing_models

#: The roster's columns: (heading, value of a registration). The same in the page, the PDF, CSV and XLSX.
ROSTER_COLUMNS = (
    (_("status"), lambda r: r.get_status_display()),
    (_("seats"), lambda r: r.seats),
    (pgettext_lazy("person", "Name"), lambda r: r.contact_name),
    (_("name in katakana"), lambda r: r.contact_kana),
    (_("kind"), lambda r: r.get_kind_display()),
    (_("party"), lambda r: r.party_display()),
    (_("school"), lambda r: r.school_name),
    (_("phone number"), lambda r: r.phone),
    (_("e-mail address"), lambda r: r.email),
    (_("signed up"), lambda r: timezone.localtime(r.created_at).strftime("%Y-%m-%d %H:%M")),
)

#: Who the bulk e-mail goes to: choice -> the registration statuses it covers.
RECIPIENTS = {
    "seated": SEATED,
    "waitlisted": (RegistrationStatus.WAITLISTED,),
    "applied": (RegistrationStatus.APPLIED,),
}

#: The order of the roster's groups: who has seats, the waiting list, applications, then cancellations.
STATUS_ORDER = {
    RegistrationStatus.CONFIRMED: 0,
    RegistrationStatus.ATTENDED: 0,
    RegistrationStatus.WAITLISTED: 1,
    RegistrationStatus.APPLIED: 2,
    RegistrationStatus.CANCELLED: 3,
}


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


class SessionAdminForm(SessionCapacityMixin, forms.ModelForm):
    """A new capacity is checked here against the seats taken (so it is a form error, not a 500); the
    change itself goes through services.change_capacity in SessionAdmin.save_model."""

    class Meta:
        model = Session
        fields = ["offering_type", "offering_id", *SESSION_FIELDS]

    def clean(self):
        cleaned = super().clean()
        offering_type, offering_id = cleaned.get("offering_type"), cleaned.get("offering_id")
        if offering_type and offering_id and "offering_id" in self.fields:
            model = offering_type.model_class()
            if model is None or not model._base_manager.filter(pk=offering_id).exists():
                self.add_error("offering_id", _("There is no programme of this type with this id."))
        return cleaned


class AttendanceForm(forms.Form):
    """The roster's ticks: ``shown`` are the seated registrations on the page, ``attended`` the ticked ones."""

    shown = forms.TypedMultipleChoiceField(coerce=int, required=False)
    attended = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args, registrations, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(r.pk, r.pk) for r in registrations]
        self.fields["shown"].choices = choices
        self.fields["attended"].choices = choices


class SessionMailForm(forms.Form):
    message = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 8, "cols": 70}))
    recipients = forms.MultipleChoiceField(
        label=_("Send to"),
        choices=[
            ("seated", _("Confirmed and attended")),
            ("waitlisted", _("On the waiting list")),
            ("applied", _("Applied (lottery not drawn yet)")),
        ],
        initial=["seated"],
        widget=forms.CheckboxSelectMultiple,
    )


class CancelSessionForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the participants (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 70}),
        help_text=_("Added to the e-mail that tells everyone the session is cancelled."),
    )


@admin.register(Session)
class SessionAdmin(OfferingScopedAdmin):
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
    autocomplete_fields = ["municipality"]
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

    # --- the roster and its pages

    def _url(self, name: str, obj) -> str:
        return reverse(f"admin:portal_session_{name}", args=[obj.pk], current_app=self.admin_site.name)

    def get_urls(self):
        def view(function, name):
            return path(
                f"<path:object_id>/{name}/" if "." not in name else f"<path:object_id>/{name}",
                self.admin_site.admin_view(function),
                name=f"portal_session_{name.replace('.', '_')}",
            )

        return [
            view(self.roster_view, "roster"),
            view(self.roster_pdf_view, "roster.pdf"),
            view(self.signin_pdf_view, "signin.pdf"),
            view(self.roster_csv_view, "roster.csv"),
            view(self.roster_xlsx_view, "roster.xlsx"),
            view(self.mail_view, "mail"),
            view(self.cancel_view, "cancel"),
            *super().get_urls(),
        ]

    def _session_or_404(self, request, object_id, permission: str = "view_registration") -> Session:
        if not request.user.has_perm(f"portal.{permission}"):
            raise PermissionDenied
        session = self.get_queryset(request).filter(pk=unquote(object_id)).first() if object_id.isdigit() else None
        if session is None:
            raise Http404
        return session

    def _registrations(self, session) -> list[Registration]:
        registrations = list(session.registrations.all())
        return sorted(
            registrations,
            key=lambda r: (STATUS_ORDER[r.status], r.queue_rank is None, r.queue_rank or 0, r.created_at, r.pk),
        )

    @staticmethod
    def _counts(session) -> dict:
        totals = session.registrations.aggregate(
            **{
                f"{status}_{what}": Sum("seats", filter=Q(status=status), default=0)
                if what == "seats"
                else Count("pk", filter=Q(status=status))
                for status in RegistrationStatus.values
                for what in ("count", "seats")
            }
        )
        totals["seated_seats"] = totals["confirmed_seats"] + totals["attended_seats"]
        totals["seated_count"] = totals["confirmed_count"] + totals["attended_count"]
        return totals

    def _session_context(self, request, session, title) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "subtitle": str(session),
            "session": session,
            "when": self._when(session),
            "links": {name.replace(".", "_"): self._url(name.replace(".", "_"), session) for name in self._link_names},
            "change_url": reverse("admin:portal_session_change", args=[session.pk], current_app=self.admin_site.name),
            "can_change_session": self.has_change_permission(request, session),
        }

    _link_names = ("roster", "roster.pdf", "signin.pdf", "roster.csv", "roster.xlsx", "mail", "cancel")

    @staticmethod
    def _when(session) -> str:
        starts, ends = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
        return f"{dates.format_date(starts)} {starts:%H:%M}〜{ends:%H:%M}"

    def roster_view(self, request, object_id):
        session = self._session_or_404(request, object_id)
        registrations = self._registrations(session)
        seated = [r for r in registrations if r.status in SEATED]
        can_tick = request.user.has_perm("portal.change_registration")
        if request.method == "POST":
            if not can_tick:
                raise PermissionDenied
            form = AttendanceForm(request.POST, registrations=seated)
            if form.is_valid():
                self._save_attendance(request, seated, form.cleaned_data)
            else:
                self.message_user(request, gettext("The roster changed meanwhile: please tick again."), messages.ERROR)
            return HttpResponseRedirect(self._url("roster", session))
        position = 0
        rows = []
        for registration in registrations:
            if registration.status == RegistrationStatus.WAITLISTED:
                position += 1
            rows.append(
                {
                    "registration": registration,
                    "cells": [value(registration) for _heading, value in ROSTER_COLUMNS],
                    "seated": registration.status in SEATED,
                    "attended": registration.status == RegistrationStatus.ATTENDED,
                    "position": position if registration.status == RegistrationStatus.WAITLISTED else None,
                    "change_url": reverse(
                        "admin:portal_registration_change", args=[registration.pk], current_app=self.admin_site.name
                    ),
                }
            )
        context = {
            **self._session_context(request, session, gettext("Roster")),
            "headings": [heading for heading, _value in ROSTER_COLUMNS],
            "rows": rows,
            "counts": self._counts(session),
            "can_tick": can_tick and session.status != SessionStatus.CANCELLED,
        }
        return TemplateResponse(request, "portal/booking/admin/roster.html", context)

    def _save_attendance(self, request, seated, data) -> None:
        shown, ticked = set(data["shown"]), set(data["attended"])
        changed, refused = 0, []
        for registration in seated:
            if registration.pk not in shown:
                continue  # signed up or promoted after the page was shown: leave it
            attended = registration.pk in ticked
            if attended == (registration.status == RegistrationStatus.ATTENDED):
                continue
            try:
                services.mark_attendance(registration=registration, attended=attended, by=request.user)
            except services.BookingError as error:
                refused.append(f"{registration.contact_name}: {' '.join(error.messages)}")
                continue
            changed += 1
        self.message_user(
            request,
            ngettext("Attendance saved (%(count)d change).", "Attendance saved (%(count)d changes).", changed)
            % {"count": changed},
            messages.SUCCESS,
        )
        for line in refused:
            self.message_user(request, line, messages.ERROR)

    def _document_context(self, session) -> dict:
        registrations = self._registrations(session)
        return {
            "session": session,
            "when": self._when(session),
            "headings": [heading for heading, _value in ROSTER_COLUMNS],
            "registrations": registrations,
            "seated": [r for r in registrations if r.status in SEATED],
            "counts": self._counts(session),
        }

    def roster_pdf_view(self, request, object_id):
        session = self._session_or_404(request, object_id)
        title = f"{gettext('Roster')} {self._when(session)}"
        return pdf.pdf_response(
            request,
            "portal/booking/pdf/roster.html",
            self._document_context(session),
            title=title,
            filename=pdf.pdf_filename(f"roster-{session.pk}"),
        )

    def signin_pdf_view(self, request, object_id):
        session = self._session_or_404(request, object_id)
        title = f"{gettext('Sign-in sheet')} {self._when(session)}"
        return pdf.pdf_response(
            request,
            "portal/booking/pdf/signin.html",
            self._document_context(session),
            title=title,
            filename=pdf.pdf_filename(f"sign-in-{session.pk}"),
        )

    def _table(self, session) -> list[list]:
        return [
            [str(heading) for heading, _value in ROSTER_COLUMNS],
            *([value(r) for _heading, value in ROSTER_COLUMNS] for r in self._registrations(session)),
        ]

    def roster_csv_view(self, request, object_id):
        session = self._session_or_404(request, object_id)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerows(self._table(session))
        response = HttpResponse(("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="roster-{session.pk}-{dates.today():%Y%m%d}.csv"'
        return response

    def roster_xlsx_view(self, request, object_id):
        from openpyxl import Workbook
        from openpyxl.styles import Font

        session = self._session_or_404(request, object_id)
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = gettext("Roster")[:31]
        for row in self._table(session):
            sheet.append(row)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="roster-{session.pk}-{dates.today():%Y%m%d}.xlsx"'
        return response

    def mail_view(self, request, object_id):
        session = self._session_or_404(request, object_id, "change_registration")
        form = SessionMailForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            statuses = [status for choice in form.cleaned_data["recipients"] for status in RECIPIENTS[choice]]
            recipients = list(session.registrations.filter(status__in=statuses))
            for registration in recipients:
                notify.registration_mail(registration, "message", message=form.cleaned_data["message"])
            self.message_user(
                request,
                ngettext("Sent to %(count)d person.", "Sent to %(count)d people.", len(recipients))
                % {"count": len(recipients)},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(self._url("roster", session))
        context = {
            **self._session_context(request, session, gettext("E-mail the participants")),
            "form": form,
            "counts": self._counts(session),
        }
        return TemplateResponse(request, "portal/booking/admin/mail.html", context)

    def cancel_view(self, request, object_id):
        session = self._session_or_404(request, object_id, "change_session")
        form = CancelSessionForm(request.POST or None)
        if request.method == "POST" and session.status != SessionStatus.CANCELLED and form.is_valid():
            told = services.cancel_session(session=session, by=request.user, message=form.cleaned_data["message"])
            self.message_user(
                request,
                ngettext(
                    "The session is cancelled; %(count)d registration was cancelled and told.",
                    "The session is cancelled; %(count)d registrations were cancelled and told.",
                    told,
                )
                % {"count": told},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(self._url("roster", session))
        context = {
            **self._session_context(request, session, gettext("Cancel the session")),
            "form": form,
            "counts": self._counts(session),
            "already_cancelled": session.status == SessionStatus.CANCELLED,
        }
        return TemplateResponse(request, "portal/booking/admin/cancel.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        if object_id and object_id.isdigit():
            extra_context["roster_url"] = reverse(
                "admin:portal_session_roster", args=[object_id], current_app=self.admin_site.name
            )
            extra_context["can_view_roster"] = request.user.has_perm("portal.view_registration")
        return super().change_view(request, object_id, form_url, extra_context)


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
