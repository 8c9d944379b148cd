from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from portal.roles import sync_role_permissions

        # Not limited to this app as sender: other apps' permissions are created after ours.
        post_migrate.connect(sync_role_permissions, dispatch_uid="portal.sync_role_permissions")

    def seed_demo(self, *, options, stdout) -> None:
        from portal.demo import seed_demo_staff

        seed_demo_staff(stdout=stdout)
