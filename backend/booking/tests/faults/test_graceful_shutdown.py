"""Ctrl-C on `make run` under load (issue 9, item 7): the server is started the way `make run` starts it
(scripts/devstack.py, gunicorn with config/gunicorn.conf.py) and stopped with SIGINT while it serves
kept-alive clients, requests wait on a row lock, one connection never sends a request and another sent
half of one. The stop must answer the requests in flight, then exit 0 well within graceful_timeout
(10 s), with no worker SIGKILLed and no traceback.

Stock gunicorn did neither: devstack passed SIGINT on to the whole group, gunicorn's quick shutdown,
whose workers leave from the signal handler (requests already sent on kept-alive connections reset) and
then wait, at interpreter exit, for the pool thread stuck reading the half-sent request, until the
master SIGKILLs them at graceful_timeout. Its graceful stop (SIGTERM) waited just as long on the idle
and the half-sent connections.
"""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import suppress

import httpx
import psutil
import pytest

from booking.tests.faults.helpers import BACKEND, free_port, wait_until, waiting_backends

pytestmark = pytest.mark.django_db(transaction=True)

DEVSTACK = BACKEND.parent / "scripts" / "devstack.py"
STOP_WITHIN = 8.0  # seconds; gunicorn's graceful_timeout (when the master SIGKILLs) is 10
IDLE_FOR = 5.5  # gthread parks a connection that sent nothing for 5 s; stock gunicorn then waited on it
BLOCKED = 3  # hold requests waiting on the row lock when the signal comes
POLLERS = 6  # kept-alive clients polling the seat map


class Outcome:
    def __init__(self, started: float):
        self.started, self.ended = started, None
        self.status: int | None = None
        self.error: str | None = None


def serve(db_url: str, log_path) -> tuple[subprocess.Popen, str]:
    """`devstack.py serve` (what `make run` runs once set up) on the test database, as a terminal's
    foreground job: a group of its own, which a Ctrl-C signals as a whole."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "WEB_CONCURRENCY": "2",
        "WEB_THREADS": "4",
        "LOCK_TIMEOUT_MS": "20000",  # the blocked holds wait for the blocker, not for a lock timeout
        "TOKEN_CACHE_SECONDS": "0",
    }
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, str(DEVSTACK), "serve"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return process, f"http://127.0.0.1:{port}"


def wait_healthy(process: subprocess.Popen, base_url: str, log_path) -> None:
    def up():
        assert process.poll() is None, f"the server exited:\n{log_path.read_text()[-3000:]}"
        with suppress(httpx.HTTPError):
            return httpx.get(f"{base_url}/api/health/", timeout=2).status_code == 200
        return False

    wait_until(up, timeout=60, interval=0.1, message="the server to answer /api/health/")


def kill_everything(process: subprocess.Popen, groups: list[int]) -> None:
    for pgid in {process.pid, *groups}:
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGKILL)
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)


@pytest.mark.parametrize(
    "ctrl_c",
    [
        # A terminal's Ctrl-C reaches devstack's group; gunicorn runs in a session of its own.
        "devstack",
        # As when gunicorn shares the terminal's group (run by hand): master and workers get it at once.
        "devstack_and_gunicorn",
    ],
)
def test_ctrl_c_under_load_answers_in_flight_requests_and_exits_cleanly(
    ctrl_c, db_url, db_name, monitor, blocker, showtime, seats, make_user, tmp_path
):
    log_path = tmp_path / "server.log"
    process, base_url = serve(db_url, log_path)
    groups: list[int] = []
    clients: list[httpx.Client] = []
    raw: list[socket.socket] = []
    stop_polling = threading.Event()
    try:
        wait_healthy(process, base_url, log_path)
        master = psutil.Process(process.pid).children()[0]
        groups.append(os.getpgid(master.pid))
        workers = [worker.pid for worker in master.children()]
        host, port = base_url.removeprefix("http://").split(":")

        # A connection that never sends a request (a browser's spare one), and a request sent by half.
        raw.append(socket.create_connection((host, int(port))))
        idle_since = time.monotonic()
        half = socket.create_connection((host, int(port)))
        half.sendall(b"GET /api/shows/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        raw.append(half)

        # Kept-alive clients polling the seat map, all through the stop.
        layout = f"/api/hall-layout/{showtime.pk}/"
        polls: list[Outcome] = []

        def poll(client: httpx.Client) -> None:
            while not stop_polling.is_set():
                outcome = Outcome(time.monotonic())
                polls.append(outcome)
                try:
                    outcome.status = client.get(layout).status_code
                except httpx.HTTPError as exc:
                    outcome.error = f"{type(exc).__name__}: {exc}"
                    time.sleep(0.05)
                outcome.ended = time.monotonic()

        pollers = []
        for _ in range(POLLERS):
            client = httpx.Client(base_url=base_url, timeout=20)
            clients.append(client)
            pollers.append(threading.Thread(target=poll, args=(client,), daemon=True))
        for thread in pollers:
            thread.start()

        # Holds of one seat, each on a kept-alive connection, waiting on the blocker's row lock.
        blocker.lock_seat(showtime_id=showtime.pk, seat_id=seats[0])
        holds = [Outcome(0.0) for _ in range(BLOCKED)]

        def hold(client: httpx.Client, outcome: Outcome, headers: dict) -> None:
            outcome.started = time.monotonic()
            try:
                response = client.post(
                    "/api/hold-seat/", json={"show_id": showtime.pk, "seat_ids": [seats[0]]}, headers=headers
                )
                outcome.status = response.status_code
            except httpx.HTTPError as exc:
                outcome.error = f"{type(exc).__name__}: {exc}"
            outcome.ended = time.monotonic()

        holders = []
        for outcome in holds:
            _, headers = make_user()
            client = httpx.Client(base_url=base_url, timeout=20)
            clients.append(client)
            assert client.get("/api/shows/").status_code == 200  # the connection is now a kept-alive one
            holders.append(threading.Thread(target=hold, args=(client, outcome, headers), daemon=True))
        for thread in holders:
            thread.start()
        wait_until(
            lambda: len(waiting_backends(monitor, database=db_name, exclude={blocker.pid})) >= BLOCKED,
            timeout=15,
            message=f"{BLOCKED} holds waiting on the row lock",
        )
        time.sleep(max(0.0, IDLE_FOR - (time.monotonic() - idle_since)))
        assert all(outcome.ended is None for outcome in holds), "the holds were not waiting"

        signalled = time.monotonic()
        os.killpg(process.pid, signal.SIGINT)
        if ctrl_c == "devstack_and_gunicorn":
            os.killpg(groups[0], signal.SIGINT)
        # The requests in flight finish during the stop: the row lock goes a second into it.
        time.sleep(1.0)
        blocker.release()
        try:
            code = process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            code = None
        took = time.monotonic() - signalled
        stop_polling.set()
        for thread in [*holders, *pollers]:
            thread.join(timeout=25)

        log = log_path.read_text(errors="replace")
        assert (code, took < STOP_WITHIN) == (0, True), f"exit {code} after {took:.1f}s:\n{log[-4000:]}"
        assert "SIGKILL" not in log, log[-4000:]
        assert "Traceback" not in log, log[-4000:]
        # A SIGKILL the master could not reap before exiting is not logged: every worker says goodbye.
        for pid in workers:
            assert f"Worker exiting (pid: {pid})" in log, (pid, log[-4000:])
        assert "[devstack] gunicorn exited (0)" in log
        assert [pid for pid in workers if psutil.pid_exists(pid)] == []

        # Complete answers for the requests in flight: every hold (one wins the seat), and every poll
        # that was on its way when the signal came.
        assert [(o.status, o.error) for o in holds if o.error or o.status not in (200, 409)] == []
        assert sorted(o.status for o in holds) == [200] + [409] * (BLOCKED - 1)
        in_flight = [o for o in polls if o.started < signalled and (o.ended is None or o.ended > signalled)]
        assert [o.error for o in in_flight if o.status != 200] == []
        assert sum(1 for o in polls if o.status == 200 and o.ended < signalled) > 0, "the pollers never got in"
    finally:
        stop_polling.set()
        blocker.release()
        for client in clients:
            client.close()
        for sock in raw:
            sock.close()
        kill_everything(process, groups)
