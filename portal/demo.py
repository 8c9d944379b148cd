"""Demo data of the portal core (``manage.py seed_demo``). Apps add theirs through their AppConfig."""

from django.conf import settings
from django.contrib.auth.models import Group

from portal.models import Organisation, User
from portal.roles import PARTNER_EDITOR, SECRETARIAT

DEMO_PASSWORD = "monozukuri-demo"  # noqa: S105 - printed on purpose, development only
#: one-time backup codes of the demo logins' second factor (staff sign in with a password and a code); each works
#: once, and every seed_demo (make run) gives the unused ones back
DEMO_BACKUP_CODES = [f"2026{number:04d}" for number in range(1, 11)]
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
        _demo_backup_codes(user)
        stdout.write(f"Demo login ({role}, {organisation_name}): {username} / {DEMO_PASSWORD}")
    stdout.write(
        f"Second factor of the demo logins: a backup code, {DEMO_BACKUP_CODES[0]} to {DEMO_BACKUP_CODES[-1]} "
        "(each once; seed_demo restores them)."
    )
    ensure_demo_secretariat(stdout=stdout)


def _demo_backup_codes(user) -> None:
    """A demo login's second factor: an authenticator app nobody has (its random key is never shown) and the fixed
    backup codes, so that trying the portal needs no app: at the code step, choose "Use Backup Token"."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.get_or_create(user=user, name="default", defaults={"confirmed": True})
    device, _created = StaticDevice.objects.get_or_create(user=user, name="backup", defaults={"confirmed": True})
    have = set(device.token_set.values_list("token", flat=True))
    device.token_set.bulk_create(
        [device.token_set.model(device=device, token=code) for code in DEMO_BACKUP_CODES if code not in have]
    )


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
