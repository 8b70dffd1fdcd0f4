"""QA stress smoke: loadtest/stress.py --small against a real gunicorn serving the test database.

The server is the production stack (gunicorn with config/gunicorn.conf.py, DEBUG off) on a free loopback
port, pointed at the test database pytest-django created; the stress script registers its users through
the API, creates its halls and showtimes with a staff token made here, and audits the database after
each scenario. Its server-log check reads the gunicorn log this test captures.
"""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from rest_framework.authtoken.models import Token

REPO = Path(__file__).resolve().parents[3]
BACKEND = REPO / "backend"
STRESS = REPO / "loadtest" / "stress.py"

pytestmark = [pytest.mark.stress, pytest.mark.django_db(transaction=True)]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_database_url() -> str:
    """DATABASE_URL with its database name swapped for the test database's."""
    url = urlsplit(os.environ["DATABASE_URL"])
    # Built by hand: urlunsplit drops the "//" of a host-less (Unix socket) URL, which libpq then rejects.
    query = f"?{url.query}" if url.query else ""
    return f"{url.scheme}://{url.netloc}/{connection.settings_dict['NAME']}{query}"


test_database_url.__test__ = False  # a helper, not a test


@pytest.fixture
def gunicorn_server(transactional_db, tmp_path):
    """(base_url, log_path) of gunicorn serving the test database; stopped before the test DB is flushed."""
    port = free_port()
    log_path = tmp_path / "gunicorn.log"
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "DEBUG": "false",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "WEB_THREADS": "8",
        "CONN_MAX_AGE": "0",  # no connection outlives a request: the test database can be flushed/dropped
    }
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            # No control socket: it would replace that of any other gunicorn on this machine.
            [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "--no-control-socket", "config.wsgi"],
            cwd=BACKEND,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(f"{base_url}/api/health/", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not come up:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.2)
        yield base_url, log_path
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()


@pytest.fixture
def staff_token(transactional_db) -> str:
    staff = get_user_model().objects.create_user(username="qa-staff", is_staff=True)
    return Token.objects.create(user=staff).key


def test_stress_small_run_passes(gunicorn_server, staff_token):
    base_url, log_path = gunicorn_server
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
