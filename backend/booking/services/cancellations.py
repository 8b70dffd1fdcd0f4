"""Cancelling booked seats: back on sale at once, and what was paid for them refunded.

One statement (`boxoffice_cancel_seats`, seat_writes.sql) cancels the booking's and the order's lines (they
stay on record), puts the seats back on sale (a `cancelled` seat event, the layout version bumped) and
records the refund; the refund is then sent to the provider that took the payment. A refund the provider
could not be reached for stays recorded with no provider id: owed, and sent again by
`send_owed_refunds` (services/refunds.py; the admin's action on refunds).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from booking.exceptions import BookingNotFound, CancellationClosed, SeatNotFound
from booking.models import Booking, Order
from booking.services.locking import USER_LOCK_NAMESPACE, call_seat_function, lock_timeout
from booking.services.refunds import send_refund
from booking.services.seat_requests import normalise_seat_ids


@dataclass(frozen=True)
class CancelResult:
    seat_ids: list[int]  # the seats cancelled by this call (none: they were cancelled already)
    refund: Decimal  # what is given back for them (0 when nothing was paid)
    currency: str
    detail: str = "Cancelled."


def cancel_booking(*, user, reference: str, seat_ids: list[int] | None = None) -> CancelResult:
    """The user cancels their booking, or some of its seats, until the showtime's cancellation cutoff."""
    booking = Booking.objects.filter(user=user, reference=reference).first()
    if booking is None:
        raise BookingNotFound()
    return _cancel(booking, seat_ids, actor_id=user.pk, enforce_cutoff=True, reason="Cancelled by the moviegoer.")


def cancel_booking_by_staff(*, staff_user, booking: Booking, reason: str) -> CancelResult:
    """Staff cancel a whole booking, whenever, with a reason (the admin's action)."""
    return _cancel(booking, None, actor_id=staff_user.pk, enforce_cutoff=False, reason=f"Staff: {reason}"[:200])


def _cancel(booking: Booking, seat_ids, *, actor_id: int, enforce_cutoff: bool, reason: str) -> CancelResult:
    seat_ids = normalise_seat_ids(seat_ids) if seat_ids is not None else None
    outcome, ids, refund_id, amount = call_seat_function(
        "SELECT * FROM boxoffice_cancel_seats(%s::bigint, %s::bigint[], %s, %s, %s, %s, %s, %s, %s)",
        [
            booking.pk,
            seat_ids,
            actor_id,
            timezone.now(),
            enforce_cutoff,
            settings.CANCELLATION_CUTOFF_MINUTES,
            reason,
            lock_timeout(),
            USER_LOCK_NAMESPACE,
        ],
        seat_ids=seat_ids or [],
        showtime_id=booking.showtime_id,
    )
    if outcome == "not_found":
        raise BookingNotFound()
    if outcome == "seat_not_found":
        raise SeatNotFound("Some seats are not part of this booking.", seat_ids=ids)
    if outcome == "cancellation_closed":
        raise CancellationClosed(seat_ids=ids or [])
    if refund_id is not None:
        send_refund(refund_id)
    currency = Order.objects.filter(booking=booking).values_list("currency", flat=True).first()
    return CancelResult(seat_ids=list(ids), refund=amount, currency=currency or booking.showtime.hall.venue.currency)
