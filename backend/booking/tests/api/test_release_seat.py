from datetime import timedelta

from django.utils import timezone

from booking.models import ShowSeat
from booking.tests.conftest import make_showtime, seat_ids_of
from booking.tests.invariants import assert_booking_invariants

from .helpers import RELEASE_URL, assert_error, book, hold, layout_url, release, seat_state, snapshot


def test_release_held_seats(user_api, other_api, showtime, seats):
    hold(user_api, showtime, seats[:3])

    response = release(user_api, showtime, [seats[2], seats[0]])

    assert response.status_code == 200
    body = response.json()
    assert isinstance(body["detail"], str)
    assert body["seat_ids"] == [seats[0], seats[2]]
    for seat_id in (seats[0], seats[2]):
        row = seat_state(showtime, seat_id)
        assert row.status == ShowSeat.Status.AVAILABLE
        assert row.held_by_id is None
        assert row.held_until is None
    assert seat_state(showtime, seats[1]).status == ShowSeat.Status.HELD
    # Released seats can be taken by anyone at once.
    assert hold(other_api, showtime, [seats[0]]).status_code == 200
    assert_booking_invariants()


def test_release_single_seat_id(user_api, showtime, seats):
    hold(user_api, showtime, [seats[0]])

    response = user_api.post(RELEASE_URL, {"show_id": showtime.pk, "seat_id": seats[0]}, format="json")

    assert response.status_code == 200
    assert response.json()["seat_ids"] == [seats[0]]
    assert seat_state(showtime, seats[0]).status == ShowSeat.Status.AVAILABLE
    assert_booking_invariants()


def test_release_shows_available_in_the_layout(user_api, showtime, seats):
    hold(user_api, showtime, [seats[0]])
    release(user_api, showtime, [seats[0]])

    seat = next(s for s in user_api.get(layout_url(showtime.pk)).json()["seats"] if s["id"] == seats[0])
    assert seat["status"] == "available"
    assert seat["held_by_me"] is False


def test_release_frees_hold_limit(user_api, showtime, seats, settings):
    settings.MAX_SEATS_PER_HOLD = 2
    hold(user_api, showtime, seats[:2])
    release(user_api, showtime, [seats[0]])

    assert hold(user_api, showtime, [seats[2]]).status_code == 200
    assert_booking_invariants()


def test_release_own_expired_hold(user_api, showtime, seats):
    hold(user_api, showtime, [seats[0]])
    ShowSeat.objects.filter(showtime=showtime, seat_id=seats[0]).update(
        held_until=timezone.now() - timedelta(seconds=1)
    )

    assert release(user_api, showtime, [seats[0]]).status_code == 200
    assert seat_state(showtime, seats[0]).status == ShowSeat.Status.AVAILABLE
    assert_booking_invariants()


def test_release_not_held_is_409(user_api, showtime, seats):
    before = snapshot()

    body = assert_error(release(user_api, showtime, [seats[0]]), 409, "not_held")

    assert body["seat_ids"] == [seats[0]]
    assert snapshot() == before


def test_release_is_all_or_nothing(user_api, user, showtime, seats):
    hold(user_api, showtime, [seats[0], seats[2]])
    before = snapshot()

    body = assert_error(release(user_api, showtime, seats[:3]), 409, "not_held")

    assert body["seat_ids"] == [seats[1]]
    assert snapshot() == before
    assert seat_state(showtime, seats[0]).held_by_id == user.pk


def test_release_someone_elses_hold_is_409(user_api, other_api, other_user, showtime, seats):
    hold(other_api, showtime, [seats[0]])
    before = snapshot()

    body = assert_error(release(user_api, showtime, [seats[0]]), 409, "not_held")

    assert body["seat_ids"] == [seats[0]]
    assert snapshot() == before
    assert seat_state(showtime, seats[0]).held_by_id == other_user.pk


def test_release_someone_elses_expired_hold_is_409(user_api, other_api, showtime, seats):
    hold(other_api, showtime, [seats[0]])
    ShowSeat.objects.filter(showtime=showtime, seat_id=seats[0]).update(
        held_until=timezone.now() - timedelta(seconds=1)
    )
    before = snapshot()

    assert_error(release(user_api, showtime, [seats[0]]), 409, "not_held")
    assert snapshot() == before


def test_release_booked_seat_is_409(user_api, showtime, seats):
    hold(user_api, showtime, [seats[0]])
    book(user_api, showtime, [seats[0]])
    before = snapshot()

    body = assert_error(release(user_api, showtime, [seats[0]]), 409, "not_held")

    assert body["seat_ids"] == [seats[0]]
    assert snapshot() == before
    assert_booking_invariants()


def test_release_on_a_started_showtime_is_allowed(user_api, user, db):
    started = make_showtime(starts_in=-timedelta(minutes=5))
    seat_id = seat_ids_of(started)[0]
    ShowSeat.objects.filter(showtime=started, seat_id=seat_id).update(
        status=ShowSeat.Status.HELD, held_by=user, held_until=timezone.now() + timedelta(minutes=5)
    )

    assert release(user_api, started, [seat_id]).status_code == 200
    assert seat_state(started, seat_id).status == ShowSeat.Status.AVAILABLE
    assert_booking_invariants()


def test_release_in_one_showtime_leaves_the_other_alone(user_api, user, showtime, seats):
    other_show = make_showtime(starts_in=timedelta(days=2), hall=showtime.hall)
    hold(user_api, showtime, [seats[0]])
    hold(user_api, other_show, [seats[0]])

    release(user_api, showtime, [seats[0]])

    assert seat_state(other_show, seats[0]).held_by_id == user.pk
    assert_booking_invariants()
