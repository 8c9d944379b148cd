"""Project-wide checks: migrations, translations, settings, demo data."""

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from portal import devdb
from portal.models import User
from portal.settings import mailer_from_url

BASE_DIR = Path(__file__).resolve().parents[2]
CATALOGUE = BASE_DIR / "portal" / "locale" / "ja" / "LC_MESSAGES"


@pytest.mark.django_db
def test_no_migration_is_missing():
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit:
        pytest.fail(f"Models changed without a migration:\n{out.getvalue()}")


def test_japanese_catalogue_is_complete_and_compiled(tmp_path):
    """Extract the strings afresh from a copy of the code: every one has a Japanese translation."""
    if shutil.which("xgettext") is None:
        pytest.fail("GNU gettext is needed (scripts/system-deps installs it)")
    for name in ["manage.py", "portal", "programmes", "supporters", "seminars", "templates"]:
        source = BASE_DIR / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, tmp_path / name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "ja", "--no-location"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        env=dict(os.environ, DJANGO_SETTINGS_MODULE="portal.settings"),
    )
    extracted = polib.pofile(str(tmp_path / "portal/locale/ja/LC_MESSAGES/django.po"))
    missing = [entry.msgid for entry in extracted if not entry.obsolete and not entry.translated()]
    assert missing == [], "Untranslated (run `make messages` and translate portal/locale/ja):\n" + "\n".join(missing)
    committed = {entry.msgid: entry.msgstr for entry in polib.pofile(str(CATALOGUE / "django.po"))}
    compiled = {entry.msgid: entry.msgstr for entry in polib.mofile(str(CATALOGUE / "django.mo"))}
    compiled.pop("", None)
    assert compiled == {k: v for k, v in committed.items() if k}, "django.mo is stale: run `make messages`"


def test_production_refuses_the_development_secret_key():
    env = dict(os.environ, DEBUG="false", DJANGO_SETTINGS_MODULE="portal.settings", EMAIL_URL="smtp://relay")
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_production_settings_pass_the_deploy_check():
    env = dict(
        os.environ,
        DEBUG="false",
        SECRET_KEY="x" * 20 + "-a-long-random-production-secret-key-for-the-test",
        ALLOWED_HOSTS="portal.example.jp",
        EMAIL_URL="smtp+tls://portal:secret@smtp.example.jp:587",
        PORTAL_BASE_URL="https://portal.example.jp",
        DJANGO_SETTINGS_MODULE="portal.settings",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("url", "backend", "options"),
    [
        ("console://", "console", None),
        ("smtp+tls://user%40example.jp:p%40ss@smtp.example.jp:587", "smtp", ("smtp.example.jp", 587, True, False)),
        ("smtps://u:p@smtp.example.jp", "smtp", ("smtp.example.jp", 465, False, True)),
        ("smtp://relay.local", "smtp", ("relay.local", 25, False, False)),
    ],
)
def test_email_url(url, backend, options):
    config = mailer_from_url(url)
    assert config["BACKEND"] == f"django.core.mail.backends.{backend}.EmailBackend"
    if options:
        o = config["OPTIONS"]
        assert (o["host"], o["port"], o["use_tls"], o["use_ssl"]) == options
    if url.startswith("smtp+tls"):
        assert (config["OPTIONS"]["username"], config["OPTIONS"]["password"]) == ("user@example.jp", "p@ss")


def test_production_refuses_to_run_without_mail():
    env = dict(os.environ, DEBUG="false", SECRET_KEY="s" * 50, DJANGO_SETTINGS_MODULE="portal.settings")
    env.pop("EMAIL_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "Set EMAIL_URL" in result.stderr


def test_email_url_with_an_unknown_scheme_is_explained():
    with pytest.raises(ImproperlyConfigured, match="unknown scheme 'smpt'"):
        mailer_from_url("smpt://typo.example.jp")


def test_development_database_socket_path_is_short():
    # Unix socket paths are limited to ~107 bytes: "<dir>/.s.PGSQL.5432" must fit wherever the checkout is.
    assert len(str(devdb.socket_dir() / ".s.PGSQL.5432")) < 40


@pytest.mark.django_db
def test_seed_demo_creates_demo_staff_and_is_idempotent(settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=out)
    demo = User.objects.get(username="demo")
    partner = User.objects.get(username="demo-partner")
    assert demo.check_password("monozukuri-demo")
    assert (demo.is_staff, demo.organisation.name) == (True, "北海道経済産業局")
    assert list(demo.groups.values_list("name", flat=True)) == ["secretariat"]
    assert list(partner.groups.values_list("name", flat=True)) == ["partner_editor"]
    assert User.objects.filter(username__startswith="demo").count() == 2
    assert "demo / monozukuri-demo" in out.getvalue()


@pytest.mark.django_db
def test_seed_demo_makes_no_login_when_debug_is_off(settings):
    settings.DEBUG = False
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert not User.objects.filter(username="demo").exists()
    assert "monozukuri-demo" not in out.getvalue()
    assert "no demo login" in out.getvalue()


@pytest.mark.django_db
def test_seed_demo_dry_run_writes_nothing(settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("seed_demo", "--dry-run", stdout=out)
    assert not User.objects.filter(username="demo").exists()
    assert Group.objects.count() == 2
    assert "Dry run" in out.getvalue()
