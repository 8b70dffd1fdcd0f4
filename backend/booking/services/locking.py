"""The transaction every seat write runs in: bounded lock waits, per-user serialisation, clean 409s.

Lock order, the same in every service, so that no two transactions can wait on each other in a cycle:
  1. the acting user's advisory lock (hold and confirm only),
  2. the ShowSeat rows, `select_for_update()` ordered by primary key,
  3. one LayoutVersion slot row (the last statement before commit).
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import F
from psycopg import errors as pg_errors

from booking.exceptions import SeatsBusy, SeatUnavailable
from booking.models import LayoutVersion

# First key of the two-key advisory lock space that Boxoffice uses for "one user's seat writes".
USER_LOCK_NAMESPACE = 0x426F78  # "Box"

# Errors that mean "someone else holds what you need": a lock wait ran out, or (as a safety net,
# since the lock order should make it impossible) the deadlock detector picked this transaction.
_CONTENTION_ERRORS = (pg_errors.LockNotAvailable, pg_errors.DeadlockDetected, pg_errors.SerializationFailure)


@contextmanager
def seat_transaction(*, seat_ids: Iterable[int], user_id: int | None = None) -> Iterator[None]:
    """Open the service's transaction with a bounded lock wait and, given a user, that user's lock.

    Lock contention surfaces as `SeatsBusy` (409 `lock_timeout`) naming every requested seat; a
    unique-constraint violation (the last line of defence against a double sale) as `SeatUnavailable`.
    """
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                # set_config(..., true) is SET LOCAL: it ends with this transaction. It comes first in
                # the select list, so the advisory lock's wait is bounded by it too.
                timeout = f"{settings.LOCK_TIMEOUT_MS}ms"
                if user_id is None:
                    cursor.execute("SELECT set_config('lock_timeout', %s, true)", [timeout])
                else:
                    # One user's concurrent holds and confirms queue here, so the per-user hold cap
                    # and the idempotency-key check see each other's results.
                    cursor.execute(
                        "SELECT set_config('lock_timeout', %s, true), pg_advisory_xact_lock(%s, %s)",
                        [timeout, USER_LOCK_NAMESPACE, user_id],
                    )
            yield
    except OperationalError as exc:
        if isinstance(exc.__cause__, _CONTENTION_ERRORS):
            raise SeatsBusy(seat_ids=seat_ids) from exc
        raise
    except IntegrityError as exc:
        if isinstance(exc.__cause__, pg_errors.UniqueViolation):
            raise SeatUnavailable(seat_ids=seat_ids) from exc
        raise


def bump_layout_version(*, showtime_id: int, actor_id: int) -> None:
    """Mark the showtime's layout as changed (its ETag moves). Call last, inside the transaction."""
    LayoutVersion.objects.filter(showtime_id=showtime_id, slot=actor_id % LayoutVersion.SLOTS).update(
        version=F("version") + 1
    )


_CHANGE_SEATS_SQL = """
WITH before AS (
    SELECT id, held_by_id FROM booking_showseat WHERE id = ANY(%(pks)s)
), changed AS (
    UPDATE booking_showseat AS seat
    SET status = %(status)s, held_by_id = %(held_by_id)s, held_until = %(held_until)s, booked_at = %(booked_at)s
    FROM before WHERE seat.id = before.id
    RETURNING seat.showtime_id, seat.seat_id, COALESCE(seat.held_by_id, before.held_by_id) AS user_id,
              seat.held_until
), events AS (
    INSERT INTO booking_seatevent (showtime_id, seat_id, event, user_id, actor_id, held_until, at)
    SELECT showtime_id, seat_id, %(event)s, user_id, %(actor_id)s, held_until, %(at)s FROM changed
    RETURNING 1
)
UPDATE booking_layoutversion SET version = version + 1
WHERE %(bump)s AND showtime_id = %(showtime_id)s AND slot = %(slot)s AND EXISTS (SELECT 1 FROM events)
"""


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

    One statement for all three, so a seat change can never miss its history entry or its ETag, and
    costs one round trip. The seat rows are already locked; the version slot is the last lock taken.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            _CHANGE_SEATS_SQL,
            {
                "status": status,
                "held_by_id": held_by_id,
                "held_until": held_until,
                "booked_at": booked_at,
                "pks": show_seat_pks,
                "event": event,
                "actor_id": actor_id,
                "at": at,
                "bump": showtime_id is not None,
                "showtime_id": showtime_id,
                "slot": (actor_id or 0) % LayoutVersion.SLOTS,
            },
        )
