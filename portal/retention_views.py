"""/admin/personal-data/: the secretariat finds everything held about one e-mail address (the same export as
``manage.py export_personal_data``) and, on a person's request, anonymises all of it (portal/retention.py).

Verified staff only (portal.auth.staff_required), and only the secretariat (group ``secretariat`` or a
superuser): partner editors get a 403. The audit log line names the staff user and the counts, never the address.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from portal import retention
from portal.auth import staff_required
from portal.roles import SECRETARIAT


class PersonForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)


def _is_secretariat(user) -> bool:
    return user.is_superuser or user.groups.filter(name=SECRETARIAT).exists()


@never_cache
@staff_required
def personal_data(request):
    if not _is_secretariat(request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = PersonForm(request.POST)
        if form.is_valid() and request.POST.get("confirm") == "yes":
            report = retention.delete_person(form.cleaned_data["email"], by=request.user)
            messages.success(
                request,
                gettext("Anonymised %(count)d records of this person.") % {"count": sum(report.values())},
            )
            return redirect(f"{reverse('personal-data')}?{urlencode({'email': form.cleaned_data['email']})}")
    else:
        form = PersonForm(request.GET or None)
    found = None
    if form.is_bound and form.is_valid():
        held = retention.export_person(form.cleaned_data["email"])
        labels = {kind.key: kind.label for kind in retention.personal_data_kinds()}
        found = [{"key": key, "label": labels[key], "rows": rows} for key, rows in held.items() if rows]
    return render(request, "portal/personal_data.html", {"form": form, "found": found})
