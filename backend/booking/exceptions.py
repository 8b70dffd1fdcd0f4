"""Domain errors. Each carries a stable `code` and the HTTP status the API maps it to.

Services raise these; the one API exception handler (booking.api.errors) turns them into
`{"detail", "code", ...}` responses and keeps DRF's transaction rollback.
"""

from collections.abc import Iterable


class BookingError(Exception):
    status_code = 400
    code = "booking_error"
    default_detail = "The request could not be completed."
    retry_after: int | None = None  # seconds; sent as Retry-After when set
    extra: dict | None = None  # more named fields of the error body (schema.py's ErrorSerializer declares them)

    def __init__(
        self,
        detail: str | None = None,
        *,
        seat_ids: Iterable[int] | None = None,
        errors: dict[str, list[str]] | None = None,
    ):
        self.detail = detail or self.default_detail
        self.seat_ids = sorted(seat_ids) if seat_ids is not None else None
        self.errors = errors
        super().__init__(self.detail)


class InvalidRequest(BookingError):
    status_code = 400
    code = "invalid"
    default_detail = "Invalid input."


class TooManySeats(BookingError):
    status_code = 400
    code = "too_many_seats"
    default_detail = "Too many seats in one request."


class ShowtimeNotFound(BookingError):
    status_code = 404
    code = "not_found"
    default_detail = "No such showtime."


class SeatNotFound(BookingError):
    status_code = 404
    code = "seat_not_found"
    default_detail = "Some seats are not part of this showtime."


class SeatUnavailable(BookingError):
    status_code = 409
    code = "seat_unavailable"
    default_detail = "Some seats are already held or booked."


class CategoryNotSold(BookingError):
    status_code = 409
    code = "category_not_sold"
    default_detail = "This showtime does not sell some of these seats' categories."


class OrphanSeat(BookingError):
    """The hold would strand a single seat (booking/seat_selection.py): `seat_ids` names it, `suggestion` a
    block of as many seats nearby that strands none (empty when there is none)."""

    status_code = 409
    code = "orphan_seat"

    def __init__(self, *, seat_id: int, label: str, suggestion: Iterable[int]):
        self.extra = {"suggestion": list(suggestion)}
        detail = f"That would leave seat {label} on its own, and no one buys a single seat between taken ones."
        if self.extra["suggestion"]:
            detail += " Try the suggested seats instead."
        super().__init__(detail, seat_ids=[seat_id])


class CompanionSeat(BookingError):
    status_code = 409
    code = "companion_seat"
    default_detail = "A companion seat is sold together with its wheelchair space until shortly before the showtime."


class NoBlock(BookingError):
    """Best available found no seats for the party: `largest_block` says how many adjacent seats there are."""

    status_code = 409
    code = "no_block"

    def __init__(self, *, quantity: int, largest_block: int):
        self.extra = {"largest_block": largest_block}
        super().__init__(
            f"There are no {quantity} seats together (nor split over two adjacent rows); "
            f"the most seats together is {largest_block}."
        )


class HoldLimitReached(BookingError):
    status_code = 409
    code = "hold_limit"
    default_detail = "That would exceed the number of seats one person may hold for this showtime."


class SeatsBusy(BookingError):
    """A row lock could not be had within the lock timeout: someone else is changing these seats."""

    status_code = 409
    code = "lock_timeout"
    default_detail = "These seats are being changed by someone else right now; try again."


class NotHeld(BookingError):
    status_code = 409
    code = "not_held"
    default_detail = "Some seats are not held by you (the hold may have expired)."


class ShowStarted(BookingError):
    status_code = 409
    code = "show_started"
    default_detail = "This showtime has already started."


class ShowtimeOverlap(BookingError):
    status_code = 409
    code = "showtime_overlap"
    default_detail = "The hall already has a showtime at that time."


class IdempotencyKeyReused(BookingError):
    status_code = 422
    code = "idempotency_key_reused"
    default_detail = "This Idempotency-Key was already used for a different booking request."


class InvalidCredentials(BookingError):
    """401, not 400: the request is well-formed, the credentials are not accepted (RFC 9110 §15.5.2)."""

    status_code = 401
    code = "invalid_credentials"
    default_detail = "Wrong username or password."


class UsernameTaken(BookingError):
    status_code = 409
    code = "username_taken"
    default_detail = "That username is taken (usernames are compared ignoring case)."


class DatabaseUnavailable(BookingError):
    """The database cannot be reached (down, restarting, connection lost): retry shortly."""

    status_code = 503
    code = "database_unavailable"
    default_detail = "The database is unavailable; try again shortly."
    retry_after = 1


class RateLimited(BookingError):
    """Over the caller's rate limit, as counted by a seat function (services/seat_requests.RateWindow):
    the same 429 `throttled` answer, Retry-After included, as the API's other rate limits give."""

    status_code = 429
    code = "throttled"

    def __init__(self, *, retry_after: int):
        self.retry_after = retry_after
        unit = "second" if retry_after == 1 else "seconds"
        super().__init__(f"Request was throttled. Expected available in {retry_after} {unit}.")


class OrderNotFound(BookingError):
    status_code = 404
    code = "order_not_found"
    default_detail = "No such order."


class TicketTypeNotSold(BookingError):
    status_code = 409
    code = "ticket_type_not_sold"
    default_detail = "This showtime does not sell that ticket type for some of these seats."


class OrderExpired(BookingError):
    status_code = 409
    code = "order_expired"
    default_detail = "This order's holds ran out before it was paid; hold the seats again."


class OrderNotPayable(BookingError):
    status_code = 409
    code = "order_not_payable"
    default_detail = "This order cannot be paid (it was replaced by a newer one, or refunded)."


class PaymentInProgress(BookingError):
    status_code = 409
    code = "payment_in_progress"
    default_detail = "A payment for this order is already in progress; wait for its outcome."


class BoxOfficeUnavailable(BookingError):
    status_code = 409
    code = "box_office_unavailable"
    default_detail = "This showtime must be paid online: paying at the box office is not offered."


class PaymentRequired(BookingError):
    """POST /api/book-seat/ books at the box office; a showtime without box-office payment needs an order."""

    status_code = 402
    code = "payment_required"
    default_detail = "This showtime must be paid online: make an order (POST /api/orders/) and pay it."


class PaymentDeclined(BookingError):
    status_code = 402
    code = "payment_declined"
    default_detail = "The payment was declined. Your seats stay held until they expire: try another card."


class PaymentUnavailable(BookingError):
    status_code = 503
    code = "payment_unavailable"
    default_detail = "The payment provider could not be reached; nothing was charged. Try again shortly."
    retry_after = 5


class InvalidWebhook(BookingError):
    status_code = 400
    code = "invalid_webhook"
    default_detail = "The webhook's signature or body does not check out."


class BookingNotFound(BookingError):
    status_code = 404
    code = "booking_not_found"
    default_detail = "No such booking of yours."


class CancellationClosed(BookingError):
    status_code = 409
    code = "cancellation_closed"
    default_detail = "This showtime is too close to its start to cancel online; ask at the box office."
