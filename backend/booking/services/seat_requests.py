"""What every seat service does with a request's seat ids and rate window, and with a seat function's refusal."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings

from booking.exceptions import (
    CategoryNotSold,
    CompanionSeat,
    IdempotencyKeyReused,
    InvalidRequest,
    NotHeld,
    PaymentRequired,
    RateLimited,
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


@dataclass(frozen=True)
class RateWindow:
    """The caller's rate-limit window for this request, for a seat function to count the request in its own
    statement (http_infra/throttling.py decides the window; `boxoffice_count_hit` counts): over `limit` hits
    the function changes nothing and the service raises RateLimited (429, Retry-After)."""

    key: str
    limit: int
    expires_at: datetime  # when the counter row may be swept
    retry_after: int  # seconds until the window ends


# One hit counted in the window's counter row, the count answered (seat_writes.sql), for a request whose
# count is not inside a seat function's statement: the throttle of other endpoints, best available.
COUNT_HIT_SQL = "SELECT boxoffice_count_hit(%s, %s)"


def rate_arguments(window: RateWindow | None) -> list:
    """The seat functions' last three parameters (p_rate_key, p_rate_limit, p_rate_expires)."""
    if window is None:
        return [None, None, None]
    return [window.key, window.limit, window.expires_at]


# The outcomes the seat functions (seat_writes.sql) answer, and the error each one is.
_REFUSALS = {
    "not_found": lambda seat_ids: ShowtimeNotFound(),
    "seat_not_found": lambda seat_ids: SeatNotFound(seat_ids=seat_ids),
    "show_started": lambda seat_ids: ShowStarted(seat_ids=seat_ids),
    "category_not_sold": lambda seat_ids: CategoryNotSold(seat_ids=seat_ids),
    "companion_seat": lambda seat_ids: CompanionSeat(seat_ids=seat_ids),
    "payment_required": lambda seat_ids: PaymentRequired(seat_ids=seat_ids),
    "seat_unavailable": lambda seat_ids: SeatUnavailable(seat_ids=seat_ids),
    "not_held": lambda seat_ids: NotHeld(seat_ids=seat_ids),
    "idempotency_key_reused": lambda seat_ids: IdempotencyKeyReused(),
}


def refuse_unless_ok(
    outcome: str, seat_ids: list[int] | None, *, ok: Iterable[str] = ("ok",), rate_window: RateWindow | None = None
) -> None:
    """Raise the domain error for a seat function's refusal; return for the given success outcomes."""
    if outcome in ok:
        return
    if outcome == "throttled" and rate_window is not None:
        raise RateLimited(retry_after=rate_window.retry_after)
    if outcome not in _REFUSALS:
        raise RuntimeError(f"unknown seat function outcome {outcome!r}")
    raise _REFUSALS[outcome](seat_ids)
