from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportersConfig(AppConfig):
    name = "supporters"
    verbose_name = _("Supporters")
    # Header navigation entries (URL name, label), collected by portal.context_processors.
    portal_nav = (
        ("supporters:supporter-list", _("Supporter companies")),
        ("supporters:advisor-list", _("Senior advisors")),
    )

    def seed_demo(self, *, options, stdout) -> None:
        """Approved, pending and withdrawn demo supporters, linked to demo tours (loaded before: programmes
        comes first in INSTALLED_APPS), with a couple of enquiries and recognitions (supporters/demo.py)."""
        from supporters.demo import seed_demo_supporters

        seed_demo_supporters(stdout=stdout)
        from supporters.advisor_demo import seed_demo_advisors  # senior advisors (issue 8)

        seed_demo_advisors(stdout=stdout)
