"""E-mail of the portal: every message is plain text with an HTML alternative, in the recipient's language."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def send_templated(*, template: str, context: dict, to: list[str], subject: str, language: str) -> None:
    """Render ``template``.txt and ``template``.html in ``language`` and send them as one message."""
    with translation.override(language):
        context = {"portal_name": settings.PORTAL_NAME, **context}
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
        message = EmailMultiAlternatives(f"[{settings.PORTAL_NAME}] {subject}", text, None, to)
        message.attach_alternative(html, "text/html")
    message.send()
