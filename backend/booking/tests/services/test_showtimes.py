from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from booking.exceptions import InvalidRequest, ShowtimeOverlap
from booking.models import LayoutVersion, Seat, ShowSeat, Showtime
from booking.services.showtimes import (
    DEFAULT_MOVIE,
    DEFAULT_VENUE,
    create_hall_by_ids,
    create_showtime,
    create_showtime_by_ids,
    ensure_hall,
    generate_seats,
    reschedule_showtime,
    row_label,
)
from booking.tests.conftest import make_showtime
from booking.tests.factories import HallFactory, MovieFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("index", "label"), [(0, "A"), (25, "Z"), (26, "AA"), (51, "AZ"), (701, "ZZ")])
def test_row_labels(index, label):
    assert row_label(index) == label


def test_generate_seats_makes_a_grid_and_keeps_existing_seats():
    hall = HallFactory()
    assert generate_seats(hall=hall, rows=2, seats_per_row=3) == 6
    assert generate_seats(hall=hall, rows=3, seats_per_row=3) == 3
    assert list(hall.seats.filter(row="C").values_list("number", flat=True).order_by("number")) == [1, 2, 3]
    with pytest.raises(InvalidRequest):
        generate_seats(hall=hall, rows=0, seats_per_row=3)


def test_new_seats_reach_upcoming_showtimes():
    show = make_showtime(rows=1, seats_per_row=2)
    generate_seats(hall=show.hall, rows=2, seats_per_row=2)
    assert ShowSeat.objects.filter(showtime=show).count() == 4


def test_create_showtime_materialises_one_available_seat_row_per_seat():
    hall = HallFactory()
    generate_seats(hall=hall, rows=4, seats_per_row=5)
    movie = MovieFactory(duration_minutes=90)
    starts = timezone.now() + timedelta(days=1)

    show = create_showtime(hall=hall, movie=movie, starts_at=starts)

    assert show.ends_at == starts + timedelta(minutes=90)
    assert ShowSeat.objects.filter(showtime=show, status=ShowSeat.Status.AVAILABLE).count() == 20
    assert set(ShowSeat.objects.filter(showtime=show).values_list("seat_id", flat=True)) == set(
        Seat.objects.filter(hall=hall).values_list("pk", flat=True)
    )
    assert LayoutVersion.objects.filter(showtime=show).count() == LayoutVersion.SLOTS


def test_overlapping_showtimes_in_one_hall_are_rejected():
    show = make_showtime()
    movie = MovieFactory()
    with pytest.raises(ShowtimeOverlap):
        create_showtime(hall=show.hall, movie=movie, starts_at=show.ends_at - timedelta(minutes=1))
    with pytest.raises(ShowtimeOverlap):
        create_showtime(
            hall=show.hall, movie=movie, starts_at=show.starts_at - timedelta(hours=1), ends_at=show.ends_at
        )
    assert Showtime.objects.count() == 1


def test_back_to_back_and_other_hall_showtimes_are_fine():
    show = make_showtime()
    create_showtime(hall=show.hall, movie=MovieFactory(), starts_at=show.ends_at)  # [start, end) is half-open
    make_showtime(hall=None)  # another hall, any time
    assert Showtime.objects.count() == 3


def test_overlap_is_enforced_by_the_database_itself():
    show = make_showtime()
    with pytest.raises(IntegrityError):
        Showtime.objects.create(
            hall=show.hall, movie=show.movie, starts_at=show.starts_at, ends_at=show.ends_at + timedelta(hours=1)
        )


def test_showtime_must_end_after_it_starts():
    hall = HallFactory()
    starts = timezone.now() + timedelta(days=1)
    with pytest.raises(InvalidRequest):
        create_showtime(hall=hall, movie=MovieFactory(), starts_at=starts, ends_at=starts)


@pytest.mark.parametrize(
    ("starts_in", "field"),
    [(-timedelta(minutes=1), "starts_at"), (timedelta(days=800), "starts_at"), (timedelta(days=-800), "starts_at")],
)
def test_showtimes_outside_the_calendar_are_refused(starts_in, field):
    with pytest.raises(InvalidRequest) as refused:
        create_showtime(hall=HallFactory(), movie=MovieFactory(), starts_at=timezone.now() + starts_in)

    assert field in refused.value.errors
    assert not Showtime.objects.exists()


@pytest.mark.parametrize("starts_at", [datetime.max.replace(tzinfo=UTC), datetime.min.replace(tzinfo=UTC)])
def test_the_ends_of_the_calendar_are_refused_not_overflowed(starts_at):
    with pytest.raises(InvalidRequest):
        create_showtime(hall=HallFactory(), movie=MovieFactory(), starts_at=starts_at)


def test_a_showtime_lasts_at_most_a_day():
    starts = timezone.now() + timedelta(days=1)
    with pytest.raises(InvalidRequest) as refused:
        create_showtime(
            hall=HallFactory(), movie=MovieFactory(), starts_at=starts, ends_at=starts + timedelta(hours=25)
        )
    assert "ends_at" in refused.value.errors
    long_movie = MovieFactory(duration_minutes=32767)  # the field allows 22 days; a showtime does not
    with pytest.raises(InvalidRequest):
        create_showtime(hall=HallFactory(), movie=long_movie, starts_at=starts)


def test_staff_halls_and_showtimes_go_to_the_defaults_or_the_named_ones():
    hall = create_hall_by_ids(venue_id=None, name="QA 1", rows=2, seats_per_row=3)
    again = create_hall_by_ids(venue_id=None, name="QA 2", rows=1, seats_per_row=1)
    starts = timezone.now() + timedelta(days=1)

    show = create_showtime_by_ids(hall_id=hall.pk, movie_id=None, starts_at=starts)

    assert (hall.venue.name, hall.venue.city) == DEFAULT_VENUE
    assert again.venue_id == hall.venue_id  # created once
    assert (show.movie.title, show.movie.duration_minutes) == DEFAULT_MOVIE
    assert ShowSeat.objects.filter(showtime=show).count() == 6
    named = create_showtime_by_ids(hall_id=again.pk, movie_id=show.movie_id, starts_at=starts)
    assert named.movie_id == show.movie_id


def _create_hall(**ids):
    return create_hall_by_ids(name="X", rows=1, seats_per_row=1, **ids)


def _create_showtime(hall_id, **ids):
    ids = {"hall_id": hall_id, "movie_id": None, **ids}
    return create_showtime_by_ids(**ids, starts_at=timezone.now() + timedelta(days=1))


@pytest.mark.parametrize(
    ("create", "ids", "message"),
    [
        (_create_hall, {"venue_id": 10**12}, "No such venue."),
        (_create_showtime, {"hall_id": 10**12}, "No such hall."),
        (_create_showtime, {"movie_id": 10**12}, "No such movie."),
    ],
)
def test_staff_ids_that_name_nothing_are_refused_and_create_nothing(create, ids, message):
    hall = HallFactory()
    generate_seats(hall=hall, rows=1, seats_per_row=1)
    args = {} if create is _create_hall else {"hall_id": hall.pk}
    before = (Showtime.objects.count(), Seat.objects.count())
    with pytest.raises(InvalidRequest, match=message):
        create(**{**args, **ids})
    assert (Showtime.objects.count(), Seat.objects.count()) == before


def test_ensure_hall_is_safe_to_repeat():
    venue = HallFactory().venue
    first = ensure_hall(venue=venue, name="Seed", rows=2, seats_per_row=2)
    second = ensure_hall(venue=venue, name="Seed", rows=2, seats_per_row=2)
    assert first.pk == second.pk
    assert second.seats.count() == 4


def test_rescheduling_keeps_the_rules_of_the_schedule():
    show = make_showtime(starts_in=timedelta(days=1))
    other = make_showtime(starts_in=timedelta(days=2), hall=show.hall)
    new_start = show.starts_at + timedelta(hours=5)

    moved = reschedule_showtime(showtime=show, movie=show.movie, starts_at=new_start, ends_at=None, hold_ttl_seconds=60)

    show.refresh_from_db()
    assert (show.starts_at, show.ends_at, show.hold_ttl_seconds) == (
        new_start,
        new_start + timedelta(minutes=show.movie.duration_minutes),
        60,
    )
    assert moved.pk == show.pk
    with pytest.raises(ShowtimeOverlap):
        reschedule_showtime(
            showtime=show, movie=show.movie, starts_at=other.starts_at, ends_at=None, hold_ttl_seconds=None
        )
    with pytest.raises(InvalidRequest):
        reschedule_showtime(
            showtime=show, movie=show.movie, starts_at=new_start, ends_at=new_start, hold_ttl_seconds=None
        )
    show.refresh_from_db()
    assert show.starts_at == new_start
