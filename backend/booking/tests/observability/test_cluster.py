"""`make cluster` in small: scripts/cluster.py runs two app servers (+ the sweeper) on the test database,
loadtest/stress.py --small spreads its users over both, and both servers' /metrics saw seat holds.

Modelled on test_stress_smoke.py: production settings (DEBUG off), CONN_MAX_AGE=0 so no connection outlives
a request, everything stopped (SIGTERM to cluster.py, which stops its children) before the test database is
flushed. STRESS_SCRIPT may point at another copy of the stress script (e.g. a patched one under review).
"""

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from django.contrib.auth import get_user_model
from prometheus_client.parser import text_string_to_metric_families
from rest_framework.authtoken.models import Token

from booking.tests.faults.helpers import free_port, test_database_url

REPO = Path(__file__).resolve().parents[4]
CLUSTER = REPO / "scripts" / "cluster.py"
STRESS = Path(os.environ.get("STRESS_SCRIPT") or REPO / "loadtest" / "stress.py")

pytestmark = [pytest.mark.stress, pytest.mark.django_db(transaction=True)]


def stress_takes_several_servers() -> bool:
    result = subprocess.run([sys.executable, str(STRESS), "--help"], capture_output=True, text=True, timeout=30)
    return "comma-separated" in result.stdout


def holds_counted(base_url: str) -> float:
    text = httpx.get(f"{base_url}/metrics", timeout=5).text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "boxoffice_holds_total":
                return sample.value
    return 0.0


@pytest.fixture
def cluster(transactional_db, tmp_path):
    """(base URLs, log path) of two servers started by scripts/cluster.py on the test database."""
    if not stress_takes_several_servers():
        pytest.skip(f"{STRESS} takes one --base-url only (see /tmp/stress-multi.patch / docs/scaling.md)")
    ports = [free_port(), free_port()]
    while ports[0] == ports[1]:
        ports[1] = free_port()
    log_path = tmp_path / "cluster.log"
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "DEBUG": "false",
        "CONN_MAX_AGE": "0",
    }
    argv = [sys.executable, str(CLUSTER), "--ports", ",".join(map(str, ports)), "--no-seed", "--no-collectstatic"]
    argv += ["--workers", "2", "--threads", "8", "--sweep-every", "1", "--ready-timeout", "30"]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            argv, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        deadline = time.monotonic() + 45
        while b"Ctrl-C stops everything" not in log_path.read_bytes():
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"cluster did not come up:\n{log_path.read_text()[-4000:]}")
            time.sleep(0.2)
        yield urls, log_path
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGTERM)  # cluster.py stops its servers and the sweeper
            try:
                process.wait(timeout=25)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        assert process.returncode == 0, f"cluster.py exited {process.returncode}:\n{log_path.read_text()[-3000:]}"
        for url in urls:
            with pytest.raises(httpx.TransportError):
                httpx.get(f"{url}/api/health/", timeout=2)


@pytest.fixture
def staff_token(transactional_db) -> str:
    staff = get_user_model().objects.create_user(username="qa-staff", is_staff=True)
    return Token.objects.create(user=staff).key


def test_stress_small_spread_over_two_servers(cluster, staff_token):
    urls, log_path = cluster
    for url in urls:
        assert httpx.get(f"{url}/api/ready/", timeout=5).json() == {"status": "ready"}
    started = time.monotonic()
    result = subprocess.run(
        [
            *(sys.executable, str(STRESS), "--small", "--base-url", ",".join(urls)),
            *("--staff-token", staff_token, "--server-log", str(log_path)),
        ],
        capture_output=True,
        text=True,
        timeout=55,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"stress run failed:\n{output}\n--- cluster log ---\n{log_path.read_text()[-4000:]}"
    assert "7/7 scenarios passed" in output
    assert time.monotonic() - started < 55
    # Both servers took seat writes: each one's own /metrics (summed over its workers) counted holds.
    assert all(holds_counted(url) > 0 for url in urls), [holds_counted(url) for url in urls]
