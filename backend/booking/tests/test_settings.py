"""Production settings: `check --deploy` is clean, and a missing SECRET_KEY is refused when DEBUG is off."""

import os
import subprocess
import sys
from pathlib import Path

BACKEND_DIR = Path(__file__).resolve().parents[2]
STRONG_SECRET_KEY = "k8#Qv2!pZr7@Lm4$Wt9^Xs1&Bn6*Jd3(Hf5)Gc0-Ye_Ua+Ri=To%Pl~Ek"

# Variables that would leak from the developer's or the test run's environment into the child.
_SETTINGS_VARS = (
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "HTTPS",
    "HOLD_TTL_SECONDS",
    "MAX_SEATS_PER_HOLD",
    "LOCK_TIMEOUT_MS",
    "THROTTLE_RATES",
    "DJANGO_SETTINGS_MODULE",
)


def _env(**overrides) -> dict:
    env = {key: value for key, value in os.environ.items() if key not in _SETTINGS_VARS}
    env["DATABASE_URL"] = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def _run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=BACKEND_DIR, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def _production_env(**overrides) -> dict:
    production = {
        "DEBUG": "false",
        "HTTPS": "true",
        "SECRET_KEY": STRONG_SECRET_KEY,
        "ALLOWED_HOSTS": "boxoffice.example.com",
    }
    return _env(**{**production, **overrides})


def test_strong_secret_key_is_long_enough():
    assert len(STRONG_SECRET_KEY) >= 50
    assert len(set(STRONG_SECRET_KEY)) >= 5


def test_check_deploy_is_clean_in_production():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], _production_env())

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNING" not in output
    assert "security.W" not in output
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_without_https():
    """The check itself is live: plain HTTP in production is reported."""
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], _production_env(HTTPS="false"))

    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout  # no HSTS


def test_production_security_settings():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS >= 31536000, s.SECURE_PROXY_SSL_HEADER, s.ALLOWED_HOSTS)"
    )
    result = _run(["-c", code], _production_env())

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "False True True True True ('HTTP_X_FORWARDED_PROTO', 'https') ['boxoffice.example.com']"
    )


def test_missing_secret_key_with_debug_off_is_refused():
    env = _production_env(SECRET_KEY=None)
    assert "SECRET_KEY" not in env

    result = _run(["-c", "import config.settings"], env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_empty_secret_key_with_debug_off_is_refused():
    result = _run(["manage.py", "check"], _production_env(SECRET_KEY=""))

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_debug_defaults_to_off():
    result = _run(["-c", "import config.settings"], _env())

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_debug_without_secret_key_uses_a_random_development_key():
    code = "import config.settings as s; print(s.DEBUG, s.SECRET_KEY.startswith('django-insecure-'), len(s.SECRET_KEY))"

    first = _run(["-c", code], _env(DEBUG="true"))
    second = _run(["-c", "import config.settings as s; print(s.SECRET_KEY)"], _env(DEBUG="true"))
    third = _run(["-c", "import config.settings as s; print(s.SECRET_KEY)"], _env(DEBUG="true"))

    assert first.returncode == 0, first.stderr
    debug, insecure, length = first.stdout.split()
    assert (debug, insecure) == ("True", "True")
    assert int(length) >= 50
    assert second.stdout != third.stdout


def test_a_malformed_throttle_rate_stops_the_process_at_start():
    bad = _run(["-c", "import config.settings"], _production_env(THROTTLE_RATES="hold=lots"))
    good = _run(
        ["-c", "from config import settings; print(settings.THROTTLE_RATES['hold'], settings.THROTTLE_RATES['book'])"],
        _production_env(THROTTLE_RATES="hold=5/s"),
    )

    assert bad.returncode != 0
    assert "Bad throttle rate 'lots'" in bad.stderr
    assert good.stdout.split() == ["5/s", "60/min"], good.stderr
