"""Confirming held seats into a booking."""

import secrets
from dataclasses import dataclass

from django.utils import timezone

from booking.exceptions import IdempotencyKeyReused, NotHeld
from booking.models import Booking, BookingSeat, SeatEvent, ShowSeat
from booking.services.locking import change_seats, seat_transaction
from booking.services.seat_requests import normalise_seat_ids, seat_snapshot

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

    with seat_transaction(seat_ids=seat_ids, user_id=user.pk):
        # Under the user's lock: a concurrent retry with the same key waits here for the first
        # attempt to commit, then finds its booking.
        if idempotency_key is not None:
            original = Booking.objects.filter(user=user, idempotency_key=idempotency_key).first()
            if original is not None:
                if original.showtime_id == showtime_id and _booked_seat_ids(original) == seat_ids:
                    return BookingResult(booking=original, seat_ids=seat_ids, replayed=True)
                raise IdempotencyKeyReused()

        # After the key check: a retry is answered with its booking whatever has changed since.
        snapshot = seat_snapshot(showtime_id=showtime_id, seat_ids=seat_ids)
        snapshot.ensure_not_started()
        now = timezone.now()
        not_held = [seat_id for seat_id, state in snapshot.seats.items() if not state.is_live_hold_of(user.pk, now)]
        if not_held:  # known before locking anything: e.g. a hold that ran out
            raise NotHeld(seat_ids=not_held)

        rows = list(
            ShowSeat.objects.select_for_update()
            .filter(showtime_id=showtime_id, seat_id__in=seat_ids)
            .order_by("pk")
            .only("pk", "seat_id", "status", "held_by_id", "held_until")
        )
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
        change_seats(
            showtime_id=showtime_id,
            show_seat_pks=[r.pk for r in rows],
            event=SeatEvent.Kind.BOOKED,
            actor_id=user.pk,
            at=now,
            status=Status.BOOKED,
            booked_at=now,
        )

    return BookingResult(booking=booking, seat_ids=seat_ids, replayed=False)
