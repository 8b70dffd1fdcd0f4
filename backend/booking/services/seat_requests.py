"""What every seat service does with a request's seat ids, and with a seat function's refusal."""

from collections.abc import Iterable

from django.conf import settings

from booking.exceptions import (
    IdempotencyKeyReused,
    InvalidRequest,
    NotHeld,
    SeatNotFound,
    SeatUnavailable,
    ShowStarted,
    ShowtimeNotFound,
    TooManySeats,
)


def normalise_seat_ids(seat_ids: Iterable[int]) -> list[int]:
    """Sorted, de-duplicated ids; 1..MAX_SEATS_PER_HOLD of them."""
    ids = sorted(set(seat_ids))
    if not ids:
        raise InvalidRequest("Name at least one seat.")
    if len(ids) > settings.MAX_SEATS_PER_HOLD:
        raise TooManySeats(f"At most {settings.MAX_SEATS_PER_HOLD} seats per request.")
    return ids


# The outcomes the seat functions (seat_writes.sql) answer, and the error each one is.
_REFUSALS = {
    "not_found": lambda seat_ids: ShowtimeNotFound(),
    "seat_not_found": lambda seat_ids: SeatNotFound(seat_ids=seat_ids),
    "show_started": lambda seat_ids: ShowStarted(seat_ids=seat_ids),
    "seat_unavailable": lambda seat_ids: SeatUnavailable(seat_ids=seat_ids),
    "not_held": lambda seat_ids: NotHeld(seat_ids=seat_ids),
    "idempotency_key_reused": lambda seat_ids: IdempotencyKeyReused(),
}


def refuse_unless_ok(outcome: str, seat_ids: list[int] | None, *, ok: Iterable[str] = ("ok",)) -> None:
    """Raise the domain error for a seat function's refusal; return for the given success outcomes."""
    if outcome in ok:
        return
    if outcome not in _REFUSALS:
        raise RuntimeError(f"unknown seat function outcome {outcome!r}")
    raise _REFUSALS[outcome](seat_ids)
