"""A session's roster in the admin (portal.booking.admin.SessionAdmin's extra pages): the attendance ticks
and the printouts: the roster and the reception's sign-in sheet as PDF, the roster as CSV (UTF-8 with BOM,
for Excel) and XLSX, a form to e-mail the participants, and the page that cancels the session. Every change
goes through portal.booking.services.
"""

import csv
import io

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from portal import dates, pdf
from portal.booking import notify, services
from portal.booking.models import SEATED, Registration, Session
from portal.choices import RegistrationStatus, SessionStatus

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


class SessionRosterViews:
    """The roster pages of SessionAdmin (a ModelAdmin mixin: it uses the admin's queryset, site and messages)."""

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
