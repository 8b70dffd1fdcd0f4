"""booking/selectors/audit.py, called directly on the real database: a clean database reports no
violation and the listed showtimes' counts and seats; each corruption the constraints still allow (faked
by writing around the services) is named with its showtime and seat."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from booking.models import BookingSeat, Seat, ShowSeat, Showtime
from booking.selectors.audit import audit_invariants
from booking.services.bookings import confirm_booking
from booking.services.holds import hold_seats
from booking.services.pricing import default_category
from booking.tests.conftest import make_showtime, seat_ids_of

pytestmark = pytest.mark.django_db


def _show_seat(showtime, seat_id) -> ShowSeat:
    return ShowSeat.objects.get(showtime=showtime, seat_id=seat_id)


def test_a_clean_database_details_the_listed_showtimes(showtime, seats, user, other_user, settings):
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=seats[:2])
    booking = confirm_booking(user=user, showtime_id=showtime.pk, seat_ids=[seats[0]]).booking
    hold_seats(user=other_user, showtime_id=showtime.pk, seat_ids=[seats[2], seats[3]])
    now = timezone.now()
    ShowSeat.objects.filter(showtime=showtime, seat_id=seats[3]).update(held_until=now)  # ran out, unswept

    audit = audit_invariants(now=now, showtime_ids=[showtime.pk])

    assert audit["violations"] == []
    assert audit["showtimes"] == [
        {
            "id": showtime.pk,
            "hold_ttl_seconds": settings.HOLD_TTL_SECONDS,
            "capacity": 12,
            "booked": 1,
            "held": 2,
            "expired_holds": 1,
            "available": 9,  # 8 free + the expired hold
            "single_seats": 1,  # A4, free again, alone beside the held A3
        }
    ]
    assert audit["booked_seats"] == {
        str(showtime.pk): {str(seats[0]): {"reference": booking.reference, "username": user.username}}
    }
    held_until = _show_seat(showtime, seats[1]).held_until
    assert audit["held_seats"] == {
        str(showtime.pk): {
            str(seats[1]): {"username": user.username, "held_until": held_until},
            str(seats[2]): {"username": other_user.username, "held_until": _show_seat(showtime, seats[2]).held_until},
        }
    }
    # A selector returns data: the API's renderer writes the datetime (test_staff.py checks how).
    assert isinstance(held_until, datetime)


def test_only_the_listed_showtimes_are_detailed(showtime, seats, user):
    unlisted = make_showtime()
    hold_seats(user=user, showtime_id=unlisted.pk, seat_ids=seat_ids_of(unlisted)[:1])
    missing = 2**63 - 1

    audit = audit_invariants(now=timezone.now(), showtime_ids=[showtime.pk, missing])

    assert [s["id"] for s in audit["showtimes"]] == [showtime.pk]
    assert audit["booked_seats"] == audit["held_seats"] == {str(showtime.pk): {}, str(missing): {}}
    assert audit_invariants(now=timezone.now(), showtime_ids=[]) == {
        "violations": [],
        "showtimes": [],
        "booked_seats": {},
        "held_seats": {},
    }


def test_a_showtimes_own_hold_ttl_is_reported(showtime):
    Showtime.objects.filter(pk=showtime.pk).update(hold_ttl_seconds=45)

    [detail] = audit_invariants(now=timezone.now(), showtime_ids=[showtime.pk])["showtimes"]

    assert detail["hold_ttl_seconds"] == 45


def _booked_without_a_line(showtime, seats, user):
    ShowSeat.objects.filter(showtime=showtime, seat_id=seats[0]).update(status="booked", booked_at=timezone.now())
    return [f"booked seat without a booking line: showtime {showtime.pk} seat {seats[0]}"]


def _line_on_a_seat_no_longer_booked(showtime, seats, user):
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=[seats[1]])
    confirm_booking(user=user, showtime_id=showtime.pk, seat_ids=[seats[1]])
    ShowSeat.objects.filter(showtime=showtime, seat_id=seats[1]).update(status="available", booked_at=None)
    return [f"booking line on a seat not booked for its showtime: showtime {showtime.pk} seat {seats[1]}"]


def _line_on_another_showtimes_seat(showtime, seats, user):
    other = make_showtime()
    other_seat = seat_ids_of(other)[0]
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=[seats[1]])
    booking = confirm_booking(user=user, showtime_id=showtime.pk, seat_ids=[seats[1]]).booking
    moved = _show_seat(other, other_seat)
    ShowSeat.objects.filter(pk=moved.pk).update(status="booked", booked_at=timezone.now())
    BookingSeat.objects.filter(booking=booking).update(show_seat=moved)
    return [
        f"booked seat without a booking line: showtime {showtime.pk} seat {seats[1]}",
        f"booking line on a seat not booked for its showtime: showtime {other.pk} seat {other_seat}",
        # and the money: the seat now booked is on no line of its booking's order
        f"booked seat without exactly one line of a paid or box-office order: {other.pk} {other_seat}",
    ]


def _hold_past_its_ttl(showtime, seats, user):
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=[seats[2]])
    ShowSeat.objects.filter(showtime=showtime, seat_id=seats[2]).update(held_until=timezone.now() + timedelta(days=1))
    return [f"hold outliving its TTL: showtime {showtime.pk} seat {seats[2]}"]


def _hall_gained_a_seat_the_showtime_lacks(showtime, seats, user):
    Seat.objects.create(
        hall_id=showtime.hall_id, row="Z", number=99, column=99, category=default_category(hall=showtime.hall)
    )  # not through generate_seats
    return [f"showtime whose seat rows do not match its hall: showtime {showtime.pk} seat None"]


@pytest.mark.parametrize(
    "corrupt",
    [
        _booked_without_a_line,
        _line_on_a_seat_no_longer_booked,
        _line_on_another_showtimes_seat,
        _hold_past_its_ttl,
        _hall_gained_a_seat_the_showtime_lacks,
    ],
    ids=lambda corrupt: corrupt.__name__.strip("_"),
)
def test_a_corruption_is_named_with_its_showtime_and_seat(showtime, seats, user, corrupt):
    expected = corrupt(showtime, seats, user)

    # Checked over the whole database, whatever showtimes are listed.
    assert sorted(audit_invariants(now=timezone.now(), showtime_ids=[])["violations"]) == sorted(expected)


@pytest.mark.parametrize("ttl", [None, 45], ids=["default-ttl", "own-ttl"])
@pytest.mark.parametrize(("extra", "outlives"), [(1, False), (2, True)], ids=["within", "past"])
def test_a_hold_may_run_one_second_past_its_ttl(showtime, seats, user, settings, ttl, extra, outlives):
    """The TTL bound is the showtime's own TTL (or the default), with one second of slack."""
    Showtime.objects.filter(pk=showtime.pk).update(hold_ttl_seconds=ttl)
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=[seats[0]])
    now = timezone.now()
    bound = (ttl or settings.HOLD_TTL_SECONDS) + extra
    ShowSeat.objects.filter(showtime=showtime, seat_id=seats[0]).update(held_until=now + timedelta(seconds=bound))

    violations = audit_invariants(now=now, showtime_ids=[])["violations"]

    assert violations == ([f"hold outliving its TTL: showtime {showtime.pk} seat {seats[0]}"] if outlives else [])
