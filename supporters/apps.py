from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportersConfig(AppConfig):
    name = "supporters"
    verbose_name = _("Supporters")
    # Header navigation entries (URL name, label), collected by portal.context_processors.
    portal_nav = ()
