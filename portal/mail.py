"""E-mail of the portal: every message is plain text with an HTML alternative, in the recipient's language."""

from email.message import MIMEPart

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def _reserved_invalid(address: str) -> bool:
    domain = address.rpartition("@")[2].lower().rstrip(".")
    return domain == "invalid" or domain.endswith(".invalid")


def send_templated(
    *, template: str, context: dict, to: list[str], subject: str, language: str, images: dict | None = None
) -> None:
    """Render ``template``.txt and ``template``.html in ``language`` and send them as one message.

    ``images`` ({content id: PNG bytes}) go with it as inline parts that the HTML shows as
    ``<img src="cid:…">``: mail programs that block ``data:`` images (Gmail does) show these.

    Addresses in the reserved ``.invalid`` domain (what portal.retention leaves of a deleted person's address)
    are dropped: nothing is sent to them, and a message with no one left is not sent at all.
    """
    to = [address for address in to if not _reserved_invalid(address)]
    if not to:
        return
    with translation.override(language):
        context = {"portal_name": settings.PORTAL_NAME, **context}
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
        message = EmailMultiAlternatives(f"[{settings.PORTAL_NAME}] {subject}", text, None, to)
        message.attach_alternative(html, "text/html")
    for content_id, png in (images or {}).items():
        part = MIMEPart()
        part.set_content(png, maintype="image", subtype="png", disposition="inline", cid=f"<{content_id}>")
        message.attach(part)
    message.send()


def staff_emails(organisation_id) -> list[str]:
    """The e-mail addresses of an organisation's active staff."""
    from portal.models import User

    users = User.objects.filter(organisation_id=organisation_id, is_active=True, is_staff=True).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def secretariat_recipients(organisation_id=None) -> list[str]:
    """Who must hear of something: ``organisation_id``'s staff if given and staffed, else the working group's
    secretariat (WorkingGroup), else settings.ADMINS, else SERVER_EMAIL, so that nothing is left unseen."""
    from portal.models import WorkingGroup

    recipients = staff_emails(organisation_id) if organisation_id is not None else []
    if not recipients:
        group = WorkingGroup.load()
        if group is not None and group.secretariat_id is not None:
            recipients = staff_emails(group.secretariat_id)
    if not recipients:
        recipients = [address for _name, address in settings.ADMINS]
    return recipients or [settings.SERVER_EMAIL]
