"""Confirming held seats into a booking."""

import secrets
from dataclasses import dataclass

from django.utils import timezone

from booking.models import Booking
from booking.services.locking import USER_LOCK_NAMESPACE, call_seat_function, lock_timeout
from booking.services.seat_requests import RateWindow, normalise_seat_ids, rate_arguments, refuse_unless_ok

# Crockford's base32 without the look-alikes I, L, O, U: easy to read out at a ticket desk.
_REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_booking_reference() -> str:
    return "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(10))


@dataclass(frozen=True)
class BookingResult:
    booking: Booking
    seat_ids: list[int]
    replayed: bool  # True when an Idempotency-Key retry returned the original booking


def confirm_booking(
    *,
    user,
    showtime_id: int,
    seat_ids: list[int],
    idempotency_key: str | None = None,
    rate_window: RateWindow | None = None,
) -> BookingResult:
    """Book seats the user holds (every one of them, unexpired) in one atomic step.

    With an idempotency key, a retry of the same request (same user, key, showtime and seats)
    returns the original booking and changes nothing, even once the holds have expired.
    One statement (`boxoffice_confirm_booking`, seat_writes.sql): the request counted in `rate_window`
    (if given), the user's lock (a concurrent retry with the same key waits there for the first attempt,
    then finds its booking), the key lookup, the seat locks in primary-key order, the booking with one
    line per seat, the seat change.
    """
    seat_ids = normalise_seat_ids(seat_ids)
    outcome, ids, booking_id, reference, created_at = call_seat_function(
        "SELECT * FROM boxoffice_confirm_booking(%s::bigint, %s::bigint, %s::bigint[], %s, %s, %s, %s, %s, %s, %s, %s)",
        [
            user.pk,
            showtime_id,
            seat_ids,
            timezone.now(),
            idempotency_key,
            new_booking_reference(),
            lock_timeout(),
            USER_LOCK_NAMESPACE,
            *rate_arguments(rate_window),
        ],
        seat_ids=seat_ids,
        showtime_id=showtime_id,
    )
    refuse_unless_ok(outcome, ids, ok=("ok", "replayed"), rate_window=rate_window)
    booking = Booking(
        pk=booking_id,
        reference=reference,
        showtime_id=showtime_id,
        user=user,
        idempotency_key=idempotency_key,
        created_at=created_at,
    )
    booking._state.adding = False  # a row that exists, as if loaded from the database
    return BookingResult(booking=booking, seat_ids=seat_ids, replayed=outcome == "replayed")
