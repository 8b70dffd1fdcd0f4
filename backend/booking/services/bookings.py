"""Confirming held seats into a booking."""

import secrets
from dataclasses import dataclass

from django.utils import timezone

from booking.exceptions import IdempotencyKeyReused, NotHeld, SeatNotFound
from booking.models import Booking, BookingSeat, ShowSeat
from booking.services.locking import bump_layout_version, seat_transaction
from booking.services.seat_requests import ensure_not_started, get_showtime, normalise_seat_ids

Status = ShowSeat.Status

# Crockford's base32 without the look-alikes I, L, O, U: easy to read out at a ticket desk.
_REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_booking_reference() -> str:
    return "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(10))


@dataclass(frozen=True)
class BookingResult:
    booking: Booking
    seat_ids: list[int]
    replayed: bool  # True when an Idempotency-Key retry returned the original booking


def _booked_seat_ids(booking: Booking) -> list[int]:
    return sorted(booking.lines.values_list("show_seat__seat_id", flat=True))


def confirm_booking(
    *, user, showtime_id: int, seat_ids: list[int], idempotency_key: str | None = None
) -> BookingResult:
    """Book seats the user holds (every one of them, unexpired) in one atomic step.

    With an idempotency key, a retry of the same request (same user, key, showtime and seats)
    returns the original booking and changes nothing, even once the holds have expired.
    """
    seat_ids = normalise_seat_ids(seat_ids)
    showtime = get_showtime(showtime_id)

    with seat_transaction(seat_ids=seat_ids, user_id=user.pk):
        # Under the user's lock: a concurrent retry with the same key waits here for the first
        # attempt to commit, then finds its booking.
        if idempotency_key is not None:
            original = Booking.objects.filter(user=user, idempotency_key=idempotency_key).first()
            if original is not None:
                if original.showtime_id == showtime_id and _booked_seat_ids(original) == seat_ids:
                    return BookingResult(booking=original, seat_ids=seat_ids, replayed=True)
                raise IdempotencyKeyReused()

        ensure_not_started(showtime)
        now = timezone.now()
        rows = list(
            ShowSeat.objects.select_for_update()
            .filter(showtime_id=showtime_id, seat_id__in=seat_ids)
            .order_by("pk")
            .only("pk", "seat_id", "status", "held_by_id", "held_until")
        )
        if len(rows) != len(seat_ids):
            raise SeatNotFound(seat_ids=set(seat_ids) - {r.seat_id for r in rows})
        not_held = [
            r.seat_id for r in rows if not (r.status == Status.HELD and r.held_by_id == user.pk and r.held_until > now)
        ]
        if not_held:
            raise NotHeld(seat_ids=not_held)

        booking = Booking.objects.create(
            reference=new_booking_reference(),
            showtime_id=showtime_id,
            user=user,
            idempotency_key=idempotency_key,
            created_at=now,
        )
        # One line per seat; BookingSeat.show_seat is unique, so a seat can never be sold twice.
        BookingSeat.objects.bulk_create([BookingSeat(booking=booking, show_seat_id=r.pk) for r in rows])
        ShowSeat.objects.filter(pk__in=[r.pk for r in rows]).update(
            status=Status.BOOKED, held_by=None, held_until=None, booked_at=now
        )
        bump_layout_version(showtime_id=showtime_id, actor_id=user.pk)

    return BookingResult(booking=booking, seat_ids=seat_ids, replayed=False)
