"""Schedule reads: upcoming showtimes with live seat counts, a hall's free slots, a user's bookings."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL

from booking.models import Booking, BookingSeat, ShowSeat, Showtime
from booking.seat_state import live_hold_q

Status = ShowSeat.Status


def with_seat_counts(showtimes: QuerySet[Showtime], *, now: datetime) -> QuerySet[Showtime]:
    """The showtimes annotated with their live seat counts: seats_total, seats_booked, seats_held and
    seats_available. An expired hold counts as available (the seat-state rule), as on the seat map."""
    return showtimes.annotate(
        seats_total=Count("show_seats"),
        seats_booked=Count("show_seats", filter=Q(show_seats__status=Status.BOOKED)),
        seats_held=Count("show_seats", filter=live_hold_q(now, "show_seats__")),
    ).annotate(seats_available=F("seats_total") - F("seats_booked") - F("seats_held"))


def upcoming_showtimes(*, now: datetime) -> list[Showtime]:
    """Showtimes not yet started, soonest first, each with its live seat counts (with_seat_counts) and its
    price range: price_min and price_max over what it sells (pricing.sql; None when it sells nothing)."""
    showtimes = (
        Showtime.objects.filter(starts_at__gt=now)
        .select_related("movie", "hall__venue")
        .annotate(
            price_min=RawSQL("SELECT min(p.amount) FROM boxoffice_showtime_prices(booking_showtime.id) p", ()),
            price_max=RawSQL("SELECT max(p.amount) FROM boxoffice_showtime_prices(booking_showtime.id) p", ()),
        )
    )
    return list(with_seat_counts(showtimes, now=now).order_by("starts_at", "pk"))


def hall_is_busy(*, hall_id: int, starts_at: datetime, ends_at: datetime, ignore_showtime_id: int | None) -> bool:
    """Whether another showtime in the hall overlaps [starts_at, ends_at)."""
    return (
        Showtime.objects.filter(hall_id=hall_id, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .exclude(pk=ignore_showtime_id)
        .exists()
    )


def user_bookings(*, user) -> list[Booking]:
    """The user's bookings, newest first, with their showtime, seats (cancelled ones included, each with
    its `amount` from the order) and order, and `cancellable_until`: the showtime's cancellation cutoff."""
    bookings = list(
        Booking.objects.filter(user=user)
        .select_related("showtime__movie", "showtime__hall__venue", "order")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=BookingSeat.objects.select_related("show_seat__seat").order_by("show_seat__seat_id"),
            ),
            "order__lines",
        )
        .order_by("-created_at", "-pk")
    )
    for booking in bookings:
        order = getattr(booking, "order", None)
        prices = {line.seat_id: line.amount for line in order.lines.all()} if order else {}
        for line in booking.lines.all():
            line.amount = prices.get(line.show_seat.seat_id)
        booking.cancellable_until = cancellation_cutoff(booking.showtime)
    return bookings


def cancellation_cutoff(showtime: Showtime) -> datetime:
    """Until when a moviegoer may cancel (boxoffice_cancel_seats enforces the same rule)."""
    minutes = showtime.cancellation_cutoff_minutes
    return showtime.starts_at - timedelta(minutes=settings.CANCELLATION_CUTOFF_MINUTES if minutes is None else minutes)
