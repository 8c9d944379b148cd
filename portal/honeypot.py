"""The honeypot of the public forms: a text field named ``homepage`` that people never see (``_honeypot.html``:
hidden, out of the tab order, hidden from assistive technology). A bot that fills it in gets the same polite
"received" page as anyone, and nothing is saved or sent.

    if is_spam(request):
        return spam_response(request)
"""

from django.shortcuts import render

FIELD = "homepage"


def filled(data) -> bool:
    """Whether the honeypot of a form's ``data`` was filled in (forms that check it themselves use this)."""
    return bool(data.get(FIELD, "").strip())


def is_spam(request) -> bool:
    return request.method == "POST" and filled(request.POST)


def spam_response(request):
    return render(request, "portal/received.html")
