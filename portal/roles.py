"""Staff roles are Django groups: ``secretariat`` may do everything, ``partner_editor`` edits the listings
of its own organisation only (the admin scopes its querysets, see portal/admin.py).

The groups are created by a migration; their permissions are (re)synchronised after every ``migrate``,
because permissions of models added later only exist once their app has migrated.
"""

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS

SECRETARIAT = "secretariat"
PARTNER_EDITOR = "partner_editor"
ROLES = (SECRETARIAT, PARTNER_EDITOR)

# What a partner editor may see of the shared reference data, and edit of its own organisation.
PARTNER_EDITOR_PERMISSIONS = {
    ("portal", "view_subprefecture"),
    ("portal", "view_municipality"),
    ("portal", "view_fundingscheme"),
    ("portal", "view_organisation"),
    ("portal", "change_organisation"),
    # requests from schools for what their organisation provides (scoped in the admin)
    ("portal", "view_enquiry"),
    ("portal", "change_enquiry"),
    # sessions of their organisation's programmes and the registrations for them (scoped in the admin);
    # registrations are never added or deleted by hand (portal.booking.services), history is read-only
    ("portal", "view_session"),
    ("portal", "change_session"),
    ("portal", "view_registration"),
    ("portal", "change_registration"),
    ("portal", "view_registrationevent"),
    # the survey answers about their organisation's programmes (scoped on the results page)
    ("portal", "view_surveyresponse"),
    ("portal", "view_surveyinvitation"),
}
LISTING_ACTIONS = ("add", "change", "view")


def listing_models(apps=global_apps):
    """Every concrete model that records its providing organisation (subclasses of ProvidedListing)."""
    from portal.models import ProvidedListing

    return [model for model in apps.get_models() if issubclass(model, ProvidedListing)]


def sync_role_permissions(*, using: str = DEFAULT_DB_ALIAS, sender=None, **_kwargs) -> None:
    """Give each role group its permissions. Safe to run any number of times.

    As a post_migrate receiver it acts once per migrate (or flush), after the last app's permissions
    exist: post_migrate is sent once for every app that has models.
    """
    if sender is not None and sender is not _last_app_with_models():
        return
    Group = global_apps.get_model("auth", "Group")
    Permission = global_apps.get_model("auth", "Permission")

    groups = {group.name: group for group in Group.objects.using(using).filter(name__in=ROLES)}
    if SECRETARIAT in groups:
        groups[SECRETARIAT].permissions.set(Permission.objects.using(using).all())
    if PARTNER_EDITOR in groups:
        wanted = set(PARTNER_EDITOR_PERMISSIONS)
        for model in listing_models():
            opts = model._meta
            wanted |= {(opts.app_label, f"{action}_{opts.model_name}") for action in LISTING_ACTIONS}
        permissions = [
            permission
            for permission in Permission.objects.using(using).select_related("content_type")
            if (permission.content_type.app_label, permission.codename) in wanted
        ]
        groups[PARTNER_EDITOR].permissions.set(permissions)


def _last_app_with_models():
    return [config for config in global_apps.get_app_configs() if config.models_module is not None][-1]
