from datetime import timedelta

import pytest
from django.utils import timezone

from booking.exceptions import IdempotencyKeyReused, NotHeld, SeatNotFound, ShowStarted
from booking.models import Booking, BookingSeat, ShowSeat
from booking.services.bookings import confirm_booking
from booking.services.holds import hold_seats
from booking.tests.conftest import make_showtime, seat_ids_of
from booking.tests.invariants import assert_booking_invariants

pytestmark = pytest.mark.django_db


def test_confirm_books_held_seats_in_one_booking(showtime, seats, user):
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=seats[:2])

    result = confirm_booking(user=user, showtime_id=showtime.pk, seat_ids=seats[:2])

    booking = result.booking
    assert not result.replayed
    assert (booking.user, booking.showtime_id) == (user, showtime.pk)
    assert len(booking.reference) == 10
    assert sorted(booking.lines.values_list("show_seat__seat_id", flat=True)) == seats[:2]
    for row in ShowSeat.objects.filter(showtime=showtime, seat_id__in=seats[:2]):
        assert row.status == ShowSeat.Status.BOOKED
        assert (row.held_by, row.held_until) == (None, None)
        assert row.booked_at == booking.created_at
    assert_booking_invariants()


def test_confirm_needs_every_seat_held_by_the_caller(showtime, seats, user, other_user):
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=[seats[0]])
    hold_seats(user=other_user, showtime_id=showtime.pk, seat_ids=[seats[1]])

    with pytest.raises(NotHeld) as raised:
        confirm_booking(user=user, showtime_id=showtime.pk, seat_ids=[seats[0], seats[1], seats[2]])

    assert raised.value.seat_ids == [seats[1], seats[2]]
    assert not Booking.objects.exists()
    assert ShowSeat.objects.get(showtime=showtime, seat_id=seats[0]).status == ShowSeat.Status.HELD


def test_expired_hold_cannot_be_booked_by_its_old_holder(showtime, seats, user):
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=[seats[0]])
    ShowSeat.objects.filter(showtime=showtime, seat_id=seats[0]).update(held_until=timezone.now())

    with pytest.raises(NotHeld):
        confirm_booking(user=user, showtime_id=showtime.pk, seat_ids=[seats[0]])
    assert not Booking.objects.exists()


def test_expired_hold_taken_over_by_someone_else(showtime, seats, user, other_user):
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=[seats[0]])
    ShowSeat.objects.filter(showtime=showtime, seat_id=seats[0]).update(held_until=timezone.now())
    hold_seats(user=other_user, showtime_id=showtime.pk, seat_ids=[seats[0]])

    with pytest.raises(NotHeld):
        confirm_booking(user=user, showtime_id=showtime.pk, seat_ids=[seats[0]])
    booking = confirm_booking(user=other_user, showtime_id=showtime.pk, seat_ids=[seats[0]]).booking
    assert booking.user == other_user
    assert_booking_invariants()


def test_a_seat_is_never_booked_twice(showtime, seats, user):
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=[seats[0]])
    confirm_booking(user=user, showtime_id=showtime.pk, seat_ids=[seats[0]])
    with pytest.raises(NotHeld):
        confirm_booking(user=user, showtime_id=showtime.pk, seat_ids=[seats[0]])
    assert BookingSeat.objects.count() == 1


def test_idempotent_retry_returns_the_original_booking(showtime, seats, user):
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=seats[:2])
    first = confirm_booking(user=user, showtime_id=showtime.pk, seat_ids=seats[:2], idempotency_key="k-1")
    # The seats are no longer held (they are booked): the retry must find the booking, not fail not_held.

    retry = confirm_booking(user=user, showtime_id=showtime.pk, seat_ids=[seats[1], seats[0]], idempotency_key="k-1")

    assert retry.replayed
    assert retry.booking.pk == first.booking.pk
    assert Booking.objects.count() == 1


def test_idempotency_key_reused_for_another_request_is_refused(showtime, seats, user):
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=seats[:3])
    confirm_booking(user=user, showtime_id=showtime.pk, seat_ids=seats[:2], idempotency_key="k-1")

    with pytest.raises(IdempotencyKeyReused):
        confirm_booking(user=user, showtime_id=showtime.pk, seat_ids=[seats[2]], idempotency_key="k-1")
    other_show = make_showtime()
    with pytest.raises(IdempotencyKeyReused):
        confirm_booking(user=user, showtime_id=other_show.pk, seat_ids=seats[:2], idempotency_key="k-1")
    assert ShowSeat.objects.get(showtime=showtime, seat_id=seats[2]).status == ShowSeat.Status.HELD
    assert Booking.objects.count() == 1


def test_idempotency_keys_are_per_user(showtime, seats, user, other_user):
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=[seats[0]])
    hold_seats(user=other_user, showtime_id=showtime.pk, seat_ids=[seats[1]])

    mine = confirm_booking(user=user, showtime_id=showtime.pk, seat_ids=[seats[0]], idempotency_key="same")
    theirs = confirm_booking(user=other_user, showtime_id=showtime.pk, seat_ids=[seats[1]], idempotency_key="same")

    assert mine.booking.pk != theirs.booking.pk
    assert not theirs.replayed


def test_confirm_after_the_show_started_is_refused(user):
    show = make_showtime(starts_in=timedelta(minutes=10))
    seat = seat_ids_of(show)[0]
    hold_seats(user=user, showtime_id=show.pk, seat_ids=[seat])
    type(show).objects.filter(pk=show.pk).update(
        starts_at=timezone.now() - timedelta(minutes=1), ends_at=timezone.now() + timedelta(hours=2)
    )
    with pytest.raises(ShowStarted):
        confirm_booking(user=user, showtime_id=show.pk, seat_ids=[seat])


def test_confirm_unknown_seat(showtime, seats, user):
    with pytest.raises(SeatNotFound):
        confirm_booking(user=user, showtime_id=showtime.pk, seat_ids=[10**9])


def test_a_short_ttl_frees_the_seat_for_others_and_the_old_holder_cannot_book(
    showtime, seats, user, other_user, settings
):
    import time

    settings.HOLD_TTL_SECONDS = 1
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=[seats[0]])
    time.sleep(1.1)  # let the hold run out on its own; no sweeper involved

    hold_seats(user=other_user, showtime_id=showtime.pk, seat_ids=[seats[0]])
    with pytest.raises(NotHeld):
        confirm_booking(user=user, showtime_id=showtime.pk, seat_ids=[seats[0]])
    assert confirm_booking(user=other_user, showtime_id=showtime.pk, seat_ids=[seats[0]]).booking.user == other_user
    assert_booking_invariants()
