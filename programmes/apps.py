from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = _("Programmes")
    # Header navigation entries (URL name, label), collected by portal.context_processors.
    portal_nav = (("programmes:tour-list", _("Factory tours")),)
