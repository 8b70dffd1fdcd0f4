from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from booking.exceptions import SeatUnavailable
from booking.models import SeatEvent, ShowSeat
from booking.services.bookings import confirm_booking
from booking.services.holds import hold_seats, release_expired_holds, release_holds, release_holds_by_admin
from booking.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def seat_holder_at(*, showtime_id: int, seat_id: int, at: datetime) -> SeatEvent | None:
    """The `held` or `booked` event that gave the seat to someone at that moment, if anyone had it: the
    question the history must be able to answer ("who had seat C7 at 20:01?"), asked as the admin would."""
    last = (
        SeatEvent.objects.filter(showtime_id=showtime_id, seat_id=seat_id, at__lte=at)
        .select_related("user")
        .order_by("-at", "-pk")
        .first()
    )
    if last is None or last.event in {SeatEvent.Kind.RELEASED, SeatEvent.Kind.EXPIRED}:
        return None
    if last.event == SeatEvent.Kind.HELD and last.held_until <= at:
        return None  # the hold had run out, swept or not
    return last


def events(showtime, seat_id) -> list[tuple]:
    return [
        (e.event, e.user_id, e.actor_id)
        for e in SeatEvent.objects.filter(showtime=showtime, seat_id=seat_id).order_by("at", "pk")
    ]


def test_every_seat_change_is_recorded_with_who_and_why(showtime, seats, user, other_user):
    staff = UserFactory(is_staff=True)
    held = hold_seats(user=user, showtime_id=showtime.pk, seat_ids=[seats[0], seats[1]])
    release_holds(user=user, showtime_id=showtime.pk, seat_ids=[seats[1]])
    confirm_booking(user=user, showtime_id=showtime.pk, seat_ids=[seats[0]])
    hold_seats(user=other_user, showtime_id=showtime.pk, seat_ids=[seats[2], seats[3]])
    release_holds_by_admin(
        staff_user=staff, show_seat_ids=[ShowSeat.objects.get(showtime=showtime, seat_id=seats[2]).pk]
    )
    ShowSeat.objects.filter(showtime=showtime, seat_id=seats[3]).update(held_until=timezone.now())
    release_expired_holds()

    assert events(showtime, seats[0]) == [("held", user.pk, user.pk), ("booked", user.pk, user.pk)]
    assert events(showtime, seats[1]) == [("held", user.pk, user.pk), ("released", user.pk, user.pk)]
    assert events(showtime, seats[2]) == [("held", other_user.pk, other_user.pk), ("released", other_user.pk, staff.pk)]
    assert events(showtime, seats[3]) == [("held", other_user.pk, other_user.pk), ("expired", other_user.pk, None)]
    first_hold = SeatEvent.objects.filter(seat_id=seats[0], event="held").get()
    assert first_hold.held_until == held.held_until


def test_a_refused_request_leaves_no_history(showtime, seats, user, other_user):
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=[seats[0]])
    with pytest.raises(SeatUnavailable):
        hold_seats(user=other_user, showtime_id=showtime.pk, seat_ids=[seats[0], seats[1]])
    assert SeatEvent.objects.count() == 1


def test_who_had_the_seat_at_a_given_moment(showtime, seats, user, other_user, settings):
    settings.HOLD_TTL_SECONDS = 60
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=[seats[0]])
    held = SeatEvent.objects.get(event="held")
    during, after = held.at + timedelta(seconds=30), held.at + timedelta(seconds=61)

    assert seat_holder_at(showtime_id=showtime.pk, seat_id=seats[0], at=during).user == user
    assert seat_holder_at(showtime_id=showtime.pk, seat_id=seats[0], at=after) is None  # ran out, unswept
    assert seat_holder_at(showtime_id=showtime.pk, seat_id=seats[0], at=held.at - timedelta(seconds=1)) is None

    confirm_booking(user=user, showtime_id=showtime.pk, seat_ids=[seats[0]])
    booked = SeatEvent.objects.get(event="booked")
    assert seat_holder_at(showtime_id=showtime.pk, seat_id=seats[0], at=booked.at + timedelta(days=1)).user == user
