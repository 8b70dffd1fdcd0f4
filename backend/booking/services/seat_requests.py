"""Checks shared by the seat services before they open a transaction."""

from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone

from booking.exceptions import InvalidRequest, ShowStarted, ShowtimeNotFound, TooManySeats
from booking.models import Showtime


def normalise_seat_ids(seat_ids: Iterable[int]) -> list[int]:
    """Sorted, de-duplicated ids; 1..MAX_SEATS_PER_HOLD of them."""
    ids = sorted(set(seat_ids))
    if not ids:
        raise InvalidRequest("Name at least one seat.")
    if len(ids) > settings.MAX_SEATS_PER_HOLD:
        raise TooManySeats(f"At most {settings.MAX_SEATS_PER_HOLD} seats per request.")
    return ids


def get_showtime(showtime_id: int) -> Showtime:
    showtime = Showtime.objects.filter(pk=showtime_id).only("pk", "starts_at", "hold_ttl_seconds").first()
    if showtime is None:
        raise ShowtimeNotFound()
    return showtime


def ensure_not_started(showtime: Showtime) -> None:
    if showtime.starts_at <= timezone.now():
        raise ShowStarted()
