"""Fault-injection helpers: the real app server (gunicorn with config/gunicorn.conf.py) on a free port, a
row-lock blocker, a client operation log, and the checker every fault test runs over that log and the database.
The server helpers (`app_server`, and `started_process` + `server_env` under it) are also how the tests of
loadtest/ and scripts/ (the repository's tests/) start their servers.

Outcomes of a client operation:
  ok       the server answered with the success status (the effect happened and was acknowledged);
  failed   a definite answer that nothing happened: a 4xx, or the request never reached the server;
  unknown  the client cannot know: a 5xx, a reset/closed connection or a timeout after the request was sent.
"""

import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import psycopg
from django.db import connection

BACKEND = Path(__file__).resolve().parents[3]


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


def wait_until(predicate, *, timeout: float, interval: float = 0.05, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {message}")
        time.sleep(interval)


@dataclass
class AppServer:
    process: subprocess.Popen
    base_url: str
    log_path: Path

    def log_tail(self, n: int = 4000) -> str:
        return self.log_path.read_text(errors="replace")[-n:]

    def worker_pids(self) -> list[int]:
        import psutil

        return sorted(child.pid for child in psutil.Process(self.process.pid).children())


def server_env(*, database_url: str, **overrides) -> dict[str, str]:
    """The environment of a server a test starts: this process's, serving `database_url` with production
    settings (DEBUG off, a SECRET_KEY), then `overrides`."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "DEBUG": "false",
        **{key: str(value) for key, value in overrides.items()},
    }


@contextmanager
def started_process(argv: list[str], *, cwd: Path, env: dict, log_path: Path, ready, timeout: float, what: str):
    """`argv` in a session of its own, its output in `log_path`; yields its Popen once `ready()` is true, or
    fails with the log's tail if it exits or `timeout` seconds pass first. Its whole group is stopped on
    exit, always (after whatever the caller checks at the end of its `with` block)."""
    with open(log_path, "wb") as log:
        process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while not ready():
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"{what} did not come up:\n{log_path.read_text(errors='replace')[-4000:]}")
            time.sleep(0.1)
        yield process
    finally:
        stop_process_group(process)


@contextmanager
def app_server(*, database_url: str, log_path: Path, healthy: bool = True, **env_overrides):
    """The app server (gunicorn with config/gunicorn.conf.py, as `make run` starts it) serving `database_url`; killed
    (whole group) on exit, always. It is up when /api/health/ answers 200 (or, with healthy=False, answers
    at all). One worker with 4 threads unless WEB_CONCURRENCY/WEB_THREADS say otherwise."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = server_env(
        database_url=database_url,
        **{
            "HOST": "127.0.0.1",
            "PORT": port,
            "WEB_CONCURRENCY": 1,
            "WEB_THREADS": 4,
            "REQUEST_LOG": "false",
            "TOKEN_CACHE_SECONDS": 0,
            **env_overrides,
        },
    )

    def up() -> bool:
        try:
            return httpx.get(f"{base_url}/api/health/", timeout=2).status_code == 200 or not healthy
        except httpx.HTTPError:
            return False

    # No control socket: it would replace that of any other gunicorn on this machine.
    argv = [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "--no-control-socket", "config.wsgi"]
    with started_process(
        argv, cwd=BACKEND, env=env, log_path=log_path, ready=up, timeout=20, what="the app server"
    ) as process:
        yield AppServer(process, base_url, log_path)


def stop_process_group(process: subprocess.Popen, timeout: float = 10) -> None:
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pass
    # Whatever is left of the group (a worker orphaned by a SIGKILLed master, say) goes too.
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


class RowBlocker:
    """A separate connection that holds FOR UPDATE locks on seat rows until released: the app's seat
    transaction then waits on them (deterministically slow), bounded only by its LOCK_TIMEOUT_MS."""

    def __init__(self, conninfo: str):
        self.conn = psycopg.connect(conninfo, application_name="faults-blocker")
        self.pid = self.conn.info.backend_pid

    def lock_seat(self, *, showtime_id: int, seat_id: int) -> None:
        row = self.conn.execute(
            "SELECT id FROM booking_showseat WHERE showtime_id = %s AND seat_id = %s FOR UPDATE",
            [showtime_id, seat_id],
        ).fetchone()
        assert row is not None

    def release(self) -> None:
        self.conn.rollback()

    def close(self) -> None:
        self.conn.close()


@contextmanager
def in_background(blocker: RowBlocker, workers: int = 2):
    """A thread pool for requests that will wait on `blocker`; the blocker is released before the pool is
    joined, so a failing test never sits out the server's lock timeout."""
    with ThreadPoolExecutor(workers) as pool:
        try:
            yield pool
        finally:
            blocker.release()


def kill_while_waiting(call, *, blocker: RowBlocker) -> dict:
    """Run `call` on a thread of its own; once its backend waits on `blocker`'s lock, terminate that backend.
    Returns {"result": ...} or {"error": ...} (what `call` returned or raised), after checking that no advisory
    lock outlived the killed transaction."""
    outcome = {}

    def run():
        try:
            outcome["result"] = call()
        except Exception as exc:  # the caller inspects it
            outcome["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    with psycopg.connect(test_database_url(), autocommit=True) as monitor:
        database = connection.settings_dict["NAME"]
        [victim] = wait_until(
            lambda: waiting_backends(monitor, database=database, exclude={blocker.pid}), timeout=10, message="the call"
        )
        monitor.execute("SELECT pg_terminate_backend(%s)", [victim])
        thread.join(timeout=10)
        blocker.release()
        assert not monitor.execute("SELECT 1 FROM pg_locks WHERE locktype = 'advisory'").fetchall()
    return outcome


def waiting_backends(conn: psycopg.Connection, *, database: str, exclude: set[int]) -> list[int]:
    """Backends of `database` waiting on a heavyweight lock (row, transaction or advisory)."""
    rows = conn.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock' ORDER BY backend_start",
        [database],
    ).fetchall()
    return [pid for (pid,) in rows if pid not in exclude]


# --- the client operation log ---------------------------------------------------------------------------


@dataclass
class Op:
    kind: str  # hold | book | layout
    user: str  # username
    seat_ids: list[int] = field(default_factory=list)
    key: str | None = None
    outcome: str = "unknown"
    status: int | None = None
    reference: str | None = None
    replayed: bool = False  # the response carried Idempotent-Replayed: true
    error: str = ""
    started: float = 0.0
    ended: float = 0.0


class OpLog:
    def __init__(self):
        self.ops: list[Op] = []
        self._lock = threading.Lock()

    def add(self, op: Op) -> Op:
        with self._lock:
            self.ops.append(op)
        return op


def classify(op: Op, response: httpx.Response | None, exc: BaseException | None, *, success: int) -> Op:
    op.ended = time.monotonic()
    if exc is not None:
        op.error = f"{type(exc).__name__}: {exc}"
        # ConnectError: the request never reached a server, so it certainly had no effect.
        op.outcome = "failed" if isinstance(exc, httpx.ConnectError) else "unknown"
        return op
    op.status = response.status_code
    op.replayed = response.headers.get("Idempotent-Replayed") == "true"
    if response.status_code == success:
        op.outcome = "ok"
        if op.kind == "book":
            op.reference = response.json()["booking"]["reference"]
    elif response.status_code >= 500:
        op.outcome = "unknown"
        op.error = response.text[:200]
    else:
        op.outcome = "failed"
        op.error = response.text[:200]
    return op


def request(client: httpx.Client, log: OpLog, op: Op, method: str, url: str, *, success: int, **kwargs) -> Op:
    op.started = time.monotonic()
    log.add(op)
    try:
        response = client.request(method, url, **kwargs)
    except httpx.HTTPError as exc:
        return classify(op, None, exc, success=success)
    return classify(op, response, None, success=success)


# --- the checker ------------------------------------------------------------------------------------------


def check_faults_invariants(conn: psycopg.Connection, ops: list[Op], *, showtime_ids: list[int]) -> None:
    """What must hold whatever faults happened, over the client's log and the database:
    free + held + booked = capacity; no seat sold twice and bookings/lines/seats agree; every acknowledged
    booking is in the database as acknowledged; every booking in the database is explained by an ok or
    unknown book operation (never by a failed one, nor by nothing); an idempotency key has at most one booking.
    """
    q = conn.execute
    for showtime_id in showtime_ids:
        capacity, free, held, booked, rows = q(
            """
            SELECT (SELECT count(*) FROM booking_seat s JOIN booking_showtime st ON st.hall_id = s.hall_id
                    WHERE st.id = %(id)s),
                   count(*) FILTER (WHERE status = 'available'),
                   count(*) FILTER (WHERE status = 'held'),
                   count(*) FILTER (WHERE status = 'booked'),
                   count(*)
            FROM booking_showseat WHERE showtime_id = %(id)s
            """,
            {"id": showtime_id},
        ).fetchone()
        assert free + held + booked == capacity == rows, (showtime_id, capacity, free, held, booked, rows)

    assert q("SELECT show_seat_id FROM booking_bookingseat GROUP BY 1 HAVING count(*) > 1").fetchall() == [], (
        "a seat was sold twice"
    )
    assert (
        q(
            """SELECT ss.id FROM booking_showseat ss LEFT JOIN booking_bookingseat bs ON bs.show_seat_id = ss.id
           WHERE (ss.status = 'booked') <> (bs.id IS NOT NULL)"""
        ).fetchall()
        == []
    ), "booked seats and booking lines disagree"
    assert (
        q(
            """SELECT bs.id FROM booking_bookingseat bs JOIN booking_showseat ss ON ss.id = bs.show_seat_id
           JOIN booking_booking b ON b.id = bs.booking_id WHERE ss.showtime_id <> b.showtime_id"""
        ).fetchall()
        == []
    ), "a booking line in another showtime"
    assert (
        q(
            "SELECT id FROM booking_showseat WHERE status = 'held' AND (held_by_id IS NULL OR held_until IS NULL)"
        ).fetchall()
        == []
    ), "a held seat lacks its holder or expiry"
    assert (
        q(
            "SELECT user_id, idempotency_key FROM booking_booking WHERE idempotency_key IS NOT NULL"
            " GROUP BY 1, 2 HAVING count(*) > 1"
        ).fetchall()
        == []
    ), "an idempotency key with several bookings"

    bookings = {}
    for reference, username, key, seat_ids in q(
        """SELECT b.reference, u.username, b.idempotency_key, array_agg(ss.seat_id ORDER BY ss.seat_id)
           FROM booking_booking b JOIN auth_user u ON u.id = b.user_id
           JOIN booking_bookingseat bs ON bs.booking_id = b.id JOIN booking_showseat ss ON ss.id = bs.show_seat_id
           WHERE b.showtime_id = ANY(%s) GROUP BY 1, 2, 3""",
        [showtime_ids],
    ).fetchall():
        bookings[reference] = (username, key, seat_ids)

    books = [op for op in ops if op.kind == "book"]
    for op in books:
        if op.outcome == "ok":
            assert op.reference in bookings, f"acknowledged booking missing from the database: {op}"
            assert bookings[op.reference] == (op.user, op.key, sorted(op.seat_ids)), (op, bookings[op.reference])
    for reference, (username, key, seat_ids) in bookings.items():
        explaining = [
            op
            for op in books
            if op.user == username and op.key == key and sorted(op.seat_ids) == seat_ids and op.outcome != "failed"
        ]
        assert explaining, f"booking {reference} ({username}, key {key}, seats {seat_ids}) matches no ok/unknown op"
        acknowledged = {op.reference for op in explaining if op.outcome == "ok"}
        assert acknowledged <= {reference}, f"one key acknowledged as several bookings: {acknowledged}"
