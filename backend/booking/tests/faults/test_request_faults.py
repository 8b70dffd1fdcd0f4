"""Faults injected into single requests against the real app server + PostgreSQL: a worker SIGKILLed mid-hold,
a backend terminated (or the worker killed) mid-booking, a response lost after commit, two in-flight
requests with one Idempotency-Key.

A request is made slow deterministically, without touching the app: a separate connection (RowBlocker)
holds FOR UPDATE on the target seat row, so the app's seat transaction waits on it (LOCK_TIMEOUT_MS=20 s
on the server) with the user's advisory lock already taken; the test sees that wait in pg_stat_activity.
"""

import json
import os
import signal
import socket
import time
import uuid

import httpx
import pytest

from booking.models import Booking, ShowSeat
from booking.tests.faults.helpers import (
    Op,
    OpLog,
    check_faults_invariants,
    in_background,
    request,
    wait_until,
    waiting_backends,
)
from booking.tests.invariants import assert_booking_invariants

pytestmark = pytest.mark.django_db(transaction=True)


def leftovers(monitor, db_name: str, exclude: set[int]) -> dict:
    """Advisory locks, and backends inside a transaction (idle or not), on the test database."""
    advisory = monitor.execute(
        "SELECT l.pid FROM pg_locks l JOIN pg_database d ON d.oid = l.database"
        " WHERE l.locktype = 'advisory' AND d.datname = %s",
        [db_name],
    ).fetchall()
    in_transaction = monitor.execute(
        "SELECT pid, state, left(query, 80) FROM pg_stat_activity"
        " WHERE datname = %s AND xact_start IS NOT NULL AND pid <> pg_backend_pid()",
        [db_name],
    ).fetchall()
    return {
        "advisory": [row for row in advisory if row[0] not in exclude],
        "in_transaction": [row for row in in_transaction if row[0] not in exclude],
    }


def wait_for_waiters(monitor, db_name, blocker, count: int = 1) -> list[int]:
    def waiters():
        pids = waiting_backends(monitor, database=db_name, exclude={blocker.pid})
        return pids if len(pids) >= count else None

    return wait_until(waiters, timeout=10, message=f"{count} app backend(s) waiting on the blocker's row lock")


def gone(monitor, pid: int) -> bool:
    return not monitor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchall()


def post(client, log, op: Op, path: str, payload: dict, *, success: int, key: str | None = None) -> Op:
    headers = {"Idempotency-Key": key} if key else {}
    return request(client, log, op, "POST", path, success=success, json=payload, headers=headers)


def test_worker_sigkilled_mid_hold_leaves_no_lock_and_no_write(
    server, monitor, blocker, db_name, showtime, seats, make_user
):
    user, auth = make_user()
    seat = seats[0]
    payload = {"show_id": showtime.pk, "seat_ids": [seat]}
    log = OpLog()
    [worker] = server.worker_pids()
    blocker.lock_seat(showtime_id=showtime.pk, seat_id=seat)
    with httpx.Client(base_url=server.base_url, headers=auth, timeout=30) as client:
        with in_background(blocker) as pool:
            op = Op("hold", user.username, [seat])
            future = pool.submit(post, client, log, op, "/api/hold-seat/", payload, success=200)
            [waiter] = wait_for_waiters(monitor, db_name, blocker)
            # The waiting transaction already holds the user's advisory lock.
            assert leftovers(monitor, db_name, {blocker.pid})["advisory"] == [(waiter,)]

            os.kill(worker, signal.SIGKILL)
            assert future.result(timeout=10).outcome == "unknown", op
            # While its statement still waits on the row lock, the server notices the closed socket
            # (client_connection_check_interval) and cancels it: nothing commits for a client that is gone.
            wait_until(lambda: gone(monitor, waiter), timeout=10, message="the killed worker's backend to go away")
        assert leftovers(monitor, db_name, {blocker.pid}) == {"advisory": [], "in_transaction": []}
        row = ShowSeat.objects.get(showtime=showtime, seat_id=seat)
        assert (row.status, row.held_by_id, row.held_until) == ("available", None, None)

        # The master has forked a new worker, which holds the same seat.
        wait_until(lambda: server.worker_pids() not in ([], [worker]), timeout=15, message="a respawned worker")
        retry = post(client, log, Op("hold", user.username, [seat]), "/api/hold-seat/", payload, success=200)
        assert retry.outcome == "ok", (retry, server.log_tail())
    row.refresh_from_db()
    assert (row.status, row.held_by_id) == ("held", user.pk)
    assert_booking_invariants()
    check_faults_invariants(monitor, log.ops, showtime_ids=[showtime.pk])


@pytest.mark.parametrize("fault", ["pg_terminate_backend", "sigkill_worker"])
def test_request_killed_mid_booking_commits_nothing_and_key_stays_unused(
    fault, server, monitor, blocker, db_name, showtime, seats, make_user
):
    user, auth = make_user()
    chosen = seats[:2]
    key = str(uuid.uuid4())
    payload = {"show_id": showtime.pk, "seat_ids": chosen}
    log = OpLog()
    with httpx.Client(base_url=server.base_url, headers=auth, timeout=30) as client:
        assert (
            post(client, log, Op("hold", user.username, chosen), "/api/hold-seat/", payload, success=200).outcome
            == "ok"
        )
        [worker] = server.worker_pids()
        blocker.lock_seat(showtime_id=showtime.pk, seat_id=chosen[1])
        with in_background(blocker) as pool:
            op = Op("book", user.username, chosen, key=key)
            future = pool.submit(post, client, log, op, "/api/book-seat/", payload, success=201, key=key)
            [waiter] = wait_for_waiters(monitor, db_name, blocker)
            if fault == "pg_terminate_backend":
                assert monitor.execute("SELECT pg_terminate_backend(%s)", [waiter]).fetchone() == (True,)
            else:
                os.kill(worker, signal.SIGKILL)
            killed = future.result(timeout=15)
            # A 5xx or a dropped connection: the client cannot know whether it happened.
            assert killed.outcome == "unknown", killed
            # Gone while the blocker still holds the row: a dead client's statement is cancelled, not committed.
            wait_until(lambda: gone(monitor, waiter), timeout=10, message="the request's backend to go away")

        assert not Booking.objects.filter(idempotency_key=key).exists()
        held = ShowSeat.objects.filter(showtime=showtime, seat_id__in=chosen).values_list("status", "held_by_id")
        assert set(held) == {("held", user.pk)}
        assert leftovers(monitor, db_name, {blocker.pid}) == {"advisory": [], "in_transaction": []}

        wait_until(
            lambda: server.worker_pids() not in ([], [worker]) or fault != "sigkill_worker",
            timeout=15,
            message="a respawned worker",
        )
        retry = post(
            client, log, Op("book", user.username, chosen, key=key), "/api/book-seat/", payload, success=201, key=key
        )
        assert (retry.outcome, retry.replayed) == ("ok", False), (retry, server.log_tail())
        again = post(
            client, log, Op("book", user.username, chosen, key=key), "/api/book-seat/", payload, success=201, key=key
        )
        assert (again.outcome, again.replayed, again.reference) == ("ok", True, retry.reference), again
    assert list(Booking.objects.filter(user=user).values_list("reference", flat=True)) == [retry.reference]
    assert_booking_invariants()
    check_faults_invariants(monitor, log.ops, showtime_ids=[showtime.pk])


def raw_post(base_url: str, path: str, body: dict, headers: dict) -> None:
    """Send a complete HTTP request and close the socket at once, never reading the response."""
    host, port = base_url.removeprefix("http://").split(":")
    data = json.dumps(body).encode()
    head = [
        f"POST {path} HTTP/1.1",
        f"Host: {host}:{port}",
        "Content-Type: application/json",
        f"Content-Length: {len(data)}",
        "Connection: close",
        *(f"{name}: {value}" for name, value in headers.items()),
    ]
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + data)
        sock.shutdown(socket.SHUT_WR)


def test_response_lost_after_commit_retry_replays_same_booking(
    server, monitor, blocker, db_name, showtime, seats, make_user
):
    user, auth = make_user()
    chosen = seats[2:4]
    key = str(uuid.uuid4())
    payload = {"show_id": showtime.pk, "seat_ids": chosen}
    log = OpLog()
    with httpx.Client(base_url=server.base_url, headers=auth, timeout=30) as client:
        assert (
            post(client, log, Op("hold", user.username, chosen), "/api/hold-seat/", payload, success=200).outcome
            == "ok"
        )
        # The request waits in the database until the client has gone, so its commit surely comes after.
        blocker.lock_seat(showtime_id=showtime.pk, seat_id=chosen[0])
        lost = log.add(Op("book", user.username, chosen, key=key, started=time.monotonic()))
        raw_post(server.base_url, "/api/book-seat/", payload, {**auth, "Idempotency-Key": key})
        lost.ended = time.monotonic()  # outcome stays "unknown": the client never saw an answer
        wait_for_waiters(monitor, db_name, blocker)
        blocker.release()
        committed = wait_until(
            lambda: Booking.objects.filter(idempotency_key=key).values_list("reference", flat=True).first(),
            timeout=10,
            message="the abandoned booking to commit",
        )

        retry = post(
            client, log, Op("book", user.username, chosen, key=key), "/api/book-seat/", payload, success=201, key=key
        )
        assert (retry.outcome, retry.replayed, retry.reference) == ("ok", True, committed), retry

        other_key = str(uuid.uuid4())
        fresh = post(
            client,
            log,
            Op("book", user.username, chosen, key=other_key),
            "/api/book-seat/",
            payload,
            success=201,
            key=other_key,
        )
        assert (fresh.outcome, fresh.status) == ("failed", 409), fresh
        assert json.loads(fresh.error)["code"] == "not_held", fresh
    assert list(Booking.objects.filter(user=user).values_list("reference", flat=True)) == [committed]
    assert_booking_invariants()
    check_faults_invariants(monitor, log.ops, showtime_ids=[showtime.pk])


def test_two_in_flight_requests_with_one_key_have_one_effect(
    server, monitor, blocker, db_name, showtime, seats, make_user
):
    user, auth = make_user()
    chosen = seats[5:7]
    key = str(uuid.uuid4())
    payload = {"show_id": showtime.pk, "seat_ids": chosen}
    log = OpLog()
    with httpx.Client(base_url=server.base_url, headers=auth, timeout=30) as client:
        assert (
            post(client, log, Op("hold", user.username, chosen), "/api/hold-seat/", payload, success=200).outcome
            == "ok"
        )
        blocker.lock_seat(showtime_id=showtime.pk, seat_id=chosen[0])
        with in_background(blocker) as pool:
            ops = [Op("book", user.username, chosen, key=key) for _ in range(2)]
            futures = [
                pool.submit(post, client, log, op, "/api/book-seat/", payload, success=201, key=key) for op in ops
            ]
            # Both are inside the server: one on the seat row (holding the user's lock), one on the user's lock.
            wait_for_waiters(monitor, db_name, blocker, count=2)
            blocker.release()
            results = [future.result(timeout=25) for future in futures]
    assert [op.outcome for op in results] == ["ok", "ok"], results
    assert {op.reference for op in results} == {results[0].reference}
    assert sorted(op.replayed for op in results) == [False, True]
    assert list(Booking.objects.filter(user=user).values_list("reference", flat=True)) == [results[0].reference]
    assert_booking_invariants()
    check_faults_invariants(monitor, log.ops, showtime_ids=[showtime.pk])
