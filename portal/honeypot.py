"""The honeypot of the public forms: a text field named ``homepage`` that people never see (``_honeypot.html``:
hidden, out of the tab order, hidden from assistive technology). A bot that fills it in gets the same polite
"received" page as anyone, and nothing is saved or sent.

    if is_spam(request):
        return spam_response(request)
"""

from django.shortcuts import render

FIELD = "homepage"


def is_spam(request) -> bool:
    return request.method == "POST" and bool(request.POST.get(FIELD, "").strip())


def spam_response(request):
    return render(request, "portal/received.html")
