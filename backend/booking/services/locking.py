"""The transaction every seat write runs in: bounded lock waits, per-user serialisation, clean 409s.

Lock order, the same in every service, so that no two transactions can wait on each other in a cycle:
  -. best available only: the showtime's best-available lock (an advisory lock: one party chooses at a time,
     from a fresh read; services/best_available.py),
  0. the caller's rate-limit counter row (hold and confirm, when the seat function counts the request:
     `rate_window` in seat_requests.py; a row only the same client's requests share),
  1. the acting user's advisory lock (hold and confirm only),
  2. the ShowSeat rows, locked (`FOR UPDATE`) in primary-key order (under the no-single-seat rule and for
     best available, every row of the requested seats' segments: `boxoffice_lock_segment_rows`),
  3. one LayoutVersion slot row (the last statement before commit).

Hold, confirm and release run as one PL/pgSQL function each (seat_writes.sql, installed by migration
0006; `call_seat_function` below), keeping this order; the admin release and the expiry sweeper use
`seat_transaction` + `change_seats` from Python. Both end in the same `boxoffice_change_seats`. Holds
under the no-single-seat rule run two statements in a `pipelined_transaction`, best available its read and
its block's hold (`boxoffice_hold_block`), keeping the same order.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import F
from psycopg import errors as pg_errors
from psycopg.pq import TransactionStatus

from booking.exceptions import SeatsBusy, SeatUnavailable
from booking.layout_board import board
from booking.models import LayoutVersion

# First key of the two-key advisory lock space that Boxoffice uses for "one user's seat writes".
USER_LOCK_NAMESPACE = 0x426F78  # "Box"
# ... and for "one showtime's best-available choice".
BEST_AVAILABLE_LOCK_NAMESPACE = 0x426F79

# Errors that mean "someone else holds what you need": a lock wait ran out, or (as a safety net,
# since the lock order should make it impossible) the deadlock detector picked this transaction.
_CONTENTION_ERRORS = (pg_errors.LockNotAvailable, pg_errors.DeadlockDetected, pg_errors.SerializationFailure)


def lock_timeout() -> str:
    return f"{settings.LOCK_TIMEOUT_MS}ms"


@contextmanager
def contention_as_conflicts(*, seat_ids: Iterable[int]) -> Iterator[None]:
    """Lock contention (a lock wait that ran out, a deadlock) becomes `SeatsBusy` (409 `lock_timeout`)
    naming every requested seat; a unique violation (the last line of defence against a double sale)
    becomes `SeatUnavailable`. Shared by seat_transaction and call_seat_function."""
    try:
        yield
    except OperationalError as exc:
        if isinstance(exc.__cause__, _CONTENTION_ERRORS):
            raise SeatsBusy(seat_ids=seat_ids) from exc
        raise
    except IntegrityError as exc:
        if isinstance(exc.__cause__, pg_errors.UniqueViolation):
            raise SeatUnavailable(seat_ids=seat_ids) from exc
        raise


@contextmanager
def seat_transaction(*, seat_ids: Iterable[int], user_id: int | None = None) -> Iterator[None]:
    """Open the service's transaction with a bounded lock wait and, given a user, that user's lock.
    Conflicts surface as 409s (contention_as_conflicts)."""
    with contention_as_conflicts(seat_ids=seat_ids), transaction.atomic():
        with connection.cursor() as cursor:
            # set_config(..., true) is SET LOCAL: it ends with this transaction. It comes first in
            # the select list, so the advisory lock's wait is bounded by it too.
            if user_id is None:
                cursor.execute("SELECT set_config('lock_timeout', %s, true)", [lock_timeout()])
            else:
                # One user's concurrent holds and confirms queue here, so the per-user hold cap
                # and the idempotency-key check see each other's results.
                cursor.execute(
                    "SELECT set_config('lock_timeout', %s, true), pg_advisory_xact_lock(%s, %s)",
                    [lock_timeout(), USER_LOCK_NAMESPACE, user_id],
                )
        yield


@contextmanager
def pipelined_transaction() -> Iterator[None]:
    """A transaction whose BEGIN travels with its first statement and whose COMMIT with its last: statements
    inside are sent at once (psycopg's pipeline mode) and a round trip is paid only where a result is read
    (`fetchone`) and at the end, not for BEGIN, for each statement, and for COMMIT. A hold under the
    no-single-seat rule (lock the segments, read them, apply the rule, hold) is then two round trips, not four.

    Inside a caller's transaction (a test, a management command) the statements run in a savepoint of it, and
    inside an enclosing pipelined transaction simply in that. An exception rolls the transaction back; database
    errors surface as Django's wherever in the pipeline they arrive (so contention_as_conflicts sees them, and a
    broken connection is marked for closing).
    """
    if connection.in_atomic_block:
        with transaction.atomic():  # a savepoint: an error leaves the caller's transaction usable
            yield
        return
    if getattr(connection, "pipelined_after_commit", None) is not None:
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    connection.pipelined_after_commit = after = []
    try:
        # The pipeline ends (its sync brings COMMIT's result) before the cursor closes.
        with connection.wrap_database_errors, connection.cursor() as cursor, raw.pipeline():
            cursor.execute("BEGIN")
            yield
            cursor.execute("COMMIT")
    except BaseException:
        _roll_back(raw)
        raise
    finally:
        connection.pipelined_after_commit = None
    for work in after:
        work()


def after_commit(work) -> bool:
    """Run `work` once the current transaction commits (Django's atomic block or a pipelined transaction), not
    at all if it rolls back. Outside a transaction there is nothing to wait for: returns False, runs nothing."""
    if connection.in_atomic_block:
        transaction.on_commit(work)
        return True
    if (pending := getattr(connection, "pipelined_after_commit", None)) is not None:
        pending.append(work)
        return True
    return False


def _roll_back(raw) -> None:
    """End a failed pipelined transaction (after the pipeline's sync, which skips what followed the error)."""
    if raw.closed or raw.info.transaction_status == TransactionStatus.IDLE:
        return
    try:
        raw.rollback()
    except Exception:  # a dead connection: the original error says what happened
        connection.errors_occurred = True


def bump_layout_version(*, showtime_id: int, actor_id: int) -> None:
    """Mark the showtime's layout as changed (its ETag moves). Call last, inside the transaction."""
    LayoutVersion.objects.filter(showtime_id=showtime_id, slot=actor_id % LayoutVersion.SLOTS).update(
        version=F("version") + 1
    )
    layout_changed(showtime_id)


def layout_changed(showtime_id: int) -> None:
    """This process forgets the showtime's layout state now and again once the change commits, so a
    caller's next read here sees its own write without waiting for the board's watcher (every process
    has one: booking/layout_board.py)."""
    board.drop(showtime_id)
    after_commit(lambda: board.drop(showtime_id))  # a read meanwhile may have cached the state before it


def change_seats(
    *,
    show_seat_pks: list[int],
    event: str,
    actor_id: int | None,
    at: datetime,
    status: str,
    held_by_id: int | None = None,
    held_until: datetime | None = None,
    booked_at: datetime | None = None,
    showtime_id: int | None = None,
) -> None:
    """Set the state of seat rows this transaction has locked, record it in the seat history, and
    bump the showtime's layout version (given `showtime_id`; the expiry sweeper passes none, since an
    expired hold already reads as free).

    One statement for all three (`boxoffice_change_seats` in seat_writes.sql, which the hold, confirm
    and release functions call too), so a seat change can never miss its history entry or its ETag.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT boxoffice_change_seats(%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [show_seat_pks, event, actor_id, at, status, held_by_id, held_until, booked_at, showtime_id],
        )
    if showtime_id is not None:
        layout_changed(showtime_id)


# --- the seat functions (seat_writes.sql) ------------------------------------------------------------------

SEAT_FUNCTIONS_SQL = Path(__file__).with_name("seat_writes.sql")


def install_seat_functions(apps=None, schema_editor=None) -> None:
    """Migration helper: (re)install every function of seat_writes.sql."""
    with (schema_editor.connection if schema_editor else connection).cursor() as cursor:
        cursor.execute(SEAT_FUNCTIONS_SQL.read_text())


def call_seat_function(sql: str, params: list, *, seat_ids: Iterable[int], showtime_id: int) -> tuple:
    """Run one seat function and return its row. In autocommit (a request) the statement is its own
    transaction: no BEGIN/COMMIT round trips. Inside a caller's transaction (a test, a management
    command) it runs in a savepoint, so a refusal by the database leaves the caller's transaction usable.

    Conflicts surface as 409s (contention_as_conflicts), as in seat_transaction. Every seat function's
    first column is its outcome.
    """
    scope = transaction.atomic() if connection.in_atomic_block else nullcontext()
    with contention_as_conflicts(seat_ids=seat_ids), scope, connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row[0] == "ok":  # only a change moves the layout: a refusal (a hot seat's losers) or a replay does not
        layout_changed(showtime_id)
    return row
