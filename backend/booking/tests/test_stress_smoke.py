"""QA stress smoke: loadtest/stress.py --small against the real app server serving the test database.

The server is the production stack (gunicorn with config/gunicorn.conf.py, DEBUG off, started by the
fault tests' app_server helper) on a free loopback port, pointed at the test database pytest-django
created; the stress script registers its users through the API, creates its halls and showtimes with a
staff token made here, and audits the database after each scenario. Its server-log check reads the
server log this test captures.
"""

import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

from booking.tests.faults.helpers import app_server, test_database_url

REPO = Path(__file__).resolve().parents[3]
BACKEND = REPO / "backend"
STRESS = REPO / "loadtest" / "stress.py"

pytestmark = [pytest.mark.stress, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def app_server_url(transactional_db, tmp_path):
    """(base_url, log_path) of the app server serving the test database; stopped before the test DB is
    flushed. CONN_MAX_AGE=0: no connection outlives a request, so the test database can be flushed."""
    log_path = tmp_path / "server.log"
    with app_server(
        database_url=test_database_url(), log_path=log_path, WEB_CONCURRENCY=2, WEB_THREADS=8, CONN_MAX_AGE=0
    ) as server:
        yield server.base_url, log_path


@pytest.fixture
def staff_token(transactional_db) -> str:
    staff = get_user_model().objects.create_user(username="qa-staff", is_staff=True)
    return Token.objects.create(user=staff).key


def test_stress_small_run_passes(app_server_url, staff_token):
    base_url, log_path = app_server_url
    started = time.monotonic()
    result = subprocess.run(
        [
            sys.executable,
            str(STRESS),
            "--small",
            "--base-url",
            base_url,
            "--staff-token",
            staff_token,
            "--server-log",
            str(log_path),
        ],
        capture_output=True,
        text=True,
        timeout=50,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"stress run failed:\n{output}\n--- server log ---\n{log_path.read_text()[-4000:]}"
    assert "7/7 scenarios passed" in output
    assert time.monotonic() - started < 50
