#!/usr/bin/env python3
"""Boxoffice benchmarks: the database's own ceiling, then Boxoffice over HTTP, in one run on one database.

    .venv/bin/python loadtest/bench.py                    # full run, writes docs/benchmarks/latest.{md,json}
    .venv/bin/python loadtest/bench.py --quick            # 5 s phases instead of 10 s (noisier)
    .venv/bin/python loadtest/bench.py --profile          # also py-spy a worker under hold load
    .venv/bin/python loadtest/bench.py --compare HEAD~1   # A/B: this tree (A) against a commit (B), one run
    .venv/bin/python loadtest/bench.py --base-url http://127.0.0.1:8000   # a server that is already running
    .venv/bin/python loadtest/bench.py --workers 2 --threads 16 --out /tmp/b   # try gunicorn settings

Database: DATABASE_URL when set (used as is: nothing is created or dropped there; it must be empty or a
previous bench database), otherwise a fresh database `boxoffice_bench` on the PostgreSQL server at
127.0.0.1:5432 (user postgres), created at the start and dropped at the end. Over TCP on loopback,
like a production app server talking to its database; the embedded server of `make run` is not used
because it is shared with whatever else is running (tests, dev servers).

Server: gunicorn with config/gunicorn.conf.py (its defaults unless --workers/--threads), DEBUG off, no
access log, migrated and seeded here through the Django services (halls of 1,000 and 5,000 seats, one
fresh showtime per measurement, users with API tokens), then ANALYZEd, as autoanalyze would soon do.

Measured, one phase each (PHASES):
  1. ceiling: pgbench runs the hold statement itself (a single-row UPDATE in autocommit) with as many
     clients as the app has database sessions (workers x threads) -- on distinct seats, and on one
     hot (held) seat where it finds nothing to update; then the seat functions the services call (a
     hold and its release), which is what a hold costs PostgreSQL with HTTP left out.
  2. floors: an empty JSON 404 through the whole middleware stack, and GET /api/health/ (one SELECT 1).
  3. HTTP: hold throughput on distinct seats; holds of pairs on a showtime under the no-single-seat rule;
     best available (parties of 2-4 until no block is left); flash sale (100 clients sell out 1,000 seats: hold + book);
     hot seat (200 clients, one seat, losers' 409 latencies); layout reads of a 1,000-seat hall with
     50 clients (full body and 304); one client reading a 5,000-seat layout, unchanged and after a write.
Reads with 50 clients (the floors, the 1,000-seat layout) use wrk when installed, the other phases (and
the reads without wrk) a minimal asyncio HTTP/1.1 keep-alive client.

Cost model: every phase records the CPU seconds of the load generator (this process and its children),
gunicorn (master + workers) and PostgreSQL (its processes, less the client backends of other databases);
their sum over the requests the phase made is the machine's core-ms per request, printed beside the two
floors of the same run on the same server. Reads are judged against 2x the SELECT 1 floor, writes 4x.

--compare REV: A is this tree, B is REV checked out with `git worktree add` into a temporary directory
(removed at the end). Each side has its own database (boxoffice_bench_a / _b on the same server),
migrated and seeded by its own manage.py, and its own gunicorn started from its own backend/; every
phase runs on A, B, B, A and each side's figure is the mean of its two runs. Writes
compare-<A>-<B>.md/json to --out (A is HEAD's short hash, +dirty with uncommitted changes).

--base-url URL: measures a server that is already running (e.g. `make run`, loopback only). Halls and
showtimes are created through the staff API (--staff-user/--staff-password, the demo admin by default, or
--staff-token), moviegoers through POST /api/auth/register/. The server's processes are found by its
listening port and its PostgreSQL through their connections (else their CPU is unknown); the ceiling
needs --database-url (the server's DATABASE_URL) and is skipped without it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg

REPO = Path(__file__).resolve().parent.parent
PGBENCH_CANDIDATES = ["pgbench", "/usr/lib/postgresql/15/bin/pgbench"]
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432"
BENCH_DB = "boxoffice_bench"
FLOOR_404_PATH = "/api/no-such-endpoint/"
READ_CONNECTIONS = 50
# The floor the per-request targets are judged against: a request that makes one database round trip.
COST_FLOOR = "floor_select1"

# The targets (issue 10). The cost ones are the worst phase's CPU per request over the floor's.
TARGETS = {
    "flash_sale_bookings_per_s": (">=", 400),
    "hold_distinct_ratio_to_ceiling": (">=", 0.08),
    "hot_seat_losers_p99_ms": ("<=", 100),
    "layout_1000_full_reads_per_s": (">=", 1500),
    "layout_1000_304_per_s": (">=", 3000),
    "layout_5000_p50_ms": ("<=", 10),
    "read_cost_to_floor": ("<=", 2),
    "write_cost_to_floor": ("<=", 4),
}

# Every figure as printed: label, format.
FIGURES = {
    "ceiling_distinct_tps": ("Raw SQL ceiling: hold tx, distinct seats (tx/s)", "{:,.0f}"),
    "ceiling_hot_tps": ("Raw SQL ceiling: hold tx, one hot seat (tx/s)", "{:,.0f}"),
    "seat_functions_tps": ("Seat functions (pgbench): hold + release pairs, distinct seats (pairs/s)", "{:,.0f}"),
    "hold_distinct_per_s": ("HTTP hold, distinct seats, 64 clients (holds/s)", "{:,.1f}"),
    "hold_distinct_ratio_to_ceiling": ("HTTP hold, distinct seats: share of the ceiling", "{:.2%}"),
    "hold_rule_per_s": ("HTTP hold of pairs, no-single-seat rule on, 64 clients (holds/s)", "{:,.1f}"),
    "hold_rule_p99_ms": ("HTTP hold of pairs, no-single-seat rule on: p99 (ms)", "{:,.1f}"),
    "best_available_parties_per_s": ("Best available, parties of 2-4, 50 clients (parties/s)", "{:,.1f}"),
    "best_available_p99_ms": ("Best available, parties of 2-4: p99 (ms)", "{:,.1f}"),
    "flash_sale_bookings_per_s": ("Flash sale, 1,000 seats, 100 clients (bookings/s)", "{:,.1f}"),
    "flash_sale_errors": ("Flash sale: errors (5xx, transport)", "{:,.0f}"),
    "hot_seat_losers_p50_ms": ("Hot seat, 200 clients: losers' 409 p50 (ms)", "{:,.1f}"),
    "hot_seat_losers_p95_ms": ("Hot seat, 200 clients: losers' 409 p95 (ms)", "{:,.1f}"),
    "hot_seat_losers_p99_ms": ("Hot seat, 200 clients: losers' 409 p99 (ms)", "{:,.1f}"),
    "layout_1000_full_reads_per_s": ("Layout 1,000 seats, 50 clients, full body (reads/s)", "{:,.0f}"),
    "layout_1000_304_per_s": ("Layout 1,000 seats, 50 clients, 304 (reads/s)", "{:,.0f}"),
    "layout_5000_p50_ms": ("Layout 5,000 seats, one client, p50 (ms)", "{:.2f}"),
    "layout_5000_after_write_p50_ms": ("Layout 5,000 seats right after a write, p50 (ms)", "{:.2f}"),
    "floor_404_core_ms": ("Floor: JSON 404 (core-ms per request)", "{:.3f}"),
    "floor_select1_core_ms": ("Floor: one SELECT 1 (core-ms per request)", "{:.3f}"),
    "read_cost_to_floor": ("Worst read: CPU per request / floor", "{:.2f}x"),
    "write_cost_to_floor": ("Worst write: CPU per request / floor", "{:.2f}x"),
}
TARGET_LABELS = {
    "flash_sale_bookings_per_s": ("flash sale, 1,000 seats, 100 clients", "{:,.0f} bookings/s"),
    "hold_distinct_ratio_to_ceiling": ("holds on distinct seats", "{:.1%} of the ceiling"),
    "hot_seat_losers_p99_ms": ("hot seat, 200 clients, losers' p99", "{:,.0f} ms"),
    "layout_1000_full_reads_per_s": ("layout 1,000 seats, 50 clients, full body", "{:,.0f} reads/s"),
    "layout_1000_304_per_s": ("layout 1,000 seats, 50 clients, 304", "{:,.0f} 304s/s"),
    "layout_5000_p50_ms": ("layout 5,000 seats, p50", "{:.1f} ms"),
    "read_cost_to_floor": ("CPU per read request", "{:.1f}x the floor"),
    "write_cost_to_floor": ("CPU per write request", "{:.1f}x the floor"),
}


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def ratio(value: float | None, reference: float | None) -> float | None:
    return round(value / reference, 4) if value is not None and reference else None


def is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and not math.isnan(value)


def mean_dicts(values: list):
    """The mean of several runs' results: numbers averaged (recursively in dicts), anything else the first's."""
    first = next((v for v in values if v is not None), None)
    if isinstance(first, dict):
        keys = dict.fromkeys(key for v in values if isinstance(v, dict) for key in v)
        return {key: mean_dicts([v.get(key) if isinstance(v, dict) else None for v in values]) for key in keys}
    if is_number(first):
        numbers = [v for v in values if is_number(v)]
        mean = sum(numbers) / len(numbers)
        return int(mean) if all(isinstance(v, int) for v in numbers) and mean == int(mean) else round(mean, 3)
    return first


def fmt(value, spec: str = "{:,.1f}") -> str:
    return spec.format(value) if is_number(value) else "unknown"


def git(*args: str) -> str:
    # GIT_OPTIONAL_LOCKS=0: `git status` must not take the index lock others' git commands may need.
    out = subprocess.run(
        ["git", "-C", str(REPO), *args],
        capture_output=True,
        text=True,
        env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},
    )
    if out.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed: {out.stderr.strip()}")
    return out.stdout.strip()


def describe_tree() -> str:
    """HEAD's short hash, with +dirty when the tree has uncommitted changes."""
    return git("rev-parse", "--short", "HEAD") + ("+dirty" if git("status", "--porcelain") else "")


# --- machine and CPU accounting -------------------------------------------------------------------------


def machine() -> dict:
    cpu = "unknown"
    with open("/proc/cpuinfo") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as fh:
        mem_kb = int(fh.readline().split()[1])
    return {
        "nproc": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "cpu_model": cpu,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _stat(pid: int) -> list[str]:
    """/proc/PID/stat after the command name (fields 3.. of proc(5)), [] when the process is gone."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return []


def _ppid(pid: int) -> int:
    fields = _stat(pid)
    return int(fields[1]) if fields else 0


def _comm(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/comm") as fh:
            return fh.read().strip()
    except OSError:
        return ""


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            return [int(p) for p in fh.read().split()]
    except OSError:
        return []


def _cpu_seconds(pids: list[int]) -> float:
    """utime + stime + cutime + cstime (the last two: children it has reaped) of these processes."""
    total = 0
    for pid in pids:
        total += sum(int(x) for x in _stat(pid)[11:15])
    return total / os.sysconf("SC_CLK_TCK")


def _tree_cpu(roots: list[int]) -> float:
    return sum(_cpu_seconds([root, *_children(root)]) for root in roots)


class PgCpu:
    """CPU seconds of one PostgreSQL server: the postmaster, the processes it runs and those it reaped, less
    the client backends of other databases (tests may share the server). Without a monitoring connection
    (--base-url without --database-url) it is the whole server."""

    def __init__(self, postmaster: int | None, monitor_url: str | None = None, databases: set[str] | None = None):
        self.postmaster, self.databases = postmaster, sorted(databases or ())
        self.conn = None
        if postmaster and monitor_url and self.databases:
            try:
                self.conn = psycopg.connect(monitor_url, autocommit=True)
            except psycopg.Error as exc:
                log(f"cannot read pg_stat_activity ({exc}): PostgreSQL CPU is the whole server's")

    def sample(self) -> dict | None:
        if not self.postmaster:
            return None
        others: set[int] = set()
        if self.conn is not None:
            rows = self.conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname IS NOT NULL AND datname::text <> ALL(%s)",
                [self.databases],
            ).fetchall()
            others = {pid for (pid,) in rows}
        procs = {pid: _cpu_seconds([pid]) for pid in _children(self.postmaster)}
        return {"postmaster": _cpu_seconds([self.postmaster]), "procs": procs, "others": others}

    @staticmethod
    def delta(before: dict | None, after: dict | None) -> float | None:
        if before is None or after is None:
            return None
        # A process that exited in between entered the postmaster's cutime with its whole life; only what it
        # used after `before` belongs here. (Another database's backend that exited meanwhile cannot be told.)
        total = after["postmaster"] - before["postmaster"]
        total -= sum(cpu for pid, cpu in before["procs"].items() if pid not in after["procs"])
        skip = before["others"] | after["others"]
        total += sum(cpu - before["procs"].get(pid, 0.0) for pid, cpu in after["procs"].items() if pid not in skip)
        return max(total, 0.0)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


class Meter:
    """CPU seconds of the load generator (this process + its children), the app server and PostgreSQL."""

    def __init__(self, server_roots: list[int], pg: PgCpu) -> None:
        self.server_roots, self.pg = server_roots, pg

    def sample(self) -> dict:
        own = os.times()
        return {
            "client": own.user + own.system + own.children_user + own.children_system,
            "gunicorn": _tree_cpu(self.server_roots) if self.server_roots else None,
            "postgres": self.pg.sample(),
            "wall": time.perf_counter(),
        }

    @staticmethod
    def delta(before: dict, after: dict) -> dict:
        wall = after["wall"] - before["wall"]
        used = {
            "client": after["client"] - before["client"],
            "gunicorn": None if before["gunicorn"] is None else after["gunicorn"] - before["gunicorn"],
            "postgres": PgCpu.delta(before["postgres"], after["postgres"]),
        }
        out: dict = {"wall_s": round(wall, 2)}
        for key, value in used.items():
            out[f"{key}_s"] = None if value is None else round(value, 3)
            out[f"{key}_cores"] = None if value is None or wall <= 0 else round(value / wall, 2)
        return out


# --- finding a running server's processes (--base-url) ---------------------------------------------------------


def _socket_inodes(pid: int) -> set[int]:
    inodes = set()
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return inodes
    for fd in fds:
        try:
            link = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if link.startswith("socket:["):
            inodes.add(int(link[8:-1]))
    return inodes


def _owners(inodes: set[int]) -> set[int]:
    """The processes holding any of these sockets (reads every /proc/PID/fd it may: run as root or the owner)."""
    if not inodes:
        return set()
    return {int(e) for e in os.listdir("/proc") if e.isdigit() and _socket_inodes(int(e)) & inodes}


def _tcp_sockets() -> list[tuple[str, str, str, int]]:
    """(local, remote, state, inode) of every TCP socket, from /proc/net/tcp and tcp6 (hex addresses)."""
    rows = []
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(name) as fh:
                lines = fh.read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            f = line.split()
            rows.append((f[1], f[2], f[3], int(f[9])))
    return rows


def server_roots_by_port(port: int) -> list[int]:
    """The top processes (gunicorn's master) of whatever listens on this TCP port; [] if none is visible."""
    listening = {
        inode for local, _, state, inode in _tcp_sockets() if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port
    }
    holders = _owners(listening)
    return sorted(pid for pid in holders if _ppid(pid) not in holders)


def postmaster_of(pids: list[int]) -> int | None:
    """The PostgreSQL server these processes are connected to (over TCP or a Unix socket): the other end of
    a connection is a backend, and the backend's parent the postmaster."""
    mine = set().union(*(_socket_inodes(pid) for pid in pids))
    peers = set()
    established = {(local, remote): inode for local, remote, state, inode in _tcp_sockets() if state == "01"}
    for (local, remote), inode in established.items():
        if inode in mine and (remote, local) in established:
            peers.add(established[(remote, local)])
    with contextlib.suppress(OSError, subprocess.SubprocessError):  # Unix sockets: `ss -xn` pairs the inodes
        for line in subprocess.run(["ss", "-xn"], capture_output=True, text=True, timeout=10).stdout.splitlines():
            f = line.split()
            if len(f) >= 8 and f[-3].isdigit() and f[-1].isdigit() and int(f[-3]) in mine:
                peers.add(int(f[-1]))
    for pid in sorted(_owners(peers)):
        if _comm(pid) == "postgres":
            while _comm(_ppid(pid)) == "postgres":
                pid = _ppid(pid)
            return pid
    return None


# --- databases ------------------------------------------------------------------------------------------


def with_dbname(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def dbname(url: str) -> str:
    return urlsplit(url).path.lstrip("/") or "postgres"


@contextlib.contextmanager
def bench_databases(names: list[str], explicit: str | None):
    """Yield one DATABASE_URL per name: DATABASE_URL itself for a single run when it is set, otherwise fresh
    databases of these names (created here, dropped at the end) on DATABASE_URL's server or DEFAULT_SERVER."""
    if explicit and len(names) == 1:
        yield [explicit]
        return
    server = explicit or DEFAULT_SERVER
    admin = with_dbname(server, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        for name in names:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {name}")
    log(f"created database {' and '.join(names)}")
    try:
        yield [with_dbname(server, name) for name in names]
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            for name in names:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        log(f"dropped database {' and '.join(names)}")


def postgres_info(url: str) -> tuple[str, int | None, dict]:
    with psycopg.connect(url) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
        settings = {
            name: conn.execute(f"SHOW {name}").fetchone()[0]
            for name in ("max_connections", "shared_buffers", "synchronous_commit", "fsync")
        }
        try:
            data_dir = conn.execute("SHOW data_directory").fetchone()[0]
            with open(Path(data_dir) / "postmaster.pid") as fh:
                postmaster = int(fh.readline())
        except (OSError, ValueError, psycopg.Error):
            postmaster = None
    return version, postmaster, settings


# --- seeding: through the services (a server started here) or the staff API (--base-url) ------------------------

SEED = """
import json
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.authtoken.models import Token
from booking.models import Movie, ShowSeat, Venue
from booking.services.showtimes import create_hall, create_showtime

venue, _ = Venue.objects.get_or_create(name="Bench Venue", city="Benchville")
movie, _ = Movie.objects.get_or_create(title="Benchmark", defaults={"duration_minutes": 120})
tag = "%(tag)s"
halls = {
    1000: create_hall(venue=venue, name=f"bench-{tag}-1000", rows=40, seats_per_row=25),
    5000: create_hall(venue=venue, name=f"bench-{tag}-5000", rows=50, seats_per_row=100),
}
start = timezone.now() + timedelta(days=20)
shows = {}
for index, (name, size) in enumerate(%(showtimes)s):
    st = create_showtime(hall=halls[size], movie=movie, starts_at=start + timedelta(hours=3 * index))
    if name.startswith("hold_rule."):  # the no-single-seat rule on
        type(st).objects.filter(pk=st.pk).update(prevent_orphans=True)
    seats = list(ShowSeat.objects.filter(showtime=st).order_by("seat_id").values_list("seat_id", flat=True))
    shows[name] = {"id": st.pk, "seat_ids": seats}
User = get_user_model()
users = User.objects.bulk_create(
    [User(username=f"bench-{tag}-{i}", password="!") for i in range(%(users)d)], batch_size=1000
)
tokens = Token.objects.bulk_create([Token(key=Token.generate_key(), user=u) for u in users], batch_size=1000)
print("SEED" + json.dumps({"shows": shows, "users": [[u.pk, t.key] for u, t in zip(users, tokens)]}))
"""
HALLS = {1000: (40, 25), 5000: (50, 100)}  # seats: (rows, seats per row)


def showtime_specs(runs: int, profile: bool) -> list[tuple[str, int]]:
    """(name, seats) of every showtime a run needs: one per run of a phase that uses its showtime up (it holds
    or sells seats), one for phases that only read, one for the profile."""
    specs = {phase.showtime(run): phase.seats for phase in PHASES if phase.seats for run in range(runs)}
    return [*specs.items(), ("profile.0", 5000), ("profile.flash", 1000)] if profile else list(specs.items())


def manage(backend: Path, env: dict, *args: str) -> str:
    out = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=backend, env=env, capture_output=True, text=True, timeout=600
    )
    if out.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{out.stdout[-2000:]}\n{out.stderr[-3000:]}")
    return out.stdout


async def seed_over_http(base: str, args: argparse.Namespace, specs: list[tuple[str, int]]) -> tuple[dict, list]:
    """Halls and showtimes through the staff API, moviegoers through /api/auth/register/ (like loadtest/stress.py)."""
    http = Http(base)
    conn = http.conn()
    token = args.staff_token
    if not token:
        body = {"username": args.staff_user, "password": args.staff_password}
        status, reply, _ = await http.post(conn, "/api/auth/login/", None, body)
        if status != 200:
            raise RuntimeError(f"staff login as {args.staff_user!r} failed: {status} {reply}")
        token = reply["token"]
    tag = secrets.token_hex(3)
    halls = {}
    for seats, (rows, per_row) in HALLS.items():
        body = {"name": f"bench-{tag}-{seats}", "rows": rows, "seats_per_row": per_row}
        status, reply, _ = await http.post(conn, "/api/staff/halls/", token, body)
        if status != 201:
            raise RuntimeError(f"POST /api/staff/halls/: {status} {reply} (is the user staff?)")
        halls[seats] = reply["id"]
    start = datetime.now(UTC) + timedelta(days=20)
    shows = {}
    for index, (name, seats) in enumerate(specs):
        starts = (start + timedelta(hours=3 * index)).isoformat().replace("+00:00", "Z")
        # An hour-long hold TTL: the layout's held seats must not expire while the run reads them.
        body = {"hall_id": halls[seats], "starts_at": starts, "hold_ttl_seconds": 3600}
        if name.startswith("hold_rule."):  # the no-single-seat rule on
            body["prevent_orphans"] = True
        status, reply, _ = await http.post(conn, "/api/staff/showtimes/", token, body)
        if status != 201:
            raise RuntimeError(f"POST /api/staff/showtimes/: {status} {reply}")
        status, data = await http.get(conn, f"/api/hall-layout/{reply['id']}/", token)
        shows[name] = {"id": reply["id"], "seat_ids": sorted(s["id"] for s in json.loads(data)["seats"])}
    log(f"registering {args.users} moviegoers through /api/auth/register/ (PBKDF2: this takes a while)")
    numbers = iter(range(args.users))
    users: list[list] = []

    async def register() -> None:
        own = http.conn()
        for i in numbers:
            for _ in range(3):  # a random password can, rarely, look too much like the username
                body = {"username": f"bench-{tag}-{i}", "password": "Bench-" + secrets.token_urlsafe(12)}
                status, reply, _ = await http.post(own, "/api/auth/register/", None, body)
                if status == 201:
                    users.append([reply["id"], reply["token"]])
                    break
                if status == 429:
                    raise RuntimeError("registrations are rate limited: run the server with THROTTLES_ENABLED=false")
                if status != 400 or "password" not in (reply.get("errors") or {}):
                    raise RuntimeError(f"POST /api/auth/register/: {status} {reply}")

    await asyncio.gather(*(register() for _ in range(4)))
    http.close()
    return shows, sorted(users)


# --- the server ----------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# How a tree's app server is started from its backend/, with that tree's own settings: gunicorn with
# config/gunicorn.conf.py, or granian through config/serve.py in a tree that has one (the granian-trial
# branch: `--compare granian-trial` is the paired gunicorn/granian run; granian must be installed).
SERVER_ARGV = {
    "granian": ["-m", "config.serve"],
    "gunicorn": ["-m", "gunicorn", "-c", "config/gunicorn.conf.py", "--no-control-socket", "config.wsgi"],
}


def server_kind(backend: Path) -> str:
    return "granian" if (backend / "config" / "serve.py").exists() else "gunicorn"


class Server:
    """One tree's app server (SERVER_ARGV) started from its backend/."""

    def __init__(self, backend: Path, env: dict, port: int, log_path: Path) -> None:
        self.backend, self.env, self.port, self.log_path = backend, env, port, log_path
        self.kind = server_kind(backend)
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with open(self.log_path, "ab") as fh:
            self.proc = subprocess.Popen(
                [sys.executable, *SERVER_ARGV[self.kind]],
                cwd=self.backend,
                env={**self.env, "PORT": str(self.port), "HOST": "127.0.0.1"},
                stdout=fh,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.kind} exited:\n{self.log_path.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/api/health/", timeout=1).status_code == 200:
                    time.sleep(1.0)  # let every worker finish booting
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.kind} did not answer /api/health/ within 30 s")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()

    def log_errors(self) -> list[str]:
        """Traceback/ERROR lines of its log (read once it stopped; the log is removed)."""
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        self.log_path.unlink(missing_ok=True)
        return [line for line in text.splitlines() if re.search(r"Traceback|ERROR|CRITICAL", line)]


# --- the database's ceiling (pgbench) ------------------------------------------------------------------------

# The hold statement itself: one single-row UPDATE of a seat's hold, in autocommit (one transaction,
# one WAL flush each). This is the database's own ceiling for holds on this machine: everything the
# web tier does on top (authentication, validation, the checks and locks of the service, HTTP) is
# what the ratio measures. :uid is a real user (held_by_id is a checked foreign key).
PGBENCH_PREAMBLE = """
\\set uid :uid0 + (:client_id % :nusers)
"""

PGBENCH_DISTINCT = (
    PGBENCH_PREAMBLE
    + """\\set seat random(:lo, :hi)
UPDATE booking_showseat SET status = 'held', held_by_id = :uid, held_until = now() + interval '300 seconds'
 WHERE showtime_id = :show AND seat_id = :seat;
"""
)

# The seat functions themselves (what a hold and a release cost PostgreSQL, HTTP aside): a hold of a random
# seat by a random user, then its release, each one statement in autocommit as the services call them.
PGBENCH_SEAT_FUNCTIONS = (
    PGBENCH_PREAMBLE
    + """\\set seat random(:lo, :hi)
SELECT * FROM boxoffice_hold_seats(:uid, :show, ARRAY[:seat]::bigint[], now(), 300, 10, '2000ms', :lockns);
SELECT * FROM boxoffice_release_holds(:uid, :show, ARRAY[:seat]::bigint[], now(), '2000ms');
"""
)
USER_LOCK_NAMESPACE = 0x426F78  # booking.services.locking.USER_LOCK_NAMESPACE

# A loser of the hot seat: the conditional hold of a seat someone holds, which finds nothing to update.
PGBENCH_HOT = (
    PGBENCH_PREAMBLE
    + """UPDATE booking_showseat SET status = 'held', held_by_id = :uid, held_until = now() + interval '300 seconds'
 WHERE showtime_id = :show AND seat_id = :seat AND (status = 'available' OR held_until <= now());
"""
)


def find_pgbench() -> str | None:
    for candidate in PGBENCH_CANDIDATES:
        path = shutil.which(candidate) or (candidate if os.path.exists(candidate) else None)
        if path:
            return path
    return None


def run_pgbench(pgbench: str, url: str, script: str, variables: dict, clients: int, seconds: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as fh:
        fh.write(script)
        path = fh.name
    argv = [pgbench, "-n", "-M", "prepared", "-c", str(clients), "-j", "2", "-T", str(seconds), "-f", path]
    for key, value in variables.items():
        argv += ["-D", f"{key}={value}"]
    argv.append(url)
    out = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60)
    os.unlink(path)
    text = out.stdout + out.stderr
    match = re.search(r"tps = ([\d.]+) \(without initial connection time\)", text)
    latency = re.search(r"latency average = ([\d.]+) ms", text)
    failed = re.search(r"number of failed transactions: (\d+)", text)
    done = re.search(r"number of transactions actually processed: (\d+)", text)
    if out.returncode != 0 or not match:
        raise RuntimeError(f"pgbench failed ({out.returncode}):\n{text[-2000:]}")
    return {
        "tps": round(float(match.group(1)), 1),
        "latency_avg_ms": float(latency.group(1)) if latency else None,
        "failed": int(failed.group(1)) if failed else 0,
        "requests": int(done.group(1)) if done else 0,  # transactions, for the CPU per transaction
        "clients": clients,
        "seconds": seconds,
    }


def pgbench_clients(side: Side) -> int:
    """As many clients as the app has database sessions, within what the server's max_connections leaves."""
    with psycopg.connect(side.db_url) as conn:
        free = conn.execute(
            "SELECT current_setting('max_connections')::int - count(*) FROM pg_stat_activity"
        ).fetchone()[0]
    clients = max(1, min(side.db_sessions, free - 10))
    if clients < side.db_sessions:
        log(f"pgbench: {clients} clients, not {side.db_sessions}: the server has {free} connections left")
    return clients


def user_range(side: Side) -> dict:
    """pgbench's users: the longest run of consecutive user ids from the first (at most 500)."""
    ids = sorted(user_id for user_id, _ in side.users)
    n = 1
    while n < min(len(ids), 500) and ids[n] == ids[0] + n:
        n += 1
    return {"uid0": ids[0], "nusers": n}


# --- HTTP ---------------------------------------------------------------------------------------------------------


class RawConn:
    """A minimal keep-alive HTTP/1.1 client connection: one write per request, no per-request objects.

    httpx costs ~1 ms of CPU per request and writes headers and body separately, so on two shared cores
    its event loop would hold server threads waiting for request bodies. This client sends each request
    as a single prebuilt write and reads the Content-Length (or chunked) body.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def _open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def request(self, method: str, path: str, headers: dict, body: bytes = b"") -> tuple[int, dict, bytes]:
        if self.writer is None:
            await self._open()
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        if body:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        self.writer.write(head.encode() + b"\r\n" + body)
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        hdrs = {}
        for line in lines[1:]:
            if ":" in line:
                key, value = line.split(":", 1)
                hdrs[key.strip().lower()] = value.strip()
        if "content-length" in hdrs:
            data = await self.reader.readexactly(int(hdrs["content-length"]))
        elif hdrs.get("transfer-encoding") == "chunked":
            chunks = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).strip(), 16)
                chunks.append(await self.reader.readexactly(size + 2))
                if size == 0:
                    break
            data = b"".join(c[:-2] for c in chunks)
        else:
            data = b""
        if hdrs.get("connection", "").lower() == "close":
            self.writer.close()
            self.writer = None
        return status, hdrs, data

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


class Http:
    """Per-simulated-client connections (RawConn) with status accounting; `requests` counts every request."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.statuses: Counter = Counter()
        self.warmed = 0
        self.conns: list[RawConn] = []

    @property
    def requests(self) -> int:
        return sum(self.statuses.values()) + self.warmed

    def conn(self) -> RawConn:
        c = RawConn(self.host, self.port)
        self.conns.append(c)
        return c

    async def _send(self, conn: RawConn, method: str, path: str, headers: dict, body: bytes) -> tuple[int, bytes]:
        try:
            status, _, data = await conn.request(method, path, headers, body)
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            self.statuses[type(exc).__name__] += 1
            conn.writer = None
            return 0, b""
        self.statuses[status] += 1
        return status, data

    async def post(
        self, conn: RawConn, path: str, token: str | None, body: dict, headers: dict | None = None
    ) -> tuple[int, dict, float]:
        start = time.perf_counter()
        auth = {"Authorization": f"Token {token}"} if token else {}
        status, data = await self._send(conn, "POST", path, {**auth, **(headers or {})}, json.dumps(body).encode())
        latency = time.perf_counter() - start
        try:
            parsed = json.loads(data) if data else {}
        except ValueError:
            parsed = {}
        return status, parsed, latency

    async def get(self, conn: RawConn, path: str, token: str | None = None, headers: dict | None = None):
        auth = {"Authorization": f"Token {token}"} if token else {}
        return await self._send(conn, "GET", path, {**auth, **(headers or {})}, b"")

    async def warm(self, conns: list[RawConn]) -> None:
        """Open every connection (one request each) before a timed phase."""
        await asyncio.gather(*(c.request("GET", "/api/health/", {}) for c in conns))
        self.warmed += len(conns)

    def close(self) -> None:
        for c in self.conns:
            c.close()

    def summary(self) -> dict:
        return {"requests": self.requests, "statuses": {str(k): v for k, v in self.statuses.items()}}


async def bench_hold_distinct(base: str, show: dict, users: list, clients: int, per_user: int) -> dict:
    """Holds of distinct seats, one per request, `clients` in flight; consecutive jobs are different users
    (seat k goes to user k mod len(users)), so the per-user lock is not what is measured. At most `per_user`
    seats per user (the server's live-hold cap)."""
    seats = show["seat_ids"][: len(users) * per_user]
    bodies = [{"show_id": show["id"], "seat_id": seat} for seat in seats]
    return await _run_holds(base, users, bodies, clients)


async def bench_hold_pairs_under_rule(base: str, show: dict, users: list, clients: int, per_user: int) -> dict:
    """Holds of two seats side by side on a showtime under the no-single-seat rule, `clients` in flight: the
    pairs are aligned from each row's first seat (seats 1-2, 3-4, ...), so no hold strands a seat whatever
    order they land in (a 25-seat row's last pair leaves seat 25 alone, allowed: no pair avoids it). Consecutive
    jobs are different users; at most `per_user` seats per user."""
    seats = show["seat_ids"]
    per_row = HALLS[len(seats)][1]
    pairs = [seats[i : i + 2] for row in range(0, len(seats), per_row) for i in range(row, row + per_row - 1, 2)]
    bodies = [{"show_id": show["id"], "seat_ids": pair} for pair in pairs[: len(users) * (per_user // 2)]]
    return await _run_holds(base, users, bodies, clients)


async def _run_holds(base: str, users: list, bodies: list[dict], clients: int) -> dict:
    """POST each hold body once, body k as user k mod len(users), `clients` requests in flight."""
    queue: asyncio.Queue = asyncio.Queue()
    for k, body in enumerate(bodies):
        queue.put_nowait((users[k % len(users)][1], body))
    http = Http(base)
    conns = [http.conn() for _ in range(clients)]
    await http.warm(conns)
    latencies: list[float] = []

    async def worker(conn: RawConn) -> None:
        while True:
            try:
                token, body = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            _, _, latency = await http.post(conn, "/api/hold-seat/", token, body)
            latencies.append(latency)

    start = time.perf_counter()
    await asyncio.gather(*(worker(c) for c in conns))
    elapsed = time.perf_counter() - start
    http.close()
    ok = http.statuses[200]
    return {
        "holds": ok,
        "elapsed_s": round(elapsed, 2),
        "holds_per_s": round(ok / elapsed, 1),
        "p50_ms": ms(pct(latencies, 50)),
        "p99_ms": ms(pct(latencies, 99)),
        "clients": clients,
        **http.summary(),
    }


async def bench_best_available(base: str, show: dict, users: list, clients: int) -> dict:
    """Parties of 2, 3 and 4 (in turn) ask for best available, `clients` at once, until the showtime has no
    block left: each party is another user. Parties for one showtime choose one at a time (the showtime's
    lock), so this measures how long a party's transaction holds that lock."""
    queue: asyncio.Queue = asyncio.Queue()
    for k, (_, token) in enumerate(users):
        queue.put_nowait((token, 2 + k % 3))
    http = Http(base)
    conns = [http.conn() for _ in range(clients)]
    await http.warm(conns)
    latencies: list[float] = []
    seated = [0]
    sold_out = asyncio.Event()

    async def worker(conn: RawConn) -> None:
        while not sold_out.is_set():
            try:
                token, quantity = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            body = {"show_id": show["id"], "quantity": quantity}
            status, reply, latency = await http.post(conn, "/api/hold-best-available/", token, body)
            latencies.append(latency)
            if status == 200:
                seated[0] += 1
            elif status == 409 and isinstance(reply, dict) and reply.get("code") == "no_block":
                sold_out.set()

    start = time.perf_counter()
    await asyncio.gather(*(worker(c) for c in conns))
    elapsed = time.perf_counter() - start
    http.close()
    return {
        "parties": seated[0],
        "elapsed_s": round(elapsed, 2),
        "parties_per_s": round(seated[0] / elapsed, 1),
        "p50_ms": ms(pct(latencies, 50)),
        "p99_ms": ms(pct(latencies, 99)),
        "clients": clients,
        **http.summary(),
    }


async def bench_flash_sale(base: str, show: dict, users: list, clients: int) -> dict:
    """`clients` users sell out the showtime: each reads the layout, then hold -> book seats it thinks free
    (re-reading the layout after 8 misses in a row)."""
    http = Http(base)
    barrier = asyncio.Barrier(clients)
    booked = [0]
    book_latency: list[float] = []
    hold_latency: list[float] = []
    layouts = [0]
    started: list[float] = []

    async def client(token: str) -> None:
        conn = http.conn()

        async def free_seats() -> list[int]:
            status, data = await http.get(conn, f"/api/hall-layout/{show['id']}/", token)
            layouts[0] += 1
            if status != 200:
                return []
            free = [s["id"] for s in json.loads(data)["seats"] if s["status"] == "available"]
            random.shuffle(free)
            return free

        candidates = await free_seats()
        if await barrier.wait() == 0:
            started.append(time.perf_counter())  # the sale opens when the last client is ready
        misses = 0
        while True:
            if not candidates or misses >= 8:
                candidates, misses = await free_seats(), 0
                if not candidates:
                    return
            seat = candidates.pop()
            body = {"show_id": show["id"], "seat_id": seat}
            status, _, latency = await http.post(conn, "/api/hold-seat/", token, body)
            hold_latency.append(latency)
            if status != 200:
                misses += 1
                continue
            status, _, latency = await http.post(
                conn, "/api/book-seat/", token, body, {"Idempotency-Key": uuid.uuid4().hex}
            )
            book_latency.append(latency)
            if status == 201:
                booked[0] += 1

    await asyncio.gather(*(client(user[1]) for user in users[:clients]))
    elapsed = time.perf_counter() - started[0]
    http.close()
    errors = sum(v for k, v in http.statuses.items() if not (isinstance(k, int) and k < 500))
    return {
        "seats": len(show["seat_ids"]),
        "bookings": booked[0],
        "elapsed_s": round(elapsed, 2),
        "bookings_per_s": round(booked[0] / elapsed, 1),
        "errors": errors,
        "layout_reads": layouts[0],
        "hold_p50_ms": ms(pct(hold_latency, 50)),
        "book_p50_ms": ms(pct(book_latency, 50)),
        "book_p99_ms": ms(pct(book_latency, 99)),
        "clients": clients,
        **http.summary(),
    }


async def bench_hot_seat(base: str, show: dict, users: list, clients: int, rounds: int) -> dict:
    """`clients` distinct users, released by a barrier, hold one seat; repeated on `rounds` seats."""
    http = Http(base)
    conns = [http.conn() for _ in range(clients)]
    await http.warm(conns)
    losers: list[float] = []
    bursts: list[float] = []
    winners = []
    codes: Counter = Counter()
    for rnd in range(rounds):
        seat = show["seat_ids"][rnd * 7]
        barrier = asyncio.Barrier(clients)

        async def one(conn: RawConn, token: str, seat: int = seat, barrier: asyncio.Barrier = barrier):
            await barrier.wait()
            return await http.post(conn, "/api/hold-seat/", token, {"show_id": show["id"], "seat_id": seat})

        started = time.perf_counter()
        results = await asyncio.gather(*(one(conns[i], users[i][1]) for i in range(clients)))
        bursts.append(time.perf_counter() - started)
        winners.append(sum(1 for s, _, _ in results if s == 200))
        for status, body, latency in results:
            if status == 409:
                losers.append(latency)
                codes[body.get("code")] += 1
        await asyncio.sleep(0.3)
    http.close()
    return {
        "clients": clients,
        "rounds": rounds,
        "winners_per_round": winners,
        "losers": len(losers),
        "loser_codes": dict(codes),
        "p50_ms": ms(pct(losers, 50)),
        "p95_ms": ms(pct(losers, 95)),
        "p99_ms": ms(pct(losers, 99)),
        "max_ms": ms(max(losers)) if losers else None,
        "burst_s": [round(b, 3) for b in bursts],
        "requests_per_s": round(clients * rounds / sum(bursts), 1),
        **http.summary(),
    }


def run_wrk(url: str, headers: dict, connections: int, seconds: int) -> dict:
    argv = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--latency", "--timeout", "10s"]
    for key, value in headers.items():
        argv += ["-H", f"{key}: {value}"]
    out = subprocess.run([*argv, url], capture_output=True, text=True, timeout=seconds + 30)
    text = out.stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    done = re.search(r"(\d+) requests in", text)
    if out.returncode != 0 or not rps or not done:
        raise RuntimeError(f"wrk failed ({out.returncode}):\n{text[-1000:]}{out.stderr[-1000:]}")
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    errors = re.search(r"Socket errors: (.*)", text)

    def latency(label: str) -> float | None:
        m = re.search(rf"\s{label}%\s+([\d.]+)(us|ms|s)", text)
        if not m:
            return None
        factor = {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
        return round(float(m.group(1)) * factor, 2)

    return {
        "tool": "wrk",
        "requests": int(done.group(1)),
        "requests_per_s": round(float(rps.group(1)), 1),
        "p50_ms": latency("50"),
        "p99_ms": latency("99"),
        "non_2xx_3xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": errors.group(1) if errors else None,
        "connections": connections,
        "seconds": seconds,
    }


async def python_reads(base: str, path: str, headers: dict, connections: int, seconds: int) -> dict:
    """Without wrk: `connections` RawConn loops in this process (the client may then be the bottleneck)."""
    http = Http(base)
    conns = [http.conn() for _ in range(connections)]
    await http.warm(conns)
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def loop(conn: RawConn) -> None:
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            await http.get(conn, path, headers=headers)
            latencies.append(time.perf_counter() - start)

    start = time.perf_counter()
    await asyncio.gather(*(loop(c) for c in conns))
    elapsed = time.perf_counter() - start
    http.close()
    return {
        "tool": "python",
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": ms(pct(latencies, 50)),
        "p99_ms": ms(pct(latencies, 99)),
        "connections": connections,
        "seconds": seconds,
        **http.summary(),
    }


async def layout_warm(base: str, show: dict, token: str, n: int) -> dict:
    """One client, sequential GETs of a layout that does not change."""
    http = Http(base)
    conn = http.conn()
    path = f"/api/hall-layout/{show['id']}/"
    for _ in range(5):
        await http.get(conn, path, token)
    latencies, size = [], 0
    for _ in range(n):
        start = time.perf_counter()
        _, data = await http.get(conn, path, token)
        latencies.append(time.perf_counter() - start)
        size = len(data)
    http.close()
    return {"seats": len(show["seat_ids"]), "body_bytes": size, "p50_ms": ms(pct(latencies, 50)), **http.summary()}


async def layout_after_write(base: str, show: dict, token: str, other_token: str, n: int) -> dict:
    """One client reads a layout right after another user held and released a seat (its cache rebuilt)."""
    http = Http(base)
    reader, writer = http.conn(), http.conn()
    path = f"/api/hall-layout/{show['id']}/"
    await http.get(reader, path, token)
    latencies = []
    for seat in show["seat_ids"][:n]:
        body = {"show_id": show["id"], "seat_id": seat}
        await http.post(writer, "/api/hold-seat/", other_token, body)
        await http.post(writer, "/api/release-seat/", other_token, body)
        start = time.perf_counter()
        await http.get(reader, path, token)
        latencies.append(time.perf_counter() - start)
    http.close()
    return {"p50_ms": ms(pct(latencies, 50)), "p99_ms": ms(pct(latencies, 99)), **http.summary()}


# --- sides and phases ----------------------------------------------------------------------------------------------


@dataclass
class Ctx:
    seconds: int
    pgbench: str | None
    wrk: bool


@dataclass
class Side:
    """One server under test with its data: what it runs, its URL, its database, its CPU meter, its results."""

    label: str  # "A" / "B" in a comparison, "" otherwise
    rev: str  # a commit (+dirty), or the URL of a server that was already running
    url: str
    db_url: str | None  # None: --base-url without --database-url
    shows: dict  # "flash_sale.0" -> {"id", "seat_ids"}
    users: list  # [user id, token]
    meter: Meter
    db_sessions: int
    info: dict  # PostgreSQL version and settings, the server's shape
    max_per_user: int = 10
    server: Server | None = None
    records: dict = field(default_factory=dict)  # phase key -> one {"result", "cpu"} per run

    @property
    def name(self) -> str:
        return self.label or "server"

    def pick(self, start: int, n: int) -> list:
        """n users from the start-th on (wrapping round when there are fewer)."""
        return [self.users[(start + i) % len(self.users)] for i in range(n)]

    def worker_pids(self) -> list[int]:
        return [pid for root in self.meter.server_roots for pid in _children(root)]


@dataclass(frozen=True)
class Phase:
    key: str
    title: str
    kind: str  # "db" (pgbench), "floor", "read", "write", "mixed": how its CPU per request is judged (reads, writes)
    run: Callable[[Ctx, Side, dict | None], dict]  # returns its result, with the "requests" it made
    seats: int | None = None  # the size of the showtime it works on, if any
    shared: str | None = None  # the showtime's name when phases and runs share it (they only read), else
    # each run gets a fresh showtime of its own, named after the phase (it holds or sells seats)

    def showtime(self, run: int) -> str:
        return f"{self.shared}.0" if self.shared else f"{self.key}.{run}"


def phase_ceiling_distinct(ctx: Ctx, side: Side, show: dict) -> dict:
    variables = {"show": show["id"], "lo": min(show["seat_ids"]), "hi": max(show["seat_ids"]), **user_range(side)}
    return run_pgbench(ctx.pgbench, side.db_url, PGBENCH_DISTINCT, variables, pgbench_clients(side), ctx.seconds)


def phase_seat_functions(ctx: Ctx, side: Side, show: dict) -> dict:
    variables = {"show": show["id"], "lo": min(show["seat_ids"]), "hi": max(show["seat_ids"]), **user_range(side)}
    variables["lockns"] = USER_LOCK_NAMESPACE
    return run_pgbench(ctx.pgbench, side.db_url, PGBENCH_SEAT_FUNCTIONS, variables, pgbench_clients(side), ctx.seconds)


def phase_ceiling_hot(ctx: Ctx, side: Side, show: dict) -> dict:
    hot_seat = show["seat_ids"][0]
    with psycopg.connect(side.db_url) as conn:  # the hot seat is held by someone else for the whole run
        conn.execute(
            "UPDATE booking_showseat SET status='held', held_by_id=%s, held_until=now()+interval '1 hour' "
            "WHERE showtime_id=%s AND seat_id=%s",
            [side.users[-1][0], show["id"], hot_seat],
        )
    variables = {**user_range(side), "show": show["id"], "seat": hot_seat}
    return run_pgbench(ctx.pgbench, side.db_url, PGBENCH_HOT, variables, pgbench_clients(side), ctx.seconds)


def read_loop(ctx: Ctx, base: str, path: str, headers: dict) -> dict:
    """READ_CONNECTIONS keep-alive clients GET one path for ctx.seconds: wrk when installed, else RawConn loops."""
    if ctx.wrk:
        return run_wrk(base + path, headers, READ_CONNECTIONS, ctx.seconds)
    return asyncio.run(python_reads(base, path, headers, READ_CONNECTIONS, ctx.seconds))


def floor_phase(path: str, status: int, check: Callable[[dict], bool]):
    """A floor: the same read loop on a path whose answer costs the least a request can cost."""

    def run(ctx: Ctx, side: Side, _show: None) -> dict:
        r = httpx.get(side.url + path, timeout=10)
        try:
            ok = r.status_code == status and check(r.json())
        except ValueError:
            ok = False
        if not ok:
            log(f"WARNING: GET {path} answered {r.status_code} {r.text[:200]!r}: the floor is not what it should be")
        result = read_loop(ctx, side.url, path, {})
        result["requests"] += 1
        result["answer"] = f"{r.status_code} {r.text[:120]}"
        return result

    return run


def layout_reads(kind: str):
    """The 1,000-seat layout, 50 clients: the full body, or 304 with the current ETag."""

    def run(ctx: Ctx, side: Side, show: dict) -> dict:
        headers = {"Authorization": f"Token {side.pick(650, 1)[0][1]}"}
        path = f"/api/hall-layout/{show['id']}/"
        r = httpx.get(side.url + path, headers=headers, timeout=30)
        if kind == "304":
            headers["If-None-Match"] = r.headers["etag"]
        result = read_loop(ctx, side.url, path, headers)
        result["requests"] += 1
        result["body_bytes"] = len(r.content)
        return result

    return run


def phase_hold_distinct(ctx: Ctx, side: Side, show: dict) -> dict:
    return asyncio.run(bench_hold_distinct(side.url, show, side.pick(0, 500), 64, side.max_per_user))


def phase_hold_rule(ctx: Ctx, side: Side, show: dict) -> dict:
    return asyncio.run(bench_hold_pairs_under_rule(side.url, show, side.pick(0, 500), 64, side.max_per_user))


def phase_best_available(ctx: Ctx, side: Side, show: dict) -> dict:
    return asyncio.run(bench_best_available(side.url, show, side.pick(0, 500), 50))


def phase_flash_sale(ctx: Ctx, side: Side, show: dict) -> dict:
    return asyncio.run(bench_flash_sale(side.url, show, side.pick(500, 100), 100))


def phase_hot_seat(ctx: Ctx, side: Side, show: dict) -> dict:
    return asyncio.run(bench_hot_seat(side.url, show, side.pick(0, 200), 200, 5))


def phase_layout_5000(ctx: Ctx, side: Side, show: dict) -> dict:
    return asyncio.run(layout_warm(side.url, show, side.pick(651, 1)[0][1], 200))


def phase_layout_5000_after_write(ctx: Ctx, side: Side, show: dict) -> dict:
    return asyncio.run(layout_after_write(side.url, show, side.pick(651, 1)[0][1], side.pick(652, 1)[0][1], 40))


def is_json_404(body: dict) -> bool:
    return body.get("code") == "not_found" and "detail" in body


# In this order on every side. kind: how the CPU per request is judged (only reads and writes are); seats: the
# size of the showtime it works on. The last one is a latency probe (a 5,000-seat read after each write).
PHASES = [
    Phase("ceiling_distinct", "Raw SQL ceiling: hold tx, distinct seats", "db", phase_ceiling_distinct, 5000),
    Phase("ceiling_hot", "Raw SQL ceiling: hold tx, one hot seat", "db", phase_ceiling_hot, 1000),
    Phase(
        "seat_functions",
        "Seat functions (pgbench): hold + release pairs, distinct seats",
        "db",
        phase_seat_functions,
        5000,
    ),
    Phase("floor_404", "Floor: JSON 404, 50 clients", "floor", floor_phase(FLOOR_404_PATH, 404, is_json_404)),
    Phase(
        "floor_select1",
        "Floor: GET /api/health/ (one SELECT 1), 50 clients",
        "floor",
        floor_phase("/api/health/", 200, lambda body: body.get("status") == "ok"),
    ),
    Phase("hold_distinct", "HTTP hold, distinct seats, 64 clients", "write", phase_hold_distinct, 5000),
    Phase("hold_rule", "HTTP hold of pairs, no-single-seat rule on, 64 clients", "write", phase_hold_rule, 1000),
    Phase(
        "best_available", "Best available: parties of 2-4, 1,000 seats, 50 clients", "write", phase_best_available, 1000
    ),
    Phase("flash_sale", "Flash sale: 1,000 seats, 100 clients", "write", phase_flash_sale, 1000),
    Phase("hot_seat", "Hot seat: 200 clients, 5 rounds", "write", phase_hot_seat, 1000),
    Phase(
        "layout_1000_full", "Layout 1,000 seats, 50 clients, full", "read", layout_reads("full"), 1000, "layout_1000"
    ),
    Phase("layout_1000_304", "Layout 1,000 seats, 50 clients, 304", "read", layout_reads("304"), 1000, "layout_1000"),
    Phase("layout_5000", "Layout 5,000 seats, one client", "read", phase_layout_5000, 5000, "layout_5000"),
    Phase(
        "layout_5000_after_write",
        "Layout 5,000 seats, one client, after a hold + release",
        "mixed",
        phase_layout_5000_after_write,
        5000,
        "layout_5000",
    ),
]
PHASE_BY_KEY = {phase.key: phase for phase in PHASES}


def run_phase(ctx: Ctx, side: Side, phase: Phase, run: int) -> None:
    """Run one phase once against one side, with its CPU measured around it."""
    records = side.records.setdefault(phase.key, [])
    if phase.kind == "db" and not (ctx.pgbench and side.db_url):
        records.append({"result": None, "cpu": None})
        return
    show = side.shows[phase.showtime(run)] if phase.seats else None
    log(f"{side.name}: {phase.title}" + (f" (run {run + 1})" if side.label else ""))
    before = side.meter.sample()
    result = phase.run(ctx, side, show)
    records.append({"result": result, "cpu": Meter.delta(before, side.meter.sample())})


def prepare_layout(side: Side) -> None:
    """A realistic 1,000-seat layout for the read phases: 20 seats held by others for the whole run."""
    show = side.shows["layout_1000.0"]
    seats = show["seat_ids"][400:420]
    if side.db_url:
        with psycopg.connect(side.db_url) as conn:
            conn.execute(
                "UPDATE booking_showseat SET status='held', held_by_id=%s, held_until=now()+interval '1 hour' "
                "WHERE showtime_id=%s AND seat_id = ANY(%s)",
                [side.users[-2][0], show["id"], seats],
            )
        return

    async def hold() -> None:  # through the API: the showtime's hold TTL is an hour (seed_over_http)
        http = Http(side.url)
        conn = http.conn()
        for i in range(0, len(seats), side.max_per_user):
            body = {"show_id": show["id"], "seat_ids": seats[i : i + side.max_per_user]}
            await http.post(conn, "/api/hold-seat/", side.users[-2 - i // side.max_per_user][1], body)
        http.close()

    asyncio.run(hold())


def max_per_user(side: Side) -> int:
    """The server's live-hold cap per user and showtime (MAX_SEATS_PER_HOLD), from a layout."""
    r = httpx.get(
        f"{side.url}/api/hall-layout/{side.shows['layout_1000.0']['id']}/",
        headers={"Authorization": f"Token {side.users[0][1]}"},
        timeout=30,
    )
    return int(r.json().get("max_seats_per_hold") or 10)


def server_env(args: argparse.Namespace) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PROMETHEUS_MULTIPROC_DIR", "PORT")}
    env.update(
        {
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DEBUG": "false",
            # Rate limits stay on, so their cost (the count inside each hold's and booking's statement,
            # a round trip per sign-in) is measured; the rates are lifted because a few bench users send
            # thousands of holds a minute.
            "THROTTLES_ENABLED": "true",
            "THROTTLE_RATES": "hold=100000000/min,book=100000000/min,login=100000000/min,register=100000000/min",
            "ACCESS_LOG": "",
            "GUNICORN_LOG_LEVEL": "warning",
            "WEB_LOG_LEVEL": "warning",
            # Both sides serve this tree's seat map build (if any): B's checkout has no frontend build.
            "FRONTEND_DIST": str(REPO / "frontend" / "dist"),
        }
    )
    if args.workers:
        env["WEB_CONCURRENCY"] = str(args.workers)
    if args.threads:
        env["WEB_THREADS"] = str(args.threads)
    return env


def local_side(
    stack: contextlib.ExitStack, args: argparse.Namespace, label: str, tree: Path, rev: str, url: str, runs: int
) -> Side:
    """Migrate and seed a database with `tree`'s manage.py, start `tree`'s app server on it."""
    extra = dict(item.split("=", 1) for item in args.b_env) if label == "B" else {}
    env = {**server_env(args), "DATABASE_URL": url, **extra}
    backend = tree / "backend"
    name = label or "server"
    log(f"{name}: migrating {dbname(url)} with {rev} ({tree})")
    manage(backend, env, "migrate", "--noinput")
    log(f"{name}: seeding halls of 1,000 and 5,000 seats, showtimes and 700 users with tokens")
    specs = showtime_specs(runs, args.profile)
    seed_out = manage(
        backend, env, "shell", "-c", SEED % {"tag": secrets.token_hex(3), "showtimes": repr(specs), "users": 700}
    )
    seed = json.loads(seed_out.rsplit("SEED", 1)[1])
    # Statistics for what was just seeded, as autoanalyze would give them within a minute or so: otherwise
    # whether a server's first plans (the seat functions keep theirs per connection) see statistics or not
    # depends on when autoanalyze happens to run, and the same build measured 2x apart in PostgreSQL's CPU.
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE")
    port = args.port if args.port and label in ("", "A") else free_port()
    server = Server(backend, env, port, args.out / f".bench-server{'-' + label if label else ''}.log")
    server.log_path.write_bytes(b"")
    stack.callback(server.stop)
    server.start()
    version, postmaster, pg_settings = postgres_info(url)
    pg = PgCpu(postmaster, with_dbname(url, "postgres"), {dbname(url)})
    stack.callback(pg.close)
    workers = int(env.get("WEB_CONCURRENCY", (os.cpu_count() or 1) * 2))
    threads = int(env.get("WEB_THREADS", 8))
    info = {
        "postgresql": version,
        "postgresql_settings": pg_settings,
        "database": "DATABASE_URL" if url == os.environ.get("DATABASE_URL") else f"{dbname(url)} (TCP)",
        "server": f"{server.kind} {workers} workers x {threads} threads from {rev}, DEBUG off, no access log"
        + "".join(f", {key}={value}" for key, value in extra.items()),
    }
    side = Side(
        label, rev, server.url, url, seed["shows"], seed["users"], Meter([server.proc.pid], pg), workers * threads, info
    )
    side.server = server
    side.max_per_user = max_per_user(side)
    prepare_layout(side)
    return side


def remote_side(stack: contextlib.ExitStack, args: argparse.Namespace, runs: int) -> Side:
    """A server that is already running: set up over HTTP, its processes found through its port."""
    base = args.base_url.rstrip("/")
    parts = urlsplit(base)
    if parts.scheme != "http" or parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("--base-url must be a plain http:// server on this machine (loopback)")
    r = httpx.get(base + "/api/health/", timeout=10)
    if r.status_code != 200:
        raise SystemExit(f"{base}/api/health/ answered {r.status_code}")
    log(f"setting up {base} over HTTP: 2 halls, showtimes, {args.users} moviegoers")
    shows, users = asyncio.run(seed_over_http(base, args, showtime_specs(runs, args.profile)))
    port = parts.port or 80
    roots = server_roots_by_port(port)
    workers = [pid for root in roots for pid in _children(root)]
    info: dict = {"database": "unknown (no --database-url)", "server": f"the server at {base}"}
    postmaster, db_url = None, args.database_url
    if db_url and not is_servers_database(db_url, shows["layout_1000.0"]):
        log(f"--database-url is not {base}'s database (its showtimes are not there): ignored")
        db_url = None
    if db_url:
        version, postmaster, pg_settings = postgres_info(db_url)
        info.update(postgresql=version, postgresql_settings=pg_settings, database="--database-url")
    if postmaster is None and roots:
        postmaster = postmaster_of(roots + workers)
    if roots:
        log(f"server processes: {roots} + {len(workers)} workers")
        info["server"] += f" (pid {roots[0]} + {len(workers)} worker processes)"
    else:
        log(f"no process listening on port {port} is visible: the server's CPU is unknown")
    log(
        f"PostgreSQL: postmaster {postmaster}" if postmaster else "PostgreSQL's processes not found: its CPU is unknown"
    )
    pg = PgCpu(postmaster, db_url, {dbname(db_url)} if db_url else None)
    stack.callback(pg.close)
    sessions = max(1, len(workers)) * (args.threads or 8)
    side = Side("", base, base, db_url, shows, users, Meter(roots, pg), sessions, info)
    side.max_per_user = max_per_user(side)
    prepare_layout(side)
    return side


def is_servers_database(url: str, show: dict) -> bool:
    """Whether the showtime just created through the API is in this database, with its seats."""
    try:
        with psycopg.connect(url) as conn:
            count = conn.execute("SELECT count(*) FROM booking_showseat WHERE showtime_id = %s", [show["id"]])
            return count.fetchone()[0] == len(show["seat_ids"])
    except psycopg.Error:
        return False


@contextlib.contextmanager
def worktree(rev: str):
    """REV checked out (detached) with `git worktree add` into a temporary directory, removed afterwards."""
    parent = Path(tempfile.mkdtemp(prefix="boxoffice-bench-"))
    path = parent / "b"
    git("worktree", "add", "--detach", "--quiet", str(path), rev)
    log(f"B: {rev} checked out in {path}")
    try:
        yield path
    finally:
        try:
            git("worktree", "remove", "--force", str(path))
        except RuntimeError as exc:
            log(str(exc))
        shutil.rmtree(parent, ignore_errors=True)


# --- profile ---------------------------------------------------------------------------------------------------------


def classify(frames: list[str]) -> str:
    """The layer a sample's time belongs to, judged from the innermost frame that is not the stdlib."""
    for frame in reversed(frames):  # innermost last in py-spy's collapsed format
        path = frame
        if "psycopg" in path:
            return "database (psycopg: waiting on PostgreSQL + protocol)"
        if "/booking/" in path:
            return "Boxoffice code (booking/)"
        if "rest_framework" in path:
            return "DRF"
        if "/django/" in path:
            return "Django"
        if "gunicorn" in path:
            return "gunicorn (HTTP parsing, socket I/O)"
        if "orjson" in path:
            return "Boxoffice code (booking/)"
    return "Python stdlib / other"


def profile_worker(pid: int, seconds: int, out: Path) -> dict:
    """py-spy record of one worker for `seconds`: on-CPU samples only (no --idle), and of those only the
    thread holding the GIL (--gil): py-spy's idle heuristic counts threads blocked on a queue or a socket
    as running, while the GIL holder is the one thread of a worker doing Python work at any moment."""
    pyspy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    raw = out.with_suffix(".txt")
    argv = [pyspy, "record", "--pid", str(pid), "--duration", str(seconds), "--rate", "200", "--gil"]
    argv += ["--format", "raw", "--output", str(raw)]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60)
    if proc.returncode != 0 or not raw.exists():
        raise RuntimeError(f"py-spy failed: {proc.stderr[-1000:]}")
    layers: Counter = Counter()
    own: Counter = Counter()  # innermost non-stdlib frame
    inclusive: Counter = Counter()
    request_samples = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        n = int(count)
        request_samples += n
        layers[classify(frames)] += n
        for frame in reversed(frames):
            if "/lib/python3" not in frame or "site-packages" in frame:
                own[frame] += n
                break
        for frame in set(frames):
            inclusive[frame] += n
    return {
        "raw": str(raw),
        "seconds": seconds,
        "request_samples": request_samples,
        "layers": dict(layers.most_common()),
        "top_self": own.most_common(25),
        "top_inclusive": [(f, c) for f, c in inclusive.most_common(60)][:40],
    }


def _profile_hold(side: Side) -> tuple[str, float]:
    load = asyncio.run(bench_hold_distinct(side.url, side.shows["profile.0"], side.pick(0, 500), 64, side.max_per_user))
    return f"64 clients holding distinct seats ({load['holds_per_s']} holds/s during the profile)", load["holds_per_s"]


def _profile_flash(side: Side) -> tuple[str, float]:
    load = asyncio.run(bench_flash_sale(side.url, side.shows["profile.flash"], side.pick(500, 100), 100))
    rate = load["bookings_per_s"]
    return f"a flash sale, 1,000 seats, 100 clients ({rate} bookings/s during the profile)", rate


PROFILE_LOADS = {"hold": _profile_hold, "flash": _profile_flash}


def run_profile(side: Side, load_name: str) -> dict | None:
    """py-spy on one worker of the side under one of PROFILE_LOADS."""
    workers = side.worker_pids()
    if not workers:
        log("profile: no worker process found, skipped")
        return None
    log(f"profile: py-spy on one worker under {load_name} load")
    spy: dict = {}

    def record() -> None:
        time.sleep(0.5)
        spy.update(profile_worker(workers[0], 6, Path(tempfile.gettempdir()) / "boxoffice-profile-raw"))

    thread = threading.Thread(target=record)
    thread.start()
    load, _ = PROFILE_LOADS[load_name](side)
    thread.join()
    return {**spy, "load": load}


# --- figures and the cost model ---------------------------------------------------------------------------------


def cost_model(side: Side, runs: list[int]) -> dict:
    """Per phase, the machine's CPU per request over these runs (summed CPU over summed requests), and its
    ratios to the two floors of the same runs."""
    cost = {}
    for phase in PHASES:
        records = [side.records[phase.key][r] for r in runs]
        if any(rec["result"] is None for rec in records):
            continue
        requests = sum(rec["result"]["requests"] for rec in records)
        c = {"title": phase.title, "kind": phase.kind, "requests": requests}
        parts = {}
        for party in ("client", "gunicorn", "postgres"):
            used = [rec["cpu"][f"{party}_s"] for rec in records]
            parts[party] = None if None in used or not requests else sum(used) * 1000 / requests
            c[f"{party}_ms"] = None if parts[party] is None else round(parts[party], 3)
        c["core_ms"] = None if None in parts.values() else round(sum(parts.values()), 3)
        cost[phase.key] = c
    floor_404 = cost.get("floor_404", {}).get("core_ms")
    floor = cost.get(COST_FLOOR, {}).get("core_ms")
    for c in cost.values():
        http = c["kind"] != "db" and c["core_ms"] is not None
        c["to_404_floor"] = round(c["core_ms"] / floor_404, 2) if http and floor_404 else None
        c["to_floor"] = round(c["core_ms"] / floor, 2) if http and floor else None
        c["target"] = {"read": "read_cost_to_floor", "write": "write_cost_to_floor"}.get(c["kind"])
    return cost


def figures_of(d: dict, cost: dict) -> dict:
    """The headline figures of a side, from its phases' results `d` (None: skipped) and its cost model."""
    ceiling = d["ceiling_distinct"]["tps"] if d.get("ceiling_distinct") else None
    hold, flash, hot = d["hold_distinct"], d["flash_sale"], d["hot_seat"]
    f = {
        "ceiling_distinct_tps": ceiling,
        "ceiling_hot_tps": d["ceiling_hot"]["tps"] if d.get("ceiling_hot") else None,
        "seat_functions_tps": d["seat_functions"]["tps"] if d.get("seat_functions") else None,
        "hold_distinct_per_s": hold["holds_per_s"],
        "hold_distinct_ratio_to_ceiling": ratio(hold["holds_per_s"], ceiling),
        "hold_rule_per_s": d["hold_rule"]["holds_per_s"] if d.get("hold_rule") else None,
        "hold_rule_p99_ms": d["hold_rule"]["p99_ms"] if d.get("hold_rule") else None,
        "best_available_parties_per_s": d["best_available"]["parties_per_s"] if d.get("best_available") else None,
        "best_available_p99_ms": d["best_available"]["p99_ms"] if d.get("best_available") else None,
        "flash_sale_bookings_per_s": flash["bookings_per_s"],
        "flash_sale_errors": flash["errors"],
        "hot_seat_losers_p50_ms": hot["p50_ms"],
        "hot_seat_losers_p95_ms": hot["p95_ms"],
        "hot_seat_losers_p99_ms": hot["p99_ms"],
        "layout_1000_full_reads_per_s": d["layout_1000_full"]["requests_per_s"],
        "layout_1000_304_per_s": d["layout_1000_304"]["requests_per_s"],
        "layout_5000_p50_ms": d["layout_5000"]["p50_ms"],
        "layout_5000_after_write_p50_ms": d["layout_5000_after_write"]["p50_ms"],
        "floor_404_core_ms": cost.get("floor_404", {}).get("core_ms"),
        "floor_select1_core_ms": cost.get("floor_select1", {}).get("core_ms"),
    }
    for kind in ("read", "write"):
        judged = [(c["to_floor"], key) for key, c in cost.items() if c["kind"] == kind and c["to_floor"] is not None]
        worst = max(judged, default=(None, None))
        f[f"{kind}_cost_to_floor"], f[f"{kind}_cost_worst_phase"] = worst
    return f


def summarize(side: Side, runs: int) -> dict:
    """A side's figures (the mean of its runs), cost model (over all its runs), details and CPU per phase."""
    per_run = []
    for r in range(runs):
        details = {key: records[r]["result"] for key, records in side.records.items()}
        per_run.append(figures_of(details, cost_model(side, [r])))
    details = {key: mean_dicts([rec["result"] for rec in records]) for key, records in side.records.items()}
    cost = cost_model(side, list(range(runs)))
    warnings = [
        f"{PHASE_BY_KEY[key].title}: {n} answers 429 (rate limited): the figure is not the server's speed"
        for key, result in details.items()
        if result and (n := (result.get("statuses") or {}).get("429"))
    ]
    return {
        "rev": side.rev,
        "server_kind": side.server.kind if side.server else "running server",
        "figures": figures_of(details, cost),
        "cost": cost,
        "runs": per_run,
        "details": details,
        "cpu_cores_used": {key: mean_dicts([rec["cpu"] for rec in records]) for key, records in side.records.items()},
        "warnings": warnings,
    }


def judge(key: str, value) -> str:
    """'met', 'N.Nx short' (how far from the target) or 'unknown'."""
    op, target = TARGETS[key]
    if not is_number(value):
        return "unknown"
    if (value >= target) if op == ">=" else (value <= target):
        return "met"
    if value <= 0:
        return "far short"
    return f"{target / value if op == '>=' else value / target:.1f}x short"


def target_text(key: str, value, unit: str = "") -> str:
    op, target = TARGETS[key]
    return f"{judge(key, value)} (target {'≥' if op == '>=' else '≤'} {target:,}{unit})"


def target_lines(f: dict) -> list[str]:
    """Each target with the measured value and the distance, e.g. '61 bookings/s, target ≥ 400: 6.6x short'."""
    lines = []
    for key, (op, target) in TARGETS.items():
        label, spec = TARGET_LABELS[key]
        phase = f.get(key.replace("_to_floor", "_worst_phase"))
        where = f" (worst: {PHASE_BY_KEY[phase].title})" if key.endswith("_to_floor") and phase else ""
        sign = "≥" if op == ">=" else "≤"
        lines.append(
            f"- {label}{where}: {fmt(f.get(key), spec)}, target {sign} {fmt(target, spec)}: {judge(key, f.get(key))}"
        )
    return lines


def floor_cell(c: dict, key: str = "to_floor") -> str:
    """A cost's ratio to a floor, blank for pgbench (its transactions are no requests)."""
    return "" if c.get("kind", "db") == "db" else fmt(c.get(key), "{:.2f}x")


def cpu_parts(c: dict) -> str:
    return " / ".join(fmt(c[f"{party}_ms"], "{:.3f}") for party in ("client", "gunicorn", "postgres"))


def cost_lines(cost: dict) -> list[str]:
    floor_404 = cost.get("floor_404", {}).get("core_ms")
    floor = cost.get(COST_FLOOR, {}).get("core_ms")
    lines = [
        f"Floors measured in this run on this server: JSON 404 {fmt(floor_404, '{:.3f}')} core-ms, "
        f"GET /api/health/ (one SELECT 1) {fmt(floor, '{:.3f}')} core-ms per request. A phase's cost is the CPU "
        "of client + gunicorn + PostgreSQL over the requests it made (pgbench: transactions); reads are judged "
        f"against {TARGETS['read_cost_to_floor'][1]}x the SELECT 1 floor, writes against "
        f"{TARGETS['write_cost_to_floor'][1]}x.",
        "",
        "| Phase | Requests | core-ms per request | client / gunicorn / PostgreSQL ms | x 404 floor | x SELECT 1 floor "
        "| Target |",
        "|---|---|---|---|---|---|---|",
    ]
    for c in cost.values():
        target = target_text(c["target"], c["to_floor"], "x") if c["target"] else ""
        lines.append(
            f"| {c['title']} | {c['requests']:,} | {fmt(c['core_ms'], '{:.3f}')} | {cpu_parts(c)} "
            f"| {floor_cell(c, 'to_404_floor')} | {floor_cell(c)} | {target} |"
        )
    return lines


# --- outputs ---------------------------------------------------------------------------------------------------------


def header_lines(results: dict) -> list[str]:
    m, side = results["machine"], results["server"]
    settings = side.get("postgresql_settings")
    return [
        f"- Machine: {m['nproc']} CPUs ({m['cpu_model']}), {m['memory_gb']} GB RAM, Linux {m['kernel']}, "
        f"Python {m['python']}",
        f"- PostgreSQL {side.get('postgresql', 'unknown')} ({side['database']}; {settings or 'settings unknown'})",
        f"- Server: {side['server']}",
        f"- Load: layout reads and floors with {results['read_tool']}, the other HTTP phases with a minimal "
        "asyncio HTTP/1.1 keep-alive client (one process, one write per request)",
        *[f"- Note: {note}" for note in results["notes"]],
    ]


def latest_markdown(results: dict) -> list[str]:
    s = results["side"]
    f, d, cpu = s["figures"], s["details"], s["cpu_cores_used"]
    ceiling = f["ceiling_distinct_tps"]
    rows = [
        ("ceiling_distinct", f"{fmt(ceiling, '{:,.0f}')} tx/s", "1.000" if ceiling else "", ""),
        ("ceiling_hot", f"{fmt(f['ceiling_hot_tps'], '{:,.0f}')} tx/s", "", ""),
        (
            "seat_functions",
            f"{fmt(f['seat_functions_tps'], '{:,.0f}')} pairs/s",
            fmt(ratio(f["seat_functions_tps"], ceiling), "{:.3f}"),
            "",
        ),
        ("floor_404", f"{fmt(d['floor_404']['requests_per_s'], '{:,.0f}')} req/s", "", ""),
        ("floor_select1", f"{fmt(d['floor_select1']['requests_per_s'], '{:,.0f}')} req/s", "", ""),
        (
            "hold_distinct",
            f"{fmt(f['hold_distinct_per_s'])} holds/s",
            fmt(f["hold_distinct_ratio_to_ceiling"], "{:.3f}"),
            target_text("hold_distinct_ratio_to_ceiling", f["hold_distinct_ratio_to_ceiling"]),
        ),
        (
            "hold_rule",
            f"{fmt(f['hold_rule_per_s'])} holds/s, p99 {fmt(f['hold_rule_p99_ms'], '{:,.0f}')} ms",
            fmt(ratio(f["hold_rule_per_s"], ceiling), "{:.3f}"),
            "",
        ),
        (
            "best_available",
            f"{fmt(f['best_available_parties_per_s'])} parties/s, p99 {fmt(f['best_available_p99_ms'], '{:,.0f}')} ms",
            "",
            "",
        ),
        (
            "flash_sale",
            f"{fmt(f['flash_sale_bookings_per_s'])} bookings/s, {fmt(f['flash_sale_errors'], '{:,.0f}')} errors",
            fmt(ratio(f["flash_sale_bookings_per_s"], ceiling), "{:.3f}"),
            target_text("flash_sale_bookings_per_s", f["flash_sale_bookings_per_s"]),
        ),
        (
            "hot_seat",
            "losers' 409 p50/p95/p99 "
            + " / ".join(fmt(f[f"hot_seat_losers_{q}_ms"], "{:,.0f}") for q in ("p50", "p95", "p99"))
            + " ms",
            fmt(ratio(d["hot_seat"]["requests_per_s"], f["ceiling_hot_tps"]), "{:.3f}")
            + " (burst req/s vs hot-seat tx/s)",
            target_text("hot_seat_losers_p99_ms", f["hot_seat_losers_p99_ms"]),
        ),
        (
            "layout_1000_full",
            f"{fmt(f['layout_1000_full_reads_per_s'])} reads/s",
            fmt(ratio(f["layout_1000_full_reads_per_s"], ceiling), "{:.3f}"),
            target_text("layout_1000_full_reads_per_s", f["layout_1000_full_reads_per_s"]),
        ),
        (
            "layout_1000_304",
            f"{fmt(f['layout_1000_304_per_s'])} reads/s",
            fmt(ratio(f["layout_1000_304_per_s"], ceiling), "{:.3f}"),
            target_text("layout_1000_304_per_s", f["layout_1000_304_per_s"]),
        ),
        (
            "layout_5000",
            f"p50 {fmt(f['layout_5000_p50_ms'], '{:.2f}')} ms "
            f"(after a write: {fmt(f['layout_5000_after_write_p50_ms'], '{:.2f}')} ms)",
            "",
            target_text("layout_5000_p50_ms", f["layout_5000_p50_ms"]),
        ),
    ]

    def cpu_cell(key: str) -> str:
        c = cpu.get(key)
        return " / ".join(fmt(c[f"{p}_cores"], "{:.2f}") for p in ("client", "gunicorn", "postgres")) if c else ""

    lines = [
        "# Boxoffice benchmark: latest run",
        "",
        f"Generated by `loadtest/bench.py` on {results['machine']['date']} in {results['elapsed_s']} s "
        f"({results['tree']}). Ratios are to the raw-SQL ceiling on distinct seats (tx/s), except the hot seat's.",
        "",
        *header_lines(results),
        "",
        "| Measurement | Result | Ratio to ceiling | Target | CPU cores used: client / gunicorn / postgres |",
        "|---|---|---|---|---|",
        *[
            f"| {PHASE_BY_KEY[key].title} | {value} | {rat} | {target} | {cpu_cell(key)} |"
            for key, value, rat, target in rows
            if d.get(key) is not None
        ],
        "",
        "## Cost model: the machine's CPU per request",
        "",
        *cost_lines(s["cost"]),
        "",
        "## Targets",
        "",
        *target_lines(f),
        "",
        "Details (statuses seen, latencies, CPU seconds per phase) are in `latest.json`.",
    ]
    if s["warnings"]:
        lines += ["", *[f"**Warning:** {w}" for w in s["warnings"]]]
    if results["server_log_errors"]:
        lines += ["", "**Server log errors during the run:**", "", *[f"    {x}" for x in results["server_log_errors"]]]
    return lines


def compare_markdown(results: dict) -> list[str]:
    a, b = results["sides"]["A"], results["sides"]["B"]

    def runs(side: dict, key: str, spec: str) -> str:
        return " / ".join(fmt(run.get(key), spec) for run in side["runs"])

    def a_to_b(va, vb) -> str:
        return "" if vb == 0 or (va is None and vb is None) else fmt(ratio(va, vb), "{:.2f}")

    lines = [
        f"# Boxoffice A/B benchmark: A = {a['rev']} ({a['server_kind']}), B = {b['rev']} ({b['server_kind']})",
        "",
        f"Generated by `loadtest/bench.py {results['compare']}` on {results['machine']['date']} in "
        f"{results['elapsed_s']} s. Both sides ran on the same PostgreSQL server, each with its own database and "
        "its own app server started from its own tree; every phase ran on A, B, B, A, and each side's figure is the "
        "mean of its two runs (the runs are in the last columns: how far apart they are is the noise).",
        "",
        *header_lines(results),
        "",
        "| Figure | A | B | A/B | A runs | B runs |",
        "|---|---|---|---|---|---|",
    ]
    for key, (label, spec) in FIGURES.items():
        va, vb = a["figures"].get(key), b["figures"].get(key)
        lines.append(
            f"| {label} | {fmt(va, spec)} | {fmt(vb, spec)} | {a_to_b(va, vb)} "
            f"| {runs(a, key, spec)} | {runs(b, key, spec)} |"
        )
    lines += [
        "",
        "## CPU per request (core-ms: client + gunicorn + PostgreSQL, over both runs of a side)",
        "",
        "| Phase | A | B | A/B | A x floor | B x floor | Target (A / B) |",
        "|---|---|---|---|---|---|---|",
    ]
    for key, ca in a["cost"].items():
        cb = b["cost"].get(key, {})
        target = (
            f"{judge(ca['target'], ca['to_floor'])} / {judge(ca['target'], cb.get('to_floor'))}" if ca["target"] else ""
        )
        lines.append(
            f"| {ca['title']} | {fmt(ca['core_ms'], '{:.3f}')} | {fmt(cb.get('core_ms'), '{:.3f}')} "
            f"| {fmt(ratio(ca['core_ms'], cb.get('core_ms')), '{:.2f}')} | {floor_cell(ca)} | {floor_cell(cb)} "
            f"| {target} |"
        )
    lines += ["", "## Targets", "", "A:", "", *target_lines(a["figures"]), "", "B:", "", *target_lines(b["figures"])]
    for label, side in (("A", a), ("B", b)):
        lines += [f"**Warning ({label}):** {w}" for w in side["warnings"]]
    if results["server_log_errors"]:
        lines += ["", "**Server log errors during the run:**", "", *[f"    {x}" for x in results["server_log_errors"]]]
    return lines


def profile_markdown(prof: dict) -> list[str]:
    total = prof["request_samples"] or 1
    return [
        "# Profile of one gunicorn worker under load (generated)",
        "",
        f"py-spy record --gil (on-CPU: the thread holding the GIL; no --idle), 200 Hz, {prof['seconds']} s, "
        f"{prof['request_samples']} samples. Load: {prof['load']}.",
        "",
        "| Layer (innermost non-stdlib frame) | share of on-CPU samples |",
        "|---|---|",
        *[f"| {k} | {100 * v / total:.1f}% |" for k, v in prof["layers"].items()],
        "",
        "Top frames by self time (innermost non-stdlib frame):",
        "",
        "| samples | % | frame |",
        "|---|---|---|",
        *[f"| {c} | {100 * c / total:.1f}% | `{fr}` |" for fr, c in prof["top_self"]],
        "",
        "Top frames by inclusive time:",
        "",
        "| samples | % | frame |",
        "|---|---|---|",
        *[f"| {c} | {100 * c / total:.1f}% | `{fr}` |" for fr, c in prof["top_inclusive"]],
    ]


def write_outputs(results: dict, out: Path, stem: str, lines: list[str]) -> None:
    (out / f"{stem}.md").write_text("\n".join(lines) + "\n")
    (out / f"{stem}.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    if results.get("profile"):
        (out / "profile-latest.md").write_text("\n".join(profile_markdown(results["profile"])) + "\n")
    print("\n".join(lines))
    print(f"\nwrote {out / (stem + '.md')} and {out / (stem + '.json')}")


# --- main ------------------------------------------------------------------------------------------------------------


def _key_value(item: str) -> str:
    if "=" not in item:
        raise argparse.ArgumentTypeError(f"{item!r}: expected KEY=VALUE")
    return item


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, default=REPO / "docs" / "benchmarks")
    p.add_argument("--quick", action="store_true", help="shorter phases (5 s instead of 10 s)")
    p.add_argument(
        "--profile",
        nargs="?",
        const="hold",
        choices=sorted(PROFILE_LOADS),
        help="py-spy one worker of side A under a load: hold (the default) or flash",
    )
    p.add_argument("--workers", type=int, help="WEB_CONCURRENCY for gunicorn (default: its config)")
    p.add_argument("--threads", type=int, help="WEB_THREADS for gunicorn (default: its config)")
    p.add_argument("--port", type=int, default=0, help="port for the bench server (default: a free one)")
    p.add_argument("--compare", metavar="REV", help="A/B: this tree against commit REV, alternating A, B, B, A")
    p.add_argument(
        "--b-env",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        type=_key_value,
        help="with --compare: an environment variable for side B's server only (repeatable); "
        '--compare HEAD --b-env "GUNICORN_CMD_ARGS=--http-parser python" pairs one setting of the same build',
    )
    p.add_argument("--base-url", metavar="URL", help="measure a server already running there (e.g. make run's)")
    p.add_argument(
        "--database-url", help="with --base-url: the server's database (for the ceiling and PostgreSQL's CPU)"
    )
    p.add_argument("--staff-user", default="admin", help="with --base-url: a staff user (default: the demo admin)")
    p.add_argument("--staff-password", default="admin12345")
    p.add_argument("--staff-token", help="with --base-url: a staff user's API token instead of signing in")
    p.add_argument("--users", type=int, default=200, help="with --base-url: moviegoers to register (>= 200)")
    args = p.parse_args()
    if args.compare and args.base_url:
        p.error("--compare starts both servers itself: it cannot be combined with --base-url")
    return args


def main() -> int:
    args = parse_args()
    ctx = Ctx(seconds=5 if args.quick else 10, pgbench=find_pgbench(), wrk=shutil.which("wrk") is not None)
    paired = bool(args.compare)
    runs = 2 if paired else 1
    t_start = time.perf_counter()
    args.out.mkdir(parents=True, exist_ok=True)
    tree = args.base_url or describe_tree()
    results: dict = {"machine": machine(), "tree": tree, "read_tool": "wrk" if ctx.wrk else "the asyncio client"}
    with contextlib.ExitStack() as stack:
        if args.base_url:
            sides = [remote_side(stack, args, runs)]
        else:
            trees = [("A" if paired else "", REPO, tree)]
            if args.compare:
                trees.append(
                    ("B", stack.enter_context(worktree(args.compare)), git("rev-parse", "--short", args.compare))
                )
            names = [f"{BENCH_DB}_{label.lower()}" for label, _, _ in trees] if paired else [BENCH_DB]
            urls = stack.enter_context(bench_databases(names, os.environ.get("DATABASE_URL")))
            sides = [
                local_side(stack, args, label, t, rev, url, runs)
                for (label, t, rev), url in zip(trees, urls, strict=True)
            ]
        results["server"] = dict(sides[0].info)
        if paired:
            results["server"]["database"] = f"{BENCH_DB}_a and {BENCH_DB}_b (TCP)"
            results["server"]["server"] = " / ".join(f"{s.label}: {s.info['server']}" for s in sides)
        notes = []
        if not ctx.pgbench:
            notes.append("pgbench not found: no ceiling figures")
        elif not sides[0].db_url:
            notes.append("the server's database is not known (no --database-url): no pgbench ceiling")
        if sides[0].meter.pg.postmaster is None or not sides[0].meter.server_roots:
            notes.append("some CPU could not be measured (server or PostgreSQL processes not found): CPU unknown")
        for note in notes:
            log(note)
        results["notes"] = notes
        order = [(0, 0)] if runs == 1 else [(0, 0), (1, 0), (1, 1), (0, 1)]  # A, B, B, A
        for phase in PHASES:
            for index, run in order:
                run_phase(ctx, sides[index], phase, run)
        if args.profile:
            results["profile"] = run_profile(sides[0], args.profile)
    # every server stopped here, the databases dropped, the worktree removed
    server_errors = [line for side in sides if side.server for line in side.server.log_errors()]
    results["server_log_errors"] = server_errors[:20]
    results["elapsed_s"] = round(time.perf_counter() - t_start, 1)
    summaries = {side.label or "side": summarize(side, runs) for side in sides}
    if paired:
        results["compare"] = f"--compare {args.compare}"
        results["sides"] = summaries
        results["ratios_a_to_b"] = {
            key: ratio(summaries["A"]["figures"].get(key), summaries["B"]["figures"].get(key)) for key in FIGURES
        }
        results["core_ms_ratios_a_to_b"] = {
            key: ratio(cost["core_ms"], summaries["B"]["cost"].get(key, {}).get("core_ms"))
            for key, cost in summaries["A"]["cost"].items()
        }
        write_outputs(results, args.out, f"compare-{sides[0].rev}-{sides[1].rev}", compare_markdown(results))
    else:
        results["side"] = summaries["side"]
        write_outputs(results, args.out, "latest", latest_markdown(results))
    flash_errors = sum(s["figures"]["flash_sale_errors"] or 0 for s in summaries.values())
    return 1 if server_errors or flash_errors else 0


if __name__ == "__main__":
    sys.exit(main())
