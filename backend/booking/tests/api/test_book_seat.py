import re
from datetime import datetime, timedelta

from django.utils import timezone

from booking.api.serializers import isoformat_utc
from booking.models import Booking, BookingSeat, ShowSeat
from booking.tests.conftest import make_showtime, seat_ids_of
from booking.tests.invariants import assert_booking_invariants

from .helpers import BOOK_URL, assert_error, book, hold, seat_state, snapshot


def _expire(showtime, seat_ids) -> None:
    ShowSeat.objects.filter(showtime=showtime, seat_id__in=seat_ids).update(
        held_until=timezone.now() - timedelta(seconds=1)
    )


def test_book_held_seats(user_api, user, showtime, seats):
    hold(user_api, showtime, seats[:2])
    started = timezone.now()

    response = book(user_api, showtime, [seats[1], seats[0]])

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"detail", "booking"}
    assert isinstance(body["detail"], str)
    booking = Booking.objects.get()
    assert body["booking"] == {
        "reference": booking.reference,
        "show_id": showtime.pk,
        "seat_ids": seats[:2],
        "created_at": isoformat_utc(booking.created_at),
    }
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{10}", booking.reference)
    assert started <= datetime.fromisoformat(body["booking"]["created_at"].replace("Z", "+00:00")) <= timezone.now()
    assert "Idempotent-Replayed" not in response
    assert booking.user_id == user.pk
    assert booking.showtime_id == showtime.pk
    assert booking.idempotency_key is None
    for seat_id in seats[:2]:
        row = seat_state(showtime, seat_id)
        assert row.status == ShowSeat.Status.BOOKED
        assert row.held_by_id is None
        assert row.held_until is None
        assert row.booked_at == booking.created_at
    assert sorted(BookingSeat.objects.values_list("show_seat__seat_id", flat=True)) == seats[:2]
    assert_booking_invariants()


def test_book_single_seat_id(user_api, showtime, seats):
    hold(user_api, showtime, [seats[4]])

    response = user_api.post(BOOK_URL, {"show_id": showtime.pk, "seat_id": seats[4]}, format="json")

    assert response.status_code == 201
    assert response.json()["booking"]["seat_ids"] == [seats[4]]
    assert_booking_invariants()


def test_book_part_of_ones_holds_leaves_the_rest_held(user_api, user, showtime, seats):
    hold(user_api, showtime, seats[:3])

    assert book(user_api, showtime, [seats[0]]).status_code == 201

    assert seat_state(showtime, seats[1]).status == ShowSeat.Status.HELD
    assert seat_state(showtime, seats[2]).held_by_id == user.pk
    assert_booking_invariants()


def test_book_seats_not_held_is_409(user_api, showtime, seats):
    before = snapshot()

    body = assert_error(book(user_api, showtime, seats[:2]), 409, "not_held")

    assert body["seat_ids"] == seats[:2]
    assert snapshot() == before


def test_book_is_all_or_nothing(user_api, showtime, seats):
    hold(user_api, showtime, [seats[0], seats[2]])
    before = snapshot()

    body = assert_error(book(user_api, showtime, seats[:3]), 409, "not_held")

    assert body["seat_ids"] == [seats[1]]
    assert snapshot() == before
    assert not Booking.objects.exists()


def test_book_expired_hold_is_409(user_api, showtime, seats):
    hold(user_api, showtime, seats[:2])
    _expire(showtime, [seats[1]])
    before = snapshot()

    body = assert_error(book(user_api, showtime, seats[:2]), 409, "not_held")

    assert body["seat_ids"] == [seats[1]]
    assert snapshot() == before


def test_book_someone_elses_hold_is_409(user_api, other_api, other_user, showtime, seats):
    hold(other_api, showtime, [seats[0]])
    hold(user_api, showtime, [seats[1]])
    before = snapshot()

    body = assert_error(book(user_api, showtime, seats[:2]), 409, "not_held")

    assert body["seat_ids"] == [seats[0]]
    assert snapshot() == before
    assert seat_state(showtime, seats[0]).held_by_id == other_user.pk


def test_book_twice_is_409(user_api, showtime, seats):
    hold(user_api, showtime, [seats[0]])
    assert book(user_api, showtime, [seats[0]]).status_code == 201
    before = snapshot()

    body = assert_error(book(user_api, showtime, [seats[0]]), 409, "not_held")

    assert body["seat_ids"] == [seats[0]]
    assert snapshot() == before
    assert Booking.objects.count() == 1


def test_book_seat_booked_by_someone_else_is_409(user_api, other_api, showtime, seats):
    hold(other_api, showtime, [seats[0]])
    book(other_api, showtime, [seats[0]])
    before = snapshot()

    assert_error(book(user_api, showtime, [seats[0]]), 409, "not_held")
    assert snapshot() == before


def test_book_started_showtime_is_409(user_api, user, db):
    started = make_showtime(starts_in=-timedelta(minutes=5))
    seat_id = seat_ids_of(started)[0]
    # A hold made before the start (set directly: the API refuses holds on a started showtime).
    ShowSeat.objects.filter(showtime=started, seat_id=seat_id).update(
        status=ShowSeat.Status.HELD, held_by=user, held_until=timezone.now() + timedelta(minutes=5)
    )
    before = snapshot()

    assert_error(book(user_api, started, [seat_id]), 409, "show_started")
    assert snapshot() == before


def test_bookings_get_distinct_references(user_api, other_api, showtime, seats):
    hold(user_api, showtime, [seats[0]])
    hold(other_api, showtime, [seats[1]])
    first = book(user_api, showtime, [seats[0]]).json()["booking"]["reference"]
    hold(user_api, showtime, [seats[2]])
    second = book(user_api, showtime, [seats[2]]).json()["booking"]["reference"]
    third = book(other_api, showtime, [seats[1]]).json()["booking"]["reference"]

    assert len({first, second, third}) == 3
    assert_booking_invariants()


# --- Idempotency-Key --------------------------------------------------------------------------------


def test_idempotent_retry_returns_the_original_booking(user_api, showtime, seats):
    hold(user_api, showtime, seats[:2])
    first = book(user_api, showtime, seats[:2], key="order-1")
    assert first.status_code == 201
    before = snapshot()

    retry = book(user_api, showtime, [seats[1], seats[0]], key="order-1")

    assert retry.status_code == 201
    assert retry.json()["booking"] == first.json()["booking"]
    assert retry["Idempotent-Replayed"] == "true"
    assert Booking.objects.count() == 1
    assert Booking.objects.get().idempotency_key == "order-1"
    assert snapshot() == before
    assert_booking_invariants()


def test_idempotent_retry_with_seat_id_form(user_api, showtime, seats):
    hold(user_api, showtime, [seats[0]])
    first = book(user_api, showtime, [seats[0]], key="k")

    retry = user_api.post(
        BOOK_URL, {"show_id": showtime.pk, "seat_id": seats[0]}, format="json", headers={"Idempotency-Key": "k"}
    )

    assert retry.status_code == 201
    assert retry.json()["booking"]["reference"] == first.json()["booking"]["reference"]
    assert Booking.objects.count() == 1


def test_idempotent_retry_after_the_holds_would_have_expired(user_api, showtime, seats):
    hold(user_api, showtime, seats[:2])
    reference = book(user_api, showtime, seats[:2], key="late-retry").json()["booking"]["reference"]
    # Other seats the user held meanwhile have expired too: the retry must not care.
    hold(user_api, showtime, [seats[5]])
    _expire(showtime, [seats[5]])
    before = snapshot()

    retry = book(user_api, showtime, seats[:2], key="late-retry")

    assert retry.status_code == 201
    assert retry.json()["booking"]["reference"] == reference
    assert snapshot() == before
    assert_booking_invariants()


def test_idempotent_retry_after_the_show_started(user_api, showtime, seats):
    hold(user_api, showtime, [seats[0]])
    reference = book(user_api, showtime, [seats[0]], key="k1").json()["booking"]["reference"]
    showtime.starts_at = timezone.now() - timedelta(minutes=1)
    showtime.ends_at = showtime.starts_at + timedelta(hours=2)
    showtime.save()

    retry = book(user_api, showtime, [seats[0]], key="k1")

    assert retry.status_code == 201
    assert retry.json()["booking"]["reference"] == reference


def test_idempotency_key_reused_for_other_seats_is_422(user_api, showtime, seats):
    hold(user_api, showtime, seats[:3])
    book(user_api, showtime, seats[:2], key="order-1")
    before = snapshot()

    for other_seats in ([seats[2]], seats[:3], [seats[0]]):
        assert_error(book(user_api, showtime, other_seats, key="order-1"), 422, "idempotency_key_reused")

    assert snapshot() == before
    assert seat_state(showtime, seats[2]).status == ShowSeat.Status.HELD
    assert_booking_invariants()


def test_idempotency_key_reused_for_another_show_is_422(user_api, showtime, seats):
    other_show = make_showtime(starts_in=timedelta(days=2), hall=showtime.hall)
    hold(user_api, showtime, [seats[0]])
    hold(user_api, other_show, [seats[0]])
    book(user_api, showtime, [seats[0]], key="order-1")
    before = snapshot()

    assert_error(book(user_api, other_show, [seats[0]], key="order-1"), 422, "idempotency_key_reused")

    assert snapshot() == before
    assert seat_state(other_show, seats[0]).status == ShowSeat.Status.HELD


def test_idempotency_keys_are_per_user(user_api, other_api, user, other_user, showtime, seats):
    hold(user_api, showtime, [seats[0]])
    hold(other_api, showtime, [seats[1]])
    mine = book(user_api, showtime, [seats[0]], key="shared-key")

    theirs = book(other_api, showtime, [seats[1]], key="shared-key")

    assert theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs
    assert theirs.json()["booking"]["reference"] != mine.json()["booking"]["reference"]
    assert Booking.objects.get(user=other_user).idempotency_key == "shared-key"
    assert Booking.objects.get(user=user).idempotency_key == "shared-key"
    assert seat_state(showtime, seats[1]).status == ShowSeat.Status.BOOKED
    assert_booking_invariants()


def test_idempotency_key_of_a_failed_attempt_can_be_used_again(user_api, showtime, seats):
    assert book(user_api, showtime, [seats[0]], key="try").status_code == 409
    hold(user_api, showtime, [seats[0]])

    assert book(user_api, showtime, [seats[0]], key="try").status_code == 201
    assert_booking_invariants()


def test_without_idempotency_key_a_retry_is_409(user_api, showtime, seats):
    hold(user_api, showtime, [seats[0]])
    book(user_api, showtime, [seats[0]])

    assert_error(book(user_api, showtime, [seats[0]]), 409, "not_held")
    assert Booking.objects.count() == 1


def test_bad_idempotency_key_is_400(user_api, showtime, seats):
    hold(user_api, showtime, [seats[0]])
    before = snapshot()

    for key in ("", "x" * 256):
        assert_error(book(user_api, showtime, [seats[0]], key=key), 400, "invalid")

    assert snapshot() == before
    assert book(user_api, showtime, [seats[0]], key="x" * 255).status_code == 201
