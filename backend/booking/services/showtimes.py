"""Scheduling: halls' seats and showtimes (with their per-showtime seat rows)."""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from psycopg import errors as pg_errors

from booking.exceptions import InvalidRequest, ShowtimeOverlap
from booking.models import Hall, LayoutVersion, Movie, Seat, ShowSeat, Showtime, Venue
from booking.services.locking import bump_layout_version


def row_label(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: spreadsheet-style row letters."""
    label = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        label = chr(ord("A") + remainder) + label
    return label


def generate_seats(*, hall: Hall, rows: int, seats_per_row: int) -> int:
    """Add a rows x seats grid (A1, A2, ...) to the hall, keeping seats it already has.

    Upcoming showtimes in the hall get the new seats too. Returns how many seats were added.
    """
    if not (1 <= rows <= 702 and 1 <= seats_per_row <= 999):
        raise InvalidRequest("Rows must be 1..702 and seats per row 1..999.")
    with transaction.atomic():
        before = hall.seats.count()
        Seat.objects.bulk_create(
            [Seat(hall=hall, row=row_label(r), number=n) for r in range(rows) for n in range(1, seats_per_row + 1)],
            ignore_conflicts=True,
            batch_size=2000,
        )
        added = hall.seats.count() - before
        if added:
            add_new_seats_to_upcoming_showtimes(hall=hall)
    return added


def create_hall(*, venue: Venue, name: str, rows: int, seats_per_row: int) -> Hall:
    """A new hall in the venue with a rows x seats grid."""
    with transaction.atomic():
        hall, created = Hall.objects.get_or_create(venue=venue, name=name)
        if not created:
            raise InvalidRequest(f"The venue already has a hall named {name!r}.")
        generate_seats(hall=hall, rows=rows, seats_per_row=seats_per_row)
    return hall


def add_new_seats_to_upcoming_showtimes(*, hall: Hall) -> None:
    """Give upcoming showtimes in the hall a seat row for every seat the hall has gained."""
    with transaction.atomic():
        for showtime in Showtime.objects.filter(hall=hall, starts_at__gt=timezone.now()):
            _materialise_show_seats(showtime)
            bump_layout_version(showtime_id=showtime.pk, actor_id=0)


def _materialise_show_seats(showtime: Showtime) -> None:
    seat_ids = Seat.objects.filter(hall_id=showtime.hall_id).values_list("pk", flat=True)
    ShowSeat.objects.bulk_create(
        [ShowSeat(showtime=showtime, seat_id=seat_id) for seat_id in seat_ids],
        ignore_conflicts=True,
        batch_size=5000,
    )


# The schedule a showtime may be put on: from now to two years ahead, at most a day long. Besides
# catching typos (year 0001, 9999), the bounds keep `starts_at + duration` far from datetime's limits.
MAX_DAYS_AHEAD = 2 * 366
MAX_DURATION = timedelta(hours=24)


def checked_schedule(
    *, starts_at: datetime, ends_at: datetime | None, movie: Movie, is_new: bool, now: datetime | None = None
) -> datetime:
    """The showtime's end (the movie's running time when `ends_at` is None), or InvalidRequest when the
    times are outside the sane calendar. The admin form and create_showtime both ask here."""
    now = now or timezone.now()
    if is_new and starts_at <= now:
        raise InvalidRequest("A new showtime must start in the future.", errors={"starts_at": ["In the past."]})
    if abs(starts_at - now) > timedelta(days=MAX_DAYS_AHEAD):
        message = f"A showtime must start within {MAX_DAYS_AHEAD} days of today."
        raise InvalidRequest(message, errors={"starts_at": [message]})
    ends_at = ends_at or starts_at + timedelta(minutes=movie.duration_minutes)
    if ends_at <= starts_at:
        message = "A showtime must end after it starts."
        raise InvalidRequest(message, errors={"ends_at": [message]})
    if ends_at - starts_at > MAX_DURATION:
        message = "A showtime lasts at most 24 hours."
        raise InvalidRequest(message, errors={"ends_at": [message]})
    return ends_at


def create_showtime(
    *,
    hall: Hall,
    movie: Movie,
    starts_at: datetime,
    ends_at: datetime | None = None,
    hold_ttl_seconds: int | None = None,
) -> Showtime:
    """Schedule a movie in a hall and create one available ShowSeat per seat of the hall.

    `ends_at` defaults to the movie's running time. Overlapping another showtime in the hall, a start
    in the past or outside the schedule's range (checked_schedule) is refused.
    """
    ends_at = checked_schedule(starts_at=starts_at, ends_at=ends_at, movie=movie, is_new=True)
    if hold_ttl_seconds is not None and hold_ttl_seconds < 1:
        raise InvalidRequest("A hold must last at least one second.")
    try:
        with transaction.atomic():
            showtime = Showtime.objects.create(
                hall=hall, movie=movie, starts_at=starts_at, ends_at=ends_at, hold_ttl_seconds=hold_ttl_seconds
            )
            _materialise_show_seats(showtime)
            LayoutVersion.objects.bulk_create(
                [LayoutVersion(showtime=showtime, slot=slot) for slot in range(LayoutVersion.SLOTS)]
            )
    except IntegrityError as exc:
        if isinstance(exc.__cause__, pg_errors.ExclusionViolation):
            raise ShowtimeOverlap() from exc
        raise
    return showtime
