from datetime import timedelta

import pytest
from django.utils import timezone

from booking.exceptions import (
    HoldLimitReached,
    InvalidRequest,
    NotHeld,
    SeatNotFound,
    SeatUnavailable,
    ShowStarted,
    ShowtimeNotFound,
    TooManySeats,
)
from booking.models import LayoutVersion, ShowSeat
from booking.services.holds import hold_seats, release_expired_holds, release_holds
from booking.tests.conftest import make_showtime, seat_ids_of
from booking.tests.invariants import assert_booking_invariants

pytestmark = pytest.mark.django_db


def show_seat(showtime, seat_id) -> ShowSeat:
    return ShowSeat.objects.get(showtime=showtime, seat_id=seat_id)


def layout_version(showtime) -> int:
    return sum(LayoutVersion.objects.filter(showtime=showtime).values_list("version", flat=True))


def expire(showtime, seat_ids):
    """Move holds into the past, the way time would."""
    ShowSeat.objects.filter(showtime=showtime, seat_id__in=seat_ids).update(
        held_until=timezone.now() - timedelta(seconds=1)
    )


def test_hold_marks_seats_held_by_the_user_for_the_ttl(showtime, seats, user, settings):
    settings.HOLD_TTL_SECONDS = 120
    before = timezone.now()

    result = hold_seats(user=user, showtime_id=showtime.pk, seat_ids=[seats[1], seats[0]])

    assert result.seat_ids == [seats[0], seats[1]]
    for seat_id in seats[:2]:
        row = show_seat(showtime, seat_id)
        assert row.status == ShowSeat.Status.HELD
        assert row.held_by == user
        assert row.held_until == result.held_until
    assert before + timedelta(seconds=120) <= result.held_until <= timezone.now() + timedelta(seconds=120)
    assert show_seat(showtime, seats[2]).status == ShowSeat.Status.AVAILABLE
    assert_booking_invariants()


def test_hold_bumps_the_layout_version(showtime, seats, user):
    before = layout_version(showtime)
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=[seats[0]])
    assert layout_version(showtime) == before + 1


def test_holding_a_seat_someone_else_holds_conflicts_and_names_it(showtime, seats, user, other_user):
    hold_seats(user=other_user, showtime_id=showtime.pk, seat_ids=[seats[1]])

    with pytest.raises(SeatUnavailable) as raised:
        hold_seats(user=user, showtime_id=showtime.pk, seat_ids=[seats[0], seats[1], seats[2]])

    assert raised.value.seat_ids == [seats[1]]
    # All or nothing: the free seats in the request were not held either.
    assert show_seat(showtime, seats[0]).status == ShowSeat.Status.AVAILABLE
    assert show_seat(showtime, seats[2]).status == ShowSeat.Status.AVAILABLE
    assert show_seat(showtime, seats[1]).held_by == other_user
    assert_booking_invariants()


def test_an_expired_hold_is_free_for_others_without_the_sweeper(showtime, seats, user, other_user):
    hold_seats(user=other_user, showtime_id=showtime.pk, seat_ids=[seats[0]])
    expire(showtime, [seats[0]])

    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=[seats[0]])

    row = show_seat(showtime, seats[0])
    assert row.held_by == user
    assert row.held_until > timezone.now()


def test_re_holding_own_seats_succeeds_without_extending_them(showtime, seats, user):
    first = hold_seats(user=user, showtime_id=showtime.pk, seat_ids=[seats[0]])
    version = layout_version(showtime)

    again = hold_seats(user=user, showtime_id=showtime.pk, seat_ids=[seats[0]])

    assert again.held_until == first.held_until
    assert show_seat(showtime, seats[0]).held_until == first.held_until
    assert layout_version(showtime) == version  # nothing changed, so the layout did not either


def test_held_until_is_the_earliest_expiry_among_the_requested_seats(showtime, seats, user):
    first = hold_seats(user=user, showtime_id=showtime.pk, seat_ids=[seats[0]])
    mixed = hold_seats(user=user, showtime_id=showtime.pk, seat_ids=[seats[0], seats[1]])
    assert mixed.held_until == first.held_until
    assert show_seat(showtime, seats[1]).held_until > first.held_until


def test_booked_seats_cannot_be_held(showtime, seats, user, other_user):
    from booking.services.bookings import confirm_booking

    hold_seats(user=other_user, showtime_id=showtime.pk, seat_ids=[seats[0]])
    confirm_booking(user=other_user, showtime_id=showtime.pk, seat_ids=[seats[0]])

    with pytest.raises(SeatUnavailable):
        hold_seats(user=user, showtime_id=showtime.pk, seat_ids=[seats[0]])
    with pytest.raises(SeatUnavailable):  # not even by the buyer
        hold_seats(user=other_user, showtime_id=showtime.pk, seat_ids=[seats[0]])


def test_per_user_cap_counts_live_holds_across_requests(showtime, seats, user, settings):
    settings.MAX_SEATS_PER_HOLD = 3
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=seats[:2])

    with pytest.raises(HoldLimitReached) as raised:
        hold_seats(user=user, showtime_id=showtime.pk, seat_ids=seats[2:4])

    assert raised.value.seat_ids == seats[2:4]
    assert ShowSeat.objects.filter(showtime=showtime, held_by=user).count() == 2
    # Already-held seats in the request do not count twice.
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=[*seats[:2], seats[2]])
    assert ShowSeat.objects.filter(showtime=showtime, held_by=user).count() == 3


def test_expired_own_holds_do_not_count_towards_the_cap(showtime, seats, user, settings):
    settings.MAX_SEATS_PER_HOLD = 2
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=seats[:2])
    expire(showtime, seats[:2])

    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=seats[2:4])

    assert ShowSeat.objects.filter(showtime=showtime, held_by=user, held_until__gt=timezone.now()).count() == 2


def test_cap_is_per_showtime(user, settings):
    settings.MAX_SEATS_PER_HOLD = 2
    first, second = make_showtime(), make_showtime()
    hold_seats(user=user, showtime_id=first.pk, seat_ids=seat_ids_of(first)[:2])
    hold_seats(user=user, showtime_id=second.pk, seat_ids=seat_ids_of(second)[:2])


def test_request_size_is_bounded(showtime, seats, user, settings):
    settings.MAX_SEATS_PER_HOLD = 2
    with pytest.raises(TooManySeats):
        hold_seats(user=user, showtime_id=showtime.pk, seat_ids=seats[:3])
    with pytest.raises(InvalidRequest):
        hold_seats(user=user, showtime_id=showtime.pk, seat_ids=[])


def test_unknown_showtime_and_foreign_seats_are_not_found(showtime, seats, user):
    other_show = make_showtime()
    with pytest.raises(ShowtimeNotFound):
        hold_seats(user=user, showtime_id=10**9, seat_ids=[seats[0]])
    foreign = seat_ids_of(other_show)[0]
    with pytest.raises(SeatNotFound) as raised:
        hold_seats(user=user, showtime_id=showtime.pk, seat_ids=[seats[0], foreign])
    assert raised.value.seat_ids == [foreign]
    assert show_seat(showtime, seats[0]).status == ShowSeat.Status.AVAILABLE


def test_started_showtime_cannot_be_held(user):
    started = make_showtime(starts_in=-timedelta(minutes=1))
    with pytest.raises(ShowStarted):
        hold_seats(user=user, showtime_id=started.pk, seat_ids=seat_ids_of(started)[:1])


def test_release_frees_own_holds(showtime, seats, user):
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=seats[:2])
    version = layout_version(showtime)

    assert release_holds(user=user, showtime_id=showtime.pk, seat_ids=seats[:2]) == seats[:2]

    for seat_id in seats[:2]:
        row = show_seat(showtime, seat_id)
        assert (row.status, row.held_by, row.held_until) == (ShowSeat.Status.AVAILABLE, None, None)
    assert layout_version(showtime) == version + 1
    assert_booking_invariants()


def test_release_of_someone_elses_hold_is_refused_and_changes_nothing(showtime, seats, user, other_user):
    hold_seats(user=other_user, showtime_id=showtime.pk, seat_ids=[seats[0]])
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=[seats[1]])

    with pytest.raises(NotHeld) as raised:
        release_holds(user=user, showtime_id=showtime.pk, seat_ids=[seats[0], seats[1]])

    assert raised.value.seat_ids == [seats[0]]
    assert show_seat(showtime, seats[0]).held_by == other_user
    assert show_seat(showtime, seats[1]).held_by == user  # all or nothing


def test_release_of_a_free_seat_is_refused(showtime, seats, user):
    with pytest.raises(NotHeld):
        release_holds(user=user, showtime_id=showtime.pk, seat_ids=[seats[0]])


def test_release_expired_holds_frees_only_expired_ones(showtime, seats, user, other_user):
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=seats[:2])
    hold_seats(user=other_user, showtime_id=showtime.pk, seat_ids=[seats[2]])
    expire(showtime, seats[:2])

    assert release_expired_holds() == 2

    assert show_seat(showtime, seats[0]).status == ShowSeat.Status.AVAILABLE
    assert show_seat(showtime, seats[1]).held_by is None
    assert show_seat(showtime, seats[2]).held_by == other_user
    assert release_expired_holds() == 0
    assert_booking_invariants()


def test_release_expired_holds_works_in_batches(showtime, seats, user, other_user):
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=seats[:3])
    expire(showtime, seats[:3])
    assert release_expired_holds(batch_size=2) == 3
    assert not ShowSeat.objects.filter(status=ShowSeat.Status.HELD).exists()
