"""What the seat services check before they lock anything."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import connection
from django.utils import timezone

from booking.exceptions import InvalidRequest, SeatNotFound, ShowStarted, ShowtimeNotFound, TooManySeats


def normalise_seat_ids(seat_ids: Iterable[int]) -> list[int]:
    """Sorted, de-duplicated ids; 1..MAX_SEATS_PER_HOLD of them."""
    ids = sorted(set(seat_ids))
    if not ids:
        raise InvalidRequest("Name at least one seat.")
    if len(ids) > settings.MAX_SEATS_PER_HOLD:
        raise TooManySeats(f"At most {settings.MAX_SEATS_PER_HOLD} seats per request.")
    return ids


@dataclass(frozen=True)
class SeatState:
    status: str
    held_by_id: int | None
    held_until: datetime | None

    def is_live_hold_of(self, user_id: int, now: datetime) -> bool:
        return self.status == "held" and self.held_by_id == user_id and self.held_until > now

    def is_taken_from(self, user_id: int, now: datetime) -> bool:
        """Booked, or held by someone else and not yet expired."""
        return self.status == "booked" or (
            self.status == "held" and self.held_by_id != user_id and self.held_until > now
        )


@dataclass(frozen=True)
class SeatSnapshot:
    """An unlocked look at a showtime and some of its seats, taken before any lock is requested."""

    showtime_id: int
    starts_at: datetime
    hold_ttl_seconds: int
    seats: dict[int, SeatState]  # seat id -> state, for every requested seat

    def ensure_not_started(self) -> None:
        if self.starts_at <= timezone.now():
            raise ShowStarted(seat_ids=self.seats.keys())


_SNAPSHOT_SQL = """
SELECT st.starts_at, COALESCE(st.hold_ttl_seconds, %(default_ttl)s),
       ss.seat_id, ss.status, ss.held_by_id, ss.held_until
FROM booking_showtime st
LEFT JOIN booking_showseat ss ON ss.showtime_id = st.id AND ss.seat_id = ANY(%(seat_ids)s)
WHERE st.id = %(showtime_id)s
"""


def seat_snapshot(*, showtime_id: int, seat_ids: list[int]) -> SeatSnapshot:
    """Read the showtime and the requested seats in one query, without locks.

    Raises ShowtimeNotFound, or SeatNotFound naming requested seats the showtime does not have.
    Lets a request that must fail (a hot seat someone already holds, an unknown seat) fail before it
    takes a lock or opens a transaction; whatever it lets through is checked again under the lock.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            _SNAPSHOT_SQL,
            {"showtime_id": showtime_id, "seat_ids": seat_ids, "default_ttl": settings.HOLD_TTL_SECONDS},
        )
        rows = cursor.fetchall()
    if not rows:
        raise ShowtimeNotFound()
    seats = {seat_id: SeatState(status, held_by, until) for _, _, seat_id, status, held_by, until in rows if seat_id}
    missing = set(seat_ids) - seats.keys()
    if missing:
        raise SeatNotFound(seat_ids=missing)
    starts_at, hold_ttl_seconds = rows[0][:2]
    return SeatSnapshot(showtime_id=showtime_id, starts_at=starts_at, hold_ttl_seconds=hold_ttl_seconds, seats=seats)
