"""Scheduling: venues, halls and their seats, movies, showtimes (with their per-showtime seat rows).

The admin, the staff API and `seed_demo` all schedule through here, so a showtime always gets its
seat rows and layout version slots, and the schedule's rules (checked_schedule, no overlap) hold.
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from psycopg import errors as pg_errors

from booking.exceptions import InvalidRequest, ShowtimeOverlap
from booking.models import Hall, LayoutVersion, Movie, Seat, SeatCategory, ShowSeat, Showtime, Venue
from booking.services.locking import bump_layout_version, layout_changed
from booking.services.pricing import default_category, default_ticket_type, recategorise_rows

# Where the staff API puts a hall that names no venue, and what it shows when it names no movie.
DEFAULT_VENUE = ("Boxoffice Central", "Springfield")
DEFAULT_MOVIE = ("Stress Test", 90)


def row_label(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: spreadsheet-style row letters."""
    label = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        label = chr(ord("A") + remainder) + label
    return label


def generate_seats(
    *, hall: Hall, rows: int, seats_per_row: int, row_categories: dict[str, SeatCategory] | None = None
) -> int:
    """Add a rows x seats grid (A1, A2, ...) to the hall, keeping seats it already has.

    `row_categories` (row label -> category of this hall) puts those rows' seats, new and existing, in
    their category; other new seats go to the hall's default category. Upcoming showtimes in the hall get
    the new seats too. Returns how many seats were added.
    """
    if not (1 <= rows <= 702 and 1 <= seats_per_row <= 999):
        raise InvalidRequest("Rows must be 1..702 and seats per row 1..999.")
    row_categories = row_categories or {}
    labels = [row_label(r) for r in range(rows)]
    if unknown := sorted(set(row_categories) - set(labels)):
        raise InvalidRequest(f"No row {', '.join(unknown)} in a grid of {rows} rows.")
    if any(category.hall_id != hall.pk for category in row_categories.values()):
        raise InvalidRequest(f"Every category must be one of {hall}'s.")
    with transaction.atomic():
        fallback = default_category(hall=hall)
        before = hall.seats.count()
        Seat.objects.bulk_create(
            [
                Seat(hall=hall, row=label, number=n, column=n, category=row_categories.get(label, fallback))
                for label in labels
                for n in range(1, seats_per_row + 1)
            ],
            ignore_conflicts=True,
            batch_size=2000,
        )
        for category in set(row_categories.values()):
            recategorise_rows(
                hall=hall, rows=[row for row, chosen in row_categories.items() if chosen == category], category=category
            )
        added = hall.seats.count() - before
        if added:
            add_new_seats_to_upcoming_showtimes(hall=hall)
    return added


def venue_named(*, name: str, city: str) -> Venue:
    """The venue of that name and city, created on first use."""
    return Venue.objects.get_or_create(name=name, city=city)[0]


def movie_titled(*, title: str, duration_minutes: int) -> Movie:
    """The movie of that title, created (with that running time) on first use."""
    return Movie.objects.get_or_create(title=title, defaults={"duration_minutes": duration_minutes})[0]


def create_hall(
    *, venue: Venue, name: str, rows: int | None = None, seats_per_row: int | None = None, plan: str | None = None
) -> Hall:
    """A new hall in the venue with a rows x seats grid, or the seats of a hall plan (services/hall_plans.py)."""
    from booking.services.hall_plans import replace_hall_plan  # it builds on this module

    with transaction.atomic():
        hall, created = Hall.objects.get_or_create(venue=venue, name=name)
        if not created:
            raise InvalidRequest(f"The venue already has a hall named {name!r}.")
        if plan is not None:
            default_category(hall=hall)
            replace_hall_plan(hall=hall, text=plan)
        else:
            generate_seats(hall=hall, rows=rows, seats_per_row=seats_per_row)
    return hall


def create_hall_by_ids(
    *, venue_id: int | None, name: str, rows: int | None, seats_per_row: int | None, plan: str | None = None
) -> Hall:
    """The staff API's hall: in the venue with that id, or in the default venue when none is named."""
    if venue_id is None:
        venue = venue_named(name=DEFAULT_VENUE[0], city=DEFAULT_VENUE[1])
    elif (venue := Venue.objects.filter(pk=venue_id).first()) is None:
        raise InvalidRequest("No such venue.")
    return create_hall(venue=venue, name=name, rows=rows, seats_per_row=seats_per_row, plan=plan)


def ensure_hall(*, venue: Venue, name: str, rows: int, seats_per_row: int) -> Hall:
    """The venue's hall of that name with at least a rows x seats grid (seed data: safe to repeat)."""
    with transaction.atomic():
        hall = Hall.objects.get_or_create(venue=venue, name=name)[0]
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
    box_office_payment: bool = True,
    prevent_orphans: bool = False,
) -> Showtime:
    """Schedule a movie in a hall and create one available ShowSeat per seat of the hall.

    `ends_at` defaults to the movie's running time. Overlapping another showtime in the hall, a start
    in the past or outside the schedule's range (checked_schedule) is refused. Without a price list of its
    own the showtime sells every category at its default price, for the default ticket type (made sure of
    here: a database with no ticket types would otherwise sell nothing).
    """
    ends_at = checked_schedule(starts_at=starts_at, ends_at=ends_at, movie=movie, is_new=True)
    if hold_ttl_seconds is not None and hold_ttl_seconds < 1:
        raise InvalidRequest("A hold must last at least one second.")
    try:
        with transaction.atomic():
            showtime = Showtime.objects.create(
                hall=hall,
                movie=movie,
                starts_at=starts_at,
                ends_at=ends_at,
                hold_ttl_seconds=hold_ttl_seconds,
                box_office_payment=box_office_payment,
                prevent_orphans=prevent_orphans,
            )
            _materialise_show_seats(showtime)
            default_ticket_type()
            LayoutVersion.objects.bulk_create(
                [LayoutVersion(showtime=showtime, slot=slot) for slot in range(LayoutVersion.SLOTS)]
            )
    except IntegrityError as exc:
        _raise_overlap(exc)
    return showtime


def create_showtime_by_ids(
    *,
    hall_id: int,
    movie_id: int | None,
    starts_at: datetime,
    ends_at: datetime | None = None,
    hold_ttl_seconds: int | None = None,
    prevent_orphans: bool = False,
) -> Showtime:
    """The staff API's showtime: in the hall with that id, showing that movie or the default one."""
    if (hall := Hall.objects.filter(pk=hall_id).first()) is None:
        raise InvalidRequest("No such hall.")
    if movie_id is None:
        movie = movie_titled(title=DEFAULT_MOVIE[0], duration_minutes=DEFAULT_MOVIE[1])
    elif (movie := Movie.objects.filter(pk=movie_id).first()) is None:
        raise InvalidRequest("No such movie.")
    return create_showtime(
        hall=hall,
        movie=movie,
        starts_at=starts_at,
        ends_at=ends_at,
        hold_ttl_seconds=hold_ttl_seconds,
        prevent_orphans=prevent_orphans,
    )


def reschedule_showtime(
    *,
    showtime: Showtime,
    movie: Movie,
    starts_at: datetime,
    ends_at: datetime | None,
    hold_ttl_seconds: int | None,
    box_office_payment: bool | None = None,
    prevent_orphans: bool | None = None,
) -> Showtime:
    """Change what a showtime shows, when, how long its holds last and whether it may be paid at the box
    office (the admin's edit form; None: unchanged). The hall stays: its seat rows belong to it. The
    layout's ETag moves with the header (layout selectors)."""
    ends_at = checked_schedule(starts_at=starts_at, ends_at=ends_at, movie=movie, is_new=False)
    if hold_ttl_seconds is not None and hold_ttl_seconds < 1:
        raise InvalidRequest("A hold must last at least one second.")
    changes = {"movie": movie, "starts_at": starts_at, "ends_at": ends_at, "hold_ttl_seconds": hold_ttl_seconds}
    if box_office_payment is not None:
        changes["box_office_payment"] = box_office_payment
    if prevent_orphans is not None:
        changes["prevent_orphans"] = prevent_orphans
    try:
        with transaction.atomic():
            Showtime.objects.filter(pk=showtime.pk).update(**changes)
            layout_changed(showtime.pk)
    except IntegrityError as exc:
        _raise_overlap(exc)
    for field, value in changes.items():  # only once it holds: a refusal leaves the caller's object as it was
        setattr(showtime, field, value)
    return showtime


def _raise_overlap(exc: IntegrityError):
    """The no-overlap exclusion constraint is the schedule's last line of defence: a clear 409."""
    if isinstance(exc.__cause__, pg_errors.ExclusionViolation):
        raise ShowtimeOverlap() from exc
    raise exc
