"""`make cluster` in small: scripts/cluster.py runs two app servers (+ the sweeper) on the test database,
loadtest/stress.py --small spreads its users over both, and both servers' /metrics saw seat holds.

Modelled on tests/loadtest/test_stress_smoke.py: production settings (DEBUG off), CONN_MAX_AGE=0 so no
connection outlives a request, everything stopped (SIGTERM to cluster.py, which stops its children; then the
shared started_process helper of booking/tests/faults/helpers.py stops whatever is left) before the test
database is flushed. STRESS_SCRIPT may point at another copy of the stress script (e.g. a patched one under
review).
"""

import os
import signal
import subprocess
import sys
from contextlib import suppress
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from booking.tests.faults.helpers import free_port, server_env, started_process, test_database_url
from tests.helpers import REPO, assert_stress_small_passes
from tests.helpers import STRESS as DEFAULT_STRESS

CLUSTER = REPO / "scripts" / "cluster.py"
STRESS = Path(os.environ.get("STRESS_SCRIPT") or DEFAULT_STRESS)

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
    argv = [sys.executable, str(CLUSTER), "--ports", ",".join(map(str, ports)), "--no-seed", "--no-collectstatic"]
    argv += ["--workers", "2", "--threads", "8", "--sweep-every", "1", "--ready-timeout", "30"]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    with started_process(
        argv,
        cwd=REPO,
        env=server_env(database_url=test_database_url(), CONN_MAX_AGE=0),
        log_path=log_path,
        ready=lambda: b"Ctrl-C stops everything" in log_path.read_bytes(),
        timeout=45,
        what="cluster",
    ) as process:
        yield urls, log_path
        # Checked before the helper stops what is left of the group: cluster.py itself, on SIGTERM (to it
        # alone), stops its servers and the sweeper and exits 0.
        if process.poll() is None:
            os.kill(process.pid, signal.SIGTERM)
            with suppress(subprocess.TimeoutExpired):
                process.wait(timeout=25)
        assert process.poll() == 0, f"cluster.py exited {process.returncode}:\n{log_path.read_text()[-3000:]}"
        for url in urls:
            with pytest.raises(httpx.TransportError):
                httpx.get(f"{url}/api/health/", timeout=2)


def test_stress_small_spread_over_two_servers(cluster, staff_token):
    urls, log_path = cluster
    for url in urls:
        assert httpx.get(f"{url}/api/ready/", timeout=5).json() == {"status": "ready"}
    assert_stress_small_passes(
        base_url=",".join(urls), staff_token=staff_token, server_log=log_path, seconds=55, script=STRESS
    )
    # Both servers took seat writes: each one's own /metrics (summed over its workers) counted holds.
    assert all(holds_counted(url) > 0 for url in urls), [holds_counted(url) for url in urls]
