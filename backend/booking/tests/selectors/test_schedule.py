"""booking/selectors/schedule.py, called directly on the real database."""

from datetime import timedelta

import pytest
from django.utils import timezone

from booking.models import Booking, ShowSeat
from booking.selectors.schedule import hall_is_busy, upcoming_showtimes, user_bookings
from booking.services.bookings import confirm_booking
from booking.services.holds import hold_seats
from booking.tests.conftest import make_showtime, seat_ids_of
from booking.tests.factories import HallFactory

pytestmark = pytest.mark.django_db


def test_upcoming_showtimes_are_those_not_started_soonest_first(db):
    later = make_showtime(starts_in=timedelta(days=2))
    sooner = make_showtime(starts_in=timedelta(days=1))
    make_showtime(starts_in=-timedelta(minutes=5))  # started

    assert [s.pk for s in upcoming_showtimes(now=timezone.now())] == [sooner.pk, later.pk]
    # "Not started" is strict: a show starting at `now` is no longer upcoming.
    assert [s.pk for s in upcoming_showtimes(now=sooner.starts_at)] == [later.pk]


def test_upcoming_showtimes_at_the_same_time_come_in_creation_order(db):
    first = make_showtime()
    second = make_showtime()
    second.starts_at = first.starts_at
    second.save(update_fields=["starts_at"])

    assert [s.pk for s in upcoming_showtimes(now=timezone.now())] == [first.pk, second.pk]


def test_upcoming_showtimes_count_live_seats_an_expired_hold_as_available(showtime, seats, user, other_user):
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=seats[:3])
    confirm_booking(user=user, showtime_id=showtime.pk, seat_ids=[seats[0]])
    hold_seats(user=other_user, showtime_id=showtime.pk, seat_ids=[seats[5]])
    ShowSeat.objects.filter(showtime=showtime, seat_id=seats[5]).update(held_until=timezone.now())  # ran out

    [listed] = upcoming_showtimes(now=timezone.now())

    assert (listed.seats_total, listed.seats_booked, listed.seats_held) == (len(seats), 1, 2)


def test_upcoming_showtimes_is_one_query_with_movie_hall_and_venue(showtime, django_assert_num_queries):
    with django_assert_num_queries(1):
        [listed] = upcoming_showtimes(now=timezone.now())
        assert (listed.movie.title, listed.hall.name, listed.hall.venue.name) == (
            showtime.movie.title,
            showtime.hall.name,
            showtime.hall.venue.name,
        )


@pytest.mark.parametrize(
    ("start", "end", "busy"),
    [
        (timedelta(minutes=30), timedelta(minutes=60), True),  # inside
        (-timedelta(minutes=30), timedelta(minutes=1), True),  # overlaps the start
        (-timedelta(hours=1), timedelta(hours=10), True),  # covers it
        (None, timedelta(hours=1), False),  # starts as it ends: [a, b) ranges only touch
        (-timedelta(hours=1), timedelta(0), False),  # ends as it starts
    ],
    ids=["inside", "overlapping-start", "covering", "right-after", "right-before"],
)
def test_hall_is_busy_when_another_showtime_overlaps(showtime, start, end, busy):
    # start None: from the showtime's end; otherwise relative to its start (end is relative to that start).
    starts_at = showtime.ends_at if start is None else showtime.starts_at + start
    ends_at = (showtime.ends_at if start is None else showtime.starts_at) + end

    assert hall_is_busy(hall_id=showtime.hall_id, starts_at=starts_at, ends_at=ends_at, ignore_showtime_id=None) is busy


def test_hall_is_busy_ignores_the_showtime_being_edited_and_other_halls(showtime):
    other_hall = HallFactory(venue=showtime.hall.venue)
    window = {"starts_at": showtime.starts_at, "ends_at": showtime.ends_at}

    assert hall_is_busy(hall_id=showtime.hall_id, ignore_showtime_id=None, **window) is True
    assert hall_is_busy(hall_id=showtime.hall_id, ignore_showtime_id=showtime.pk, **window) is False
    assert hall_is_busy(hall_id=other_hall.pk, ignore_showtime_id=None, **window) is False


def test_user_bookings_are_the_users_own_newest_first_with_lines_in_seat_order(
    showtime, seats, user, other_user, django_assert_num_queries
):
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=[seats[4], seats[1]])
    older = confirm_booking(user=user, showtime_id=showtime.pk, seat_ids=[seats[4], seats[1]]).booking
    later_show = make_showtime(starts_in=timedelta(days=3))
    later_seats = seat_ids_of(later_show)
    hold_seats(user=user, showtime_id=later_show.pk, seat_ids=later_seats[:1])
    newer = confirm_booking(user=user, showtime_id=later_show.pk, seat_ids=later_seats[:1]).booking
    hold_seats(user=other_user, showtime_id=showtime.pk, seat_ids=[seats[7]])
    confirm_booking(user=other_user, showtime_id=showtime.pk, seat_ids=[seats[7]])
    # Newest by creation time, not by id: make the first booking the newest one.
    Booking.objects.filter(pk=older.pk).update(created_at=newer.created_at + timedelta(seconds=1))

    with django_assert_num_queries(3):  # the bookings with their orders, every line with its seat, the order lines
        bookings = user_bookings(user=user)
        seen = [
            (b.pk, b.showtime.movie.title, b.showtime.hall.venue.name, [ln.show_seat.seat_id for ln in b.lines.all()])
            for b in bookings
        ]

    assert seen == [
        (older.pk, showtime.movie.title, showtime.hall.venue.name, [seats[1], seats[4]]),
        (newer.pk, later_show.movie.title, later_show.hall.venue.name, later_seats[:1]),
    ]


def test_user_bookings_of_a_user_with_none(user, other_user, showtime, seats):
    hold_seats(user=other_user, showtime_id=showtime.pk, seat_ids=[seats[0]])
    confirm_booking(user=other_user, showtime_id=showtime.pk, seat_ids=[seats[0]])

    assert user_bookings(user=user) == []
