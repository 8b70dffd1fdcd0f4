#!/usr/bin/env python3
"""Boxoffice benchmarks: the database's own ceiling, then Boxoffice over HTTP, in one run on one database.

    .venv/bin/python loadtest/bench.py                   # full run (< 10 min), writes docs/benchmarks/
    .venv/bin/python loadtest/bench.py --quick           # shorter phases, same figures (noisier)
    .venv/bin/python loadtest/bench.py --profile         # also py-spy a worker under hold load
    .venv/bin/python loadtest/bench.py --workers 2 --threads 16 --out /tmp/b   # try gunicorn settings

Database: DATABASE_URL when set (used as is: nothing is created or dropped there; it must be empty or a
previous bench database), otherwise a fresh database `boxoffice_bench` on the PostgreSQL server at
127.0.0.1:5432 (user postgres), created at the start and dropped at the end. Over TCP on loopback,
like a production app server talking to its database; the embedded server of `make run` is not used
because it is shared with whatever else is running (tests, dev servers).

Server: gunicorn with config/gunicorn.conf.py (its defaults unless --workers/--threads), DEBUG off, no
access log, migrated and seeded here through the Django services (halls of 1,000 and 5,000 seats, one
fresh showtime per measurement, users with API tokens).

Measured:
  1. ceiling: pgbench runs the hold statement itself (a single-row UPDATE in autocommit) with as many
     clients as the app has database sessions (workers x threads) -- on distinct seats, and on one
     hot (held) seat where it finds nothing to update.
  2. HTTP (httpx AsyncClient, keep-alive; wrk for the layout reads when installed):
     hold throughput on distinct seats; flash sale (100 clients sell out 1,000 seats: hold + book);
     hot seat (200 clients, one seat, losers' 409 latencies); layout reads of a 1,000-seat hall with
     50 clients (full body and 304); single-client p50 of a 5,000-seat layout.
Every phase also records the CPU seconds used by the load generator, gunicorn and PostgreSQL: on two
cores they compete, so a figure is only as good as the client's share is small.
"""

from __future__ import annotations

import argparse
import asyncio
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
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg

REPO = Path(__file__).resolve().parent.parent
BACKEND = REPO / "backend"
PGBENCH_CANDIDATES = ["pgbench", "/usr/lib/postgresql/15/bin/pgbench"]
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432"
BENCH_DB = "boxoffice_bench"

TARGETS = {
    "flash_sale_bookings_per_s": (">=", 400),
    "hold_distinct_ratio_to_ceiling": (">=", 0.08),
    "hot_seat_losers_p99_ms": ("<=", 50),
    "layout_1000_full_reads_per_s": (">=", 1500),
    "layout_1000_304_per_s": (">=", 3000),
    "layout_5000_p50_ms": ("<=", 20),
}


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


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


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            return [int(p) for p in fh.read().split()]
    except OSError:
        return []


def _cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            total += sum(int(x) for x in fields[11:15])  # utime, stime, cutime, cstime (exited children)
        except OSError:
            pass
    return total / ticks


class CpuMeter:
    """CPU seconds of the load generator (this process + its children), gunicorn and PostgreSQL."""

    def __init__(self, gunicorn_pid: int | None, postmaster_pid: int | None) -> None:
        self.gunicorn_pid, self.postmaster_pid = gunicorn_pid, postmaster_pid

    def sample(self) -> dict:
        own = os.times()
        server = [self.gunicorn_pid, *_children(self.gunicorn_pid)] if self.gunicorn_pid else []
        pg = [self.postmaster_pid, *_children(self.postmaster_pid)] if self.postmaster_pid else []
        return {
            "client": own.user + own.system + own.children_user + own.children_system,
            "gunicorn": _cpu_seconds(server),
            "postgres": _cpu_seconds(pg),
            "wall": time.perf_counter(),
        }

    @staticmethod
    def delta(before: dict, after: dict) -> dict:
        wall = after["wall"] - before["wall"]
        out = {"wall_s": round(wall, 2)}
        for key in ("client", "gunicorn", "postgres"):
            out[f"{key}_cores"] = round((after[key] - before[key]) / wall, 2) if wall > 0 else 0.0
        return out


# --- database -------------------------------------------------------------------------------------------


def with_dbname(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


@contextmanager
def bench_database(explicit: str | None):
    """Yield the DATABASE_URL to benchmark on; create and drop `boxoffice_bench` unless one was given."""
    if explicit:
        yield explicit
        return
    admin = with_dbname(DEFAULT_SERVER, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")
    log(f"created database {BENCH_DB} on {DEFAULT_SERVER}")
    try:
        yield with_dbname(DEFAULT_SERVER, BENCH_DB)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        log(f"dropped database {BENCH_DB}")


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


SEED = """
import json
import math
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.authtoken.models import Token
from booking.models import Hall, Movie, ShowSeat, Venue
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
    seats = list(ShowSeat.objects.filter(showtime=st).order_by("seat_id").values_list("seat_id", flat=True))
    shows[name] = {"id": st.pk, "seat_ids": seats}
User = get_user_model()
users = User.objects.bulk_create(
    [User(username=f"bench-{tag}-{i}", password="!") for i in range(%(users)d)], batch_size=1000
)
tokens = Token.objects.bulk_create([Token(key=Token.generate_key(), user=u) for u in users], batch_size=1000)
print("SEED" + json.dumps({"shows": shows, "users": [[u.pk, t.key] for u, t in zip(users, tokens)]}))
"""

SHOWTIMES = [
    ("ceiling_distinct", 5000),
    ("ceiling_hot", 1000),
    ("hold_distinct", 5000),
    ("flash", 1000),
    ("hot", 1000),
    ("layout_1000", 1000),
    ("layout_5000", 5000),
    ("profile", 5000),
]


# --- the server ----------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, env: dict, port: int, log_path: Path) -> None:
        self.env, self.port, self.log_path = env, port, log_path
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        argv = [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "--no-control-socket"]
        with open(self.log_path, "ab") as fh:
            self.proc = subprocess.Popen(
                [*argv, "config.wsgi"],
                cwd=BACKEND,
                env={**self.env, "PORT": str(self.port), "HOST": "127.0.0.1"},
                stdout=fh,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log_path.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/api/health/", timeout=1).status_code == 200:
                    time.sleep(1.0)  # let every worker finish booting
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer /api/health/ within 30 s")

    def worker_pids(self) -> list[int]:
        return _children(self.proc.pid) if self.proc else []

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


# --- 1. the database's ceiling (pgbench) ------------------------------------------------------------------------

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
    if out.returncode != 0 or not match:
        raise RuntimeError(f"pgbench failed ({out.returncode}):\n{text[-2000:]}")
    return {
        "tps": float(match.group(1)),
        "latency_avg_ms": float(latency.group(1)) if latency else None,
        "failed": int(failed.group(1)) if failed else 0,
        "clients": clients,
        "seconds": seconds,
    }


def reset_showtime(url: str, show_id: int) -> None:
    with psycopg.connect(url) as conn:
        conn.execute(
            "UPDATE booking_showseat SET status='available', held_by_id=NULL, held_until=NULL "
            "WHERE showtime_id=%s AND status='held'",
            [show_id],
        )


# --- 2. HTTP ---------------------------------------------------------------------------------------------------------


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
    """Per-simulated-client connections (RawConn) with status accounting."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.statuses: Counter = Counter()
        self.conns: list[RawConn] = []

    def conn(self) -> RawConn:
        c = RawConn(self.host, self.port)
        self.conns.append(c)
        return c

    async def post(
        self, conn: RawConn, path: str, token: str, body: dict, headers: dict | None = None
    ) -> tuple[int, dict, float]:
        start = time.perf_counter()
        try:
            status, _, data = await conn.request(
                "POST", path, {"Authorization": f"Token {token}", **(headers or {})}, json.dumps(body).encode()
            )
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            self.statuses[type(exc).__name__] += 1
            conn.writer = None
            return 0, {}, time.perf_counter() - start
        latency = time.perf_counter() - start
        self.statuses[status] += 1
        try:
            parsed = json.loads(data) if data else {}
        except ValueError:
            parsed = {}
        return status, parsed, latency

    async def get(self, conn: RawConn, path: str, token: str | None = None) -> tuple[int, bytes]:
        status, _, data = await conn.request("GET", path, {"Authorization": f"Token {token}"} if token else {})
        self.statuses[status] += 1
        return status, data

    async def warm(self, conns: list[RawConn]) -> None:
        """Open every connection (one request each) before a timed phase."""
        await asyncio.gather(*(c.request("GET", "/api/health/", {}) for c in conns))

    def close(self) -> None:
        for c in self.conns:
            c.close()


async def bench_hold_distinct(base: str, show: dict, users: list, clients: int) -> dict:
    """Holds of distinct seats, one per request, `clients` in flight; consecutive jobs are different users
    (seat k goes to user k mod len(users)), so the per-user lock is not what is measured."""
    seats = show["seat_ids"]
    jobs = [(users[k % len(users)][1], seat) for k, seat in enumerate(seats)]
    queue: asyncio.Queue = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)
    http = Http(base)
    conns = [http.conn() for _ in range(clients)]
    await http.warm(conns)
    latencies: list[float] = []

    async def worker(conn: RawConn) -> None:
        while True:
            try:
                token, seat = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            _, _, latency = await http.post(conn, "/api/hold-seat/", token, {"show_id": show["id"], "seat_id": seat})
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
        "p50_ms": round(pct(latencies, 50) * 1000, 1),
        "p99_ms": round(pct(latencies, 99) * 1000, 1),
        "statuses": {str(k): v for k, v in http.statuses.items()},
        "clients": clients,
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
            _, data = await http.get(conn, f"/api/hall-layout/{show['id']}/", token)
            layouts[0] += 1
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

    await asyncio.gather(*(client(users[i][1]) for i in range(clients)))
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
        "hold_p50_ms": round(pct(hold_latency, 50) * 1000, 1),
        "book_p50_ms": round(pct(book_latency, 50) * 1000, 1),
        "book_p99_ms": round(pct(book_latency, 99) * 1000, 1),
        "statuses": {str(k): v for k, v in http.statuses.items()},
        "clients": clients,
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
        "p50_ms": round(pct(losers, 50) * 1000, 1),
        "p95_ms": round(pct(losers, 95) * 1000, 1),
        "p99_ms": round(pct(losers, 99) * 1000, 1),
        "max_ms": round(max(losers) * 1000, 1) if losers else None,
        "burst_s": [round(b, 3) for b in bursts],
        "requests_per_s": round(clients * rounds / sum(bursts), 1),
        "statuses": {str(k): v for k, v in http.statuses.items()},
    }


def run_wrk(url: str, headers: dict, connections: int, seconds: int) -> dict:
    argv = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--latency", "--timeout", "10s"]
    for key, value in headers.items():
        argv += ["-H", f"{key}: {value}"]
    out = subprocess.run([*argv, url], capture_output=True, text=True, timeout=seconds + 30)
    text = out.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    errors = re.search(r"Socket errors: (.*)", text)

    def ms(label: str) -> float | None:
        m = re.search(rf"\s{label}%\s+([\d.]+)(us|ms|s)", text)
        if not m:
            return None
        factor = {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
        return round(float(m.group(1)) * factor, 2)

    return {
        "tool": "wrk",
        "requests_per_s": round(rps, 1),
        "p50_ms": ms("50"),
        "p99_ms": ms("99"),
        "non_2xx_3xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": errors.group(1) if errors else None,
        "connections": connections,
        "seconds": seconds,
    }


async def python_reads(url: str, headers: dict, connections: int, seconds: int) -> dict:
    """Fallback without wrk: httpx, `connections` concurrent loops (the client may be the bottleneck)."""
    client = httpx.AsyncClient(limits=httpx.Limits(max_connections=connections), timeout=30)
    latencies: list[float] = []
    bad = [0]
    deadline = time.perf_counter() + seconds

    async def loop() -> None:
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            r = await client.get(url, headers=headers)
            latencies.append(time.perf_counter() - start)
            if r.status_code not in (200, 304):
                bad[0] += 1

    start = time.perf_counter()
    await asyncio.gather(*(loop() for _ in range(connections)))
    elapsed = time.perf_counter() - start
    await client.aclose()
    return {
        "tool": "httpx",
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(pct(latencies, 50) * 1000, 2),
        "p99_ms": round(pct(latencies, 99) * 1000, 2),
        "non_2xx_3xx": bad[0],
        "connections": connections,
        "seconds": seconds,
    }


async def layout_single(base: str, show: dict, token: str, other_token: str, n: int) -> dict:
    """One client, sequential GETs of a layout: warm (unchanged showtime) and after a write (cache rebuilt)."""
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        headers = {"Authorization": f"Token {token}"}
        path = f"/api/hall-layout/{show['id']}/"
        for _ in range(5):
            await client.get(path, headers=headers)
        warm = []
        size = 0
        for _ in range(n):
            start = time.perf_counter()
            r = await client.get(path, headers=headers)
            warm.append(time.perf_counter() - start)
            size = len(r.content)
        cold = []
        other = {"Authorization": f"Token {other_token}"}
        for i in range(min(n, 40)):
            seat = show["seat_ids"][i]
            await client.post("/api/hold-seat/", json={"show_id": show["id"], "seat_id": seat}, headers=other)
            await client.post("/api/release-seat/", json={"show_id": show["id"], "seat_id": seat}, headers=other)
            start = time.perf_counter()
            await client.get(path, headers=headers)
            cold.append(time.perf_counter() - start)
    return {
        "seats": len(show["seat_ids"]),
        "body_bytes": size,
        "warm_p50_ms": round(pct(warm, 50) * 1000, 2),
        "warm_p99_ms": round(pct(warm, 99) * 1000, 2),
        "after_write_p50_ms": round(pct(cold, 50) * 1000, 2),
        "requests": n,
    }


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
    """py-spy record (raw collapsed stacks, idle samples included) of one worker for `seconds`."""
    pyspy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    raw = out.with_suffix(".txt")
    argv = [pyspy, "record", "--pid", str(pid), "--duration", str(seconds), "--rate", "200", "--idle"]
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
        if not any("get_response" in f or "handle_request" in f for f in frames):
            continue  # an idle thread: waiting for a connection or a request
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


# --- orchestration ------------------------------------------------------------------------------------------


def manage(env: dict, *args: str) -> str:
    out = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BACKEND, env=env, capture_output=True, text=True, timeout=600
    )
    if out.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{out.stdout[-2000:]}\n{out.stderr[-3000:]}")
    return out.stdout


def ratio(value: float, ceiling: float) -> float:
    return round(value / ceiling, 3) if ceiling else float("nan")


def judge(key: str, value: float) -> str:
    op, target = TARGETS[key]
    ok = value >= target if op == ">=" else value <= target
    return f"{'met' if ok else 'MISSED'} (target {op} {target})"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, default=REPO / "docs" / "benchmarks")
    p.add_argument("--quick", action="store_true", help="shorter phases (5 s instead of 10 s)")
    p.add_argument("--profile", action="store_true", help="py-spy one worker under hold load")
    p.add_argument("--workers", type=int, help="WEB_CONCURRENCY for gunicorn (default: its config)")
    p.add_argument("--threads", type=int, help="WEB_THREADS for gunicorn (default: its config)")
    p.add_argument("--port", type=int, default=0, help="port for the bench server (default: a free one)")
    args = p.parse_args()
    seconds = 5 if args.quick else 10
    t_start = time.perf_counter()
    args.out.mkdir(parents=True, exist_ok=True)
    pgbench = find_pgbench()

    results: dict = {"machine": machine(), "figures": {}, "details": {}}
    env_url = os.environ.get("DATABASE_URL")
    with bench_database(env_url) as url:
        version, postmaster, pg_settings = postgres_info(url)
        results["machine"]["postgresql"] = version
        results["machine"]["postgresql_settings"] = pg_settings
        results["machine"]["database"] = "DATABASE_URL" if env_url else f"{BENCH_DB} on {DEFAULT_SERVER} (TCP)"
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DEBUG": "false",
            # Rate limits stay on, so their cost (one counter round trip per hold, book, sign-in) is
            # measured; the rates are lifted because a few bench users send thousands of holds a minute.
            "THROTTLES_ENABLED": "true",
            "THROTTLE_RATES": "hold=100000000/min,book=100000000/min,login=100000000/min,register=100000000/min",
            "ACCESS_LOG": "",
            "GUNICORN_LOG_LEVEL": "warning",
        }
        if args.workers:
            env["WEB_CONCURRENCY"] = str(args.workers)
        if args.threads:
            env["WEB_THREADS"] = str(args.threads)
        workers = int(env.get("WEB_CONCURRENCY", (os.cpu_count() or 1) * 2))
        threads = int(env.get("WEB_THREADS", 8))
        results["machine"]["gunicorn"] = f"{workers} workers x {threads} threads (gthread)"
        db_sessions = workers * threads

        log("migrating")
        manage(env, "migrate", "--noinput")
        log("seeding halls of 1,000 and 5,000 seats, showtimes and 700 users with tokens")
        tag = secrets.token_hex(3)
        seed_out = manage(env, "shell", "-c", SEED % {"tag": tag, "showtimes": repr(SHOWTIMES), "users": 700})
        seed = json.loads(seed_out.rsplit("SEED", 1)[1])
        shows, users = seed["shows"], seed["users"]

        log_path = args.out / ".bench-server.log"
        log_path.write_bytes(b"")
        server = Server(env, args.port or free_port(), log_path)
        server.start()
        meter = CpuMeter(server.proc.pid, postmaster)
        cpu: dict = {}
        try:
            # 1. ceiling
            ceiling_distinct = ceiling_hot = None
            if pgbench:
                d = shows["ceiling_distinct"]
                variables = {
                    "show": d["id"],
                    "lo": min(d["seat_ids"]),
                    "hi": max(d["seat_ids"]),
                    "uid0": users[0][0],
                    "nusers": 500,
                }
                log(f"pgbench: hold SQL on distinct seats, {db_sessions} clients, {seconds}s")
                before = meter.sample()
                ceiling_distinct = run_pgbench(pgbench, url, PGBENCH_DISTINCT, variables, db_sessions, seconds)
                cpu["ceiling_distinct"] = meter.delta(before, meter.sample())
                reset_showtime(url, d["id"])
                h = shows["ceiling_hot"]
                hot_seat = h["seat_ids"][0]
                with psycopg.connect(url) as conn:  # the hot seat is held by someone else for the whole run
                    conn.execute(
                        "UPDATE booking_showseat SET status='held', held_by_id=%s, held_until=now()+interval '1 hour' "
                        "WHERE showtime_id=%s AND seat_id=%s",
                        [users[-1][0], h["id"], hot_seat],
                    )
                log(f"pgbench: hold SQL on one hot (held) seat, {db_sessions} clients, {seconds}s")
                before = meter.sample()
                ceiling_hot = run_pgbench(
                    pgbench, url, PGBENCH_HOT, {**variables, "show": h["id"], "seat": hot_seat}, db_sessions, seconds
                )
                cpu["ceiling_hot"] = meter.delta(before, meter.sample())
            else:
                log("pgbench not found: no ceiling figures")
            results["details"]["ceiling_distinct"] = ceiling_distinct
            results["details"]["ceiling_hot"] = ceiling_hot
            ceiling = ceiling_distinct["tps"] if ceiling_distinct else 0.0

            # 2. HTTP
            log("HTTP: holds on distinct seats (64 clients, 5,000 seats, 500 users x 10, interleaved)")
            before = meter.sample()
            hold = asyncio.run(bench_hold_distinct(server.url, shows["hold_distinct"], users[:500], 64))
            cpu["hold_distinct"] = meter.delta(before, meter.sample())
            results["details"]["hold_distinct"] = hold

            log("HTTP: flash sale (100 clients sell out 1,000 seats)")
            before = meter.sample()
            flash = asyncio.run(bench_flash_sale(server.url, shows["flash"], users[500:600], 100))
            cpu["flash_sale"] = meter.delta(before, meter.sample())
            results["details"]["flash_sale"] = flash

            log("HTTP: hot seat (200 clients, 5 rounds)")
            before = meter.sample()
            hot = asyncio.run(bench_hot_seat(server.url, shows["hot"], users[:200], 200, 5))
            cpu["hot_seat"] = meter.delta(before, meter.sample())
            results["details"]["hot_seat"] = hot

            # layout reads: a realistic 1,000-seat showtime (a third sold, some held)
            l1k = shows["layout_1000"]
            with psycopg.connect(url) as conn:
                conn.execute(
                    "UPDATE booking_showseat SET status='held', held_by_id=%s, held_until=now()+interval '1 hour' "
                    "WHERE showtime_id=%s AND seat_id = ANY(%s)",
                    [users[-2][0], l1k["id"], l1k["seat_ids"][400:420]],
                )
            token = users[650][1]
            path = f"/api/hall-layout/{l1k['id']}/"
            r = httpx.get(server.url + path, headers={"Authorization": f"Token {token}"})
            etag = r.headers["etag"]
            use_wrk = shutil.which("wrk") is not None
            reads = {}
            for kind, headers in (
                ("full", {"Authorization": f"Token {token}"}),
                ("304", {"Authorization": f"Token {token}", "If-None-Match": etag}),
            ):
                log(f"HTTP: layout 1,000 seats, {kind}, 50 connections ({'wrk' if use_wrk else 'httpx'}), {seconds}s")
                before = meter.sample()
                if use_wrk:
                    reads[kind] = run_wrk(server.url + path, headers, 50, seconds)
                else:
                    reads[kind] = asyncio.run(python_reads(server.url + path, headers, 50, seconds))
                cpu[f"layout_1000_{kind}"] = meter.delta(before, meter.sample())
            reads["full"]["body_bytes"] = len(r.content)
            results["details"]["layout_1000"] = reads

            log("HTTP: 5,000-seat layout, one client")
            single = asyncio.run(layout_single(server.url, shows["layout_5000"], users[651][1], users[652][1], 200))
            results["details"]["layout_5000"] = single

            if args.profile:
                log("profile: py-spy on one worker under hold load")
                pid = server.worker_pids()[0]
                loop_users = users[:500]

                async def load() -> dict:
                    return await bench_hold_distinct(server.url, shows["profile"], loop_users, 64)

                prof: dict = {}

                def spy() -> None:
                    time.sleep(0.5)
                    prof.update(profile_worker(pid, 6, Path(tempfile.gettempdir()) / "boxoffice-profile-raw"))

                thread = threading.Thread(target=spy)
                thread.start()
                results["details"]["profile_load"] = asyncio.run(load())
                thread.join()
                results["details"]["profile"] = prof
        finally:
            server.stop()
        log_text = log_path.read_text(errors="replace")
        server_errors = [line for line in log_text.splitlines() if re.search(r"Traceback|ERROR|CRITICAL", line)]
        log_path.unlink(missing_ok=True)

    figures = results["figures"]
    figures["ceiling_distinct_tps"] = ceiling_distinct["tps"] if ceiling_distinct else None
    figures["ceiling_hot_tps"] = ceiling_hot["tps"] if ceiling_hot else None
    figures["hold_distinct_per_s"] = hold["holds_per_s"]
    figures["hold_distinct_ratio_to_ceiling"] = ratio(hold["holds_per_s"], ceiling)
    figures["flash_sale_bookings_per_s"] = flash["bookings_per_s"]
    figures["flash_sale_errors"] = flash["errors"]
    figures["hot_seat_losers_p50_ms"] = hot["p50_ms"]
    figures["hot_seat_losers_p95_ms"] = hot["p95_ms"]
    figures["hot_seat_losers_p99_ms"] = hot["p99_ms"]
    figures["layout_1000_full_reads_per_s"] = reads["full"]["requests_per_s"]
    figures["layout_1000_304_per_s"] = reads["304"]["requests_per_s"]
    figures["layout_5000_p50_ms"] = single["warm_p50_ms"]
    results["cpu_cores_used"] = cpu
    results["server_log_errors"] = server_errors[:20]
    results["elapsed_s"] = round(time.perf_counter() - t_start, 1)

    write_outputs(results, args.out, ceiling, ceiling_hot["tps"] if ceiling_hot else 0.0)
    return 1 if server_errors or flash["errors"] else 0


def write_outputs(results: dict, out: Path, ceiling: float, ceiling_hot: float) -> None:
    f, d, m, cpu = results["figures"], results["details"], results["machine"], results["cpu_cores_used"]
    rows = [
        (
            "Raw SQL ceiling: hold tx, distinct seats",
            f"{f['ceiling_distinct_tps']} tx/s",
            "1.000",
            "",
            "ceiling_distinct",
        ),
        ("Raw SQL ceiling: hold tx, one hot seat", f"{f['ceiling_hot_tps']} tx/s", "", "", "ceiling_hot"),
        (
            "HTTP hold, distinct seats (64 clients)",
            f"{f['hold_distinct_per_s']} holds/s",
            f"{f['hold_distinct_ratio_to_ceiling']}",
            judge("hold_distinct_ratio_to_ceiling", f["hold_distinct_ratio_to_ceiling"]),
            "hold_distinct",
        ),
        (
            "Flash sale: 1,000 seats, 100 clients",
            f"{f['flash_sale_bookings_per_s']} bookings/s, {f['flash_sale_errors']} errors",
            f"{ratio(f['flash_sale_bookings_per_s'], ceiling)}",
            judge("flash_sale_bookings_per_s", f["flash_sale_bookings_per_s"]),
            "flash_sale",
        ),
        (
            "Hot seat, 200 clients: losers' 409 p50/p95/p99",
            f"{f['hot_seat_losers_p50_ms']} / {f['hot_seat_losers_p95_ms']} / {f['hot_seat_losers_p99_ms']} ms",
            f"{ratio(d['hot_seat']['requests_per_s'], ceiling_hot)} (burst req/s vs hot-seat tx/s)",
            judge("hot_seat_losers_p99_ms", f["hot_seat_losers_p99_ms"]),
            "hot_seat",
        ),
        (
            "Layout 1,000 seats, 50 clients, full body",
            f"{f['layout_1000_full_reads_per_s']} reads/s",
            f"{ratio(f['layout_1000_full_reads_per_s'], ceiling)}",
            judge("layout_1000_full_reads_per_s", f["layout_1000_full_reads_per_s"]),
            "layout_1000_full",
        ),
        (
            "Layout 1,000 seats, 50 clients, 304",
            f"{f['layout_1000_304_per_s']} reads/s",
            f"{ratio(f['layout_1000_304_per_s'], ceiling)}",
            judge("layout_1000_304_per_s", f["layout_1000_304_per_s"]),
            "layout_1000_304",
        ),
        (
            "Layout 5,000 seats, one client, p50",
            f"{f['layout_5000_p50_ms']} ms (after a write: {d['layout_5000']['after_write_p50_ms']} ms)",
            "",
            judge("layout_5000_p50_ms", f["layout_5000_p50_ms"]),
            "",
        ),
    ]

    def cpu_cell(key: str) -> str:
        c = cpu.get(key)
        return f"{c['client_cores']} / {c['gunicorn_cores']} / {c['postgres_cores']}" if c else ""

    lines = [
        "# Boxoffice benchmark: latest run",
        "",
        f"Generated by `loadtest/bench.py` on {m['date']} in {results['elapsed_s']} s. "
        "Ratios are to the raw-SQL ceiling on distinct seats (tx/s), except the hot seat's.",
        "",
        f"- Machine: {m['nproc']} CPUs ({m['cpu_model']}), {m['memory_gb']} GB RAM, Linux {m['kernel']}",
        f"- PostgreSQL {m['postgresql']} ({m['database']}; {m['postgresql_settings']}), Python {m['python']}",
        f"- Server: gunicorn {m['gunicorn']}, DEBUG off, no access log",
        "",
        "| Measurement | Result | Ratio to ceiling | Target | CPU cores used: client / gunicorn / postgres |",
        "|---|---|---|---|---|",
    ]
    for name, value, rat, target, cpu_key in rows:
        lines.append(f"| {name} | {value} | {rat} | {target} | {cpu_cell(cpu_key)} |")
    lines += [
        "",
        "Details (statuses seen, latencies) are in `latest.json`. "
        "Layout reads are generated with "
        f"{d['layout_1000']['full']['tool']}; the other HTTP phases with a minimal asyncio "
        "HTTP/1.1 keep-alive client (one process, one write per request).",
    ]
    if results["server_log_errors"]:
        lines += ["", "**Server log errors during the run:**", "", *[f"    {x}" for x in results["server_log_errors"]]]
    (out / "latest.md").write_text("\n".join(lines) + "\n")
    (out / "latest.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    if "profile" in d:
        prof = d["profile"]
        total = prof["request_samples"] or 1
        plines = [
            "# Profile of one gunicorn worker under hold load (generated)",
            "",
            f"py-spy record --idle, 200 Hz, {prof['seconds']} s, {prof['request_samples']} samples inside a request "
            f"(threads waiting for work excluded). Load: 64 clients holding distinct seats "
            f"({d['profile_load']['holds_per_s']} holds/s during the profile).",
            "",
            "| Layer (innermost non-stdlib frame) | share of request time |",
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
        (out / "profile-latest.md").write_text("\n".join(plines) + "\n")
    print("\n".join(lines))
    print(f"\nwrote {out / 'latest.md'} and {out / 'latest.json'}")


if __name__ == "__main__":
    sys.exit(main())
