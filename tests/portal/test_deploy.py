"""Production settings: `manage.py check --deploy` is clean with a production environment, and refuses to start
without the settings production needs."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-key-" + "y" * 20,
    "ALLOWED_HOSTS": "portal.example.jp",
    "PORTAL_BASE_URL": "https://portal.example.jp",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.jp:587",
}


def _manage(*args, **env):
    environment = {key: value for key, value in os.environ.items() if key not in PRODUCTION}
    environment.update(env, DJANGO_SETTINGS_MODULE="portal.settings")
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_has_no_warnings_in_production():
    result = _manage("check", "--deploy", "--fail-level", "DEBUG", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "PORTAL_BASE_URL", "EMAIL_URL"])
def test_production_refuses_to_start_without(missing):
    env = {key: value for key, value in PRODUCTION.items() if key != missing}
    result = _manage("check", **env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_gunicorn_configuration_is_valid():
    result = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "gunicorn"), "--check-config", "portal.wsgi:application"],
        cwd=settings.BASE_DIR,
        env={**os.environ, **PRODUCTION},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
