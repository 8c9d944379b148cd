"""Demo data of the portal core (``manage.py seed_demo``). Apps add theirs through their AppConfig."""

from django.conf import settings
from django.contrib.auth.models import Group

from portal.models import Organisation, User
from portal.roles import PARTNER_EDITOR, SECRETARIAT

DEMO_PASSWORD = "monozukuri-demo"  # noqa: S105 - printed on purpose, development only
DEMO_STAFF = [
    # username, last name, first name, organisation, role
    ("demo", "事務局", "太郎", "北海道経済産業局", SECRETARIAT),
    ("demo-partner", "能開", "花子", "北海道職業能力開発協会", PARTNER_EDITOR),
]


def seed_demo_staff(*, stdout) -> None:
    """Demo staff logins, one per role: only with DEBUG on, so they never exist in production."""
    if not settings.DEBUG:
        stdout.write("DEBUG is off: no demo login created.")
        return
    for username, last_name, first_name, organisation_name, role in DEMO_STAFF:
        user, _created = User.objects.get_or_create(
            username=username,
            defaults={
                "last_name": last_name,
                "first_name": first_name,
                "email": f"{username}@example.jp",
                "is_staff": True,
                "organisation": Organisation.objects.get(name=organisation_name),
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=role))
        stdout.write(f"Demo login ({role}, {organisation_name}): {username} / {DEMO_PASSWORD}")
    ensure_demo_secretariat(stdout=stdout)


def ensure_demo_secretariat(*, stdout) -> None:
    """Demo data: the working group's secretariat (it receives what has no other host, such as advisor
    requests) is the demo secretariat login's organisation, unless staff have set one already."""
    from portal.models import WorkingGroup

    group = WorkingGroup.load()
    if group is None or group.secretariat_id is not None:
        return
    group.secretariat = Organisation.objects.get(name=DEMO_STAFF[0][3])
    group.save(update_fields=["secretariat"])
    stdout.write(f"Working group secretariat (demo): {group.secretariat.name}")
