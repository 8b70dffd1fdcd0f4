"""loadtest/webtier_cpu.py runs every kind of request it measures (each checks its answer's status: a
hold and its release, a hot seat's loser 409, a 404, a 304, a full read, best available and its release),
with and without the request log and metrics (--observability), and cleans up its database."""

import os
import re
import subprocess
import sys
from pathlib import Path

import psycopg

SCRIPT = Path(__file__).resolve().parents[2] / "loadtest" / "webtier_cpu.py"


def _databases(url: str) -> set[str]:
    with psycopg.connect(url, dbname="postgres") as conn:
        return {
            name for (name,) in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 'boxoffice_webtier_%'")
        }


def test_every_kind_runs_and_its_database_is_dropped():
    url = os.environ["DATABASE_URL"]
    before = _databases(url)
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--requests", "30", "--rounds", "2", "--hall", "2x5", "--observability"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "DATABASE_URL": url},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    kinds = re.findall(r"^(\w+)\s+least (\d+\.\d+) ms", done.stdout, re.MULTILINE)
    assert [kind for kind, _ in kinds] == ["hold", "loser", "404", "304", "layout", "best"], done.stdout
    assert all(float(ms) > 0 for _, ms in kinds)
    shares = re.findall(
        r"without the request log and metrics: least (\d+\.\d+) ms; their share (-?\d+\.\d+) %", done.stdout
    )
    assert len(shares) == len(kinds), done.stdout
    assert all(float(ms) > 0 for ms, _ in shares)
    assert _databases(url) == before
