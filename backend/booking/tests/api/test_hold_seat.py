from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from booking.api.serializers import isoformat_utc
from booking.models import SeatCategory, ShowSeat
from booking.services.pricing import default_ticket_type, recategorise_seats, set_showtime_prices
from booking.tests.conftest import make_showtime, seat_ids_of
from booking.tests.invariants import assert_booking_invariants

from .helpers import HOLD_URL, assert_error, book, hold, seat_state, snapshot


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_hold_one_seat(user_api, user, showtime, seats, settings):
    started = timezone.now()

    response = user_api.post(HOLD_URL, {"show_id": showtime.pk, "seat_id": seats[3]}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"detail", "held_until", "seat_ids"}
    assert isinstance(body["detail"], str)
    assert body["seat_ids"] == [seats[3]]
    row = seat_state(showtime, seats[3])
    assert row.status == ShowSeat.Status.HELD
    assert row.held_by_id == user.pk
    assert body["held_until"] == isoformat_utc(row.held_until)
    assert body["held_until"].endswith("Z")
    ttl = timedelta(seconds=settings.HOLD_TTL_SECONDS)
    assert started + ttl <= _parse(body["held_until"]) <= timezone.now() + ttl
    assert ShowSeat.objects.filter(showtime=showtime, status="held").count() == 1
    assert_booking_invariants()


def test_hold_several_seats_returns_them_sorted(user_api, user, showtime, seats):
    response = hold(user_api, showtime, [seats[5], seats[1], seats[3]])

    assert response.status_code == 200
    assert response.json()["seat_ids"] == sorted([seats[5], seats[1], seats[3]])
    held = ShowSeat.objects.filter(showtime=showtime, status="held", held_by=user)
    assert sorted(held.values_list("seat_id", flat=True)) == sorted([seats[5], seats[1], seats[3]])
    assert_booking_invariants()


def test_hold_ttl_follows_the_setting(user_api, showtime, seats, settings):
    settings.HOLD_TTL_SECONDS = 42
    started = timezone.now()

    held_until = _parse(hold(user_api, showtime, [seats[0]]).json()["held_until"])

    assert started + timedelta(seconds=42) <= held_until <= timezone.now() + timedelta(seconds=42)


def test_rehold_keeps_the_original_expiry(user_api, showtime, seats):
    first = hold(user_api, showtime, [seats[0]]).json()["held_until"]
    original = seat_state(showtime, seats[0]).held_until

    again = hold(user_api, showtime, [seats[0]])

    assert again.status_code == 200
    assert again.json()["held_until"] == first
    assert seat_state(showtime, seats[0]).held_until == original
    assert_booking_invariants()


def test_hold_adding_seats_reports_the_earliest_expiry(user_api, showtime, seats):
    first = hold(user_api, showtime, [seats[0]]).json()["held_until"]

    response = hold(user_api, showtime, [seats[0], seats[1]])

    assert response.status_code == 200
    assert response.json()["held_until"] == first
    assert seat_state(showtime, seats[1]).held_until >= seat_state(showtime, seats[0]).held_until
    assert_booking_invariants()


def test_hold_seat_held_by_someone_else_is_409(user_api, other_api, other_user, showtime, seats):
    hold(other_api, showtime, [seats[0]])
    before = snapshot()

    body = assert_error(hold(user_api, showtime, [seats[0]]), 409, "seat_unavailable")

    assert body["seat_ids"] == [seats[0]]
    assert snapshot() == before
    assert seat_state(showtime, seats[0]).held_by_id == other_user.pk


def test_hold_of_a_category_the_showtime_does_not_sell_is_409(user_api, showtime, seats):
    vip = SeatCategory.objects.create(hall=showtime.hall, name="VIP", colour="#aa3377", default_price=Decimal(15))
    recategorise_seats(hall=showtime.hall, seat_ids=[seats[1]], category=vip)
    standard = showtime.hall.categories.get(name="Standard")
    set_showtime_prices(showtime=showtime, prices={(standard, default_ticket_type()): Decimal("9.50")})
    before = snapshot()

    body = assert_error(hold(user_api, showtime, [seats[0], seats[1]]), 409, "category_not_sold")

    assert body["seat_ids"] == [seats[1]]
    assert snapshot() == before


def test_hold_is_all_or_nothing(user_api, other_api, showtime, seats):
    hold(other_api, showtime, [seats[2]])
    before = snapshot()

    body = assert_error(hold(user_api, showtime, [seats[0], seats[1], seats[2]]), 409, "seat_unavailable")

    assert body["seat_ids"] == [seats[2]]
    assert snapshot() == before
    assert seat_state(showtime, seats[0]).status == ShowSeat.Status.AVAILABLE


def test_hold_booked_seat_is_409(user_api, other_api, showtime, seats):
    hold(other_api, showtime, [seats[0]])
    book(other_api, showtime, [seats[0]])
    before = snapshot()

    body = assert_error(hold(user_api, showtime, [seats[0], seats[1]]), 409, "seat_unavailable")

    assert body["seat_ids"] == [seats[0]]
    assert snapshot() == before


def test_hold_own_booked_seat_is_409(user_api, showtime, seats):
    hold(user_api, showtime, [seats[0]])
    book(user_api, showtime, [seats[0]])
    before = snapshot()

    body = assert_error(hold(user_api, showtime, [seats[0]]), 409, "seat_unavailable")

    assert body["seat_ids"] == [seats[0]]
    assert snapshot() == before
    assert_booking_invariants()


def test_hold_takes_over_an_expired_hold(user_api, user, other_api, showtime, seats):
    hold(other_api, showtime, [seats[0]])
    ShowSeat.objects.filter(showtime=showtime, seat_id=seats[0]).update(
        held_until=timezone.now() - timedelta(seconds=1)
    )

    response = hold(user_api, showtime, [seats[0]])

    assert response.status_code == 200
    row = seat_state(showtime, seats[0])
    assert row.held_by_id == user.pk
    assert row.held_until > timezone.now()
    assert_booking_invariants()


def test_rehold_of_own_expired_hold_renews_it(user_api, user, showtime, seats):
    hold(user_api, showtime, [seats[0]])
    ShowSeat.objects.filter(showtime=showtime, seat_id=seats[0]).update(
        held_until=timezone.now() - timedelta(seconds=1)
    )

    response = hold(user_api, showtime, [seats[0]])

    assert response.status_code == 200
    assert seat_state(showtime, seats[0]).held_until > timezone.now()
    assert _parse(response.json()["held_until"]) > timezone.now()
    assert_booking_invariants()


def test_hold_limit(user_api, showtime, seats, settings):
    settings.MAX_SEATS_PER_HOLD = 3
    assert hold(user_api, showtime, seats[:2]).status_code == 200
    before = snapshot()

    body = assert_error(hold(user_api, showtime, seats[2:4]), 409, "hold_limit")

    assert body["seat_ids"] == seats[2:4]
    assert snapshot() == before
    assert hold(user_api, showtime, [seats[2]]).status_code == 200
    assert_error(hold(user_api, showtime, [seats[3]]), 409, "hold_limit")
    assert_booking_invariants()


def test_hold_limit_default_is_ten_across_requests(user_api, db):
    showtime = make_showtime(rows=2, seats_per_row=6)
    ids = seat_ids_of(showtime)
    assert hold(user_api, showtime, ids[:6]).status_code == 200
    assert hold(user_api, showtime, ids[6:10]).status_code == 200

    assert_error(hold(user_api, showtime, [ids[10]]), 409, "hold_limit")
    assert ShowSeat.objects.filter(showtime=showtime, status="held").count() == 10


def test_hold_limit_counts_neither_rehold_nor_expired_nor_booked_seats(user_api, showtime, seats, settings):
    settings.MAX_SEATS_PER_HOLD = 2
    hold(user_api, showtime, seats[:2])

    # Holding again what one already holds is not over the limit.
    assert hold(user_api, showtime, seats[:2]).status_code == 200
    # Booked seats no longer count as holds.
    assert book(user_api, showtime, seats[:2]).status_code == 201
    assert hold(user_api, showtime, seats[2:4]).status_code == 200
    # Expired holds do not count either.
    ShowSeat.objects.filter(showtime=showtime, seat_id__in=seats[2:4]).update(
        held_until=timezone.now() - timedelta(seconds=1)
    )
    assert hold(user_api, showtime, seats[4:6]).status_code == 200
    assert_booking_invariants()


def test_hold_limit_is_per_user_and_per_showtime(user_api, other_api, showtime, seats, settings):
    settings.MAX_SEATS_PER_HOLD = 2
    other_show = make_showtime(starts_in=timedelta(days=2), hall=showtime.hall)
    hold(user_api, showtime, seats[:2])

    assert hold(other_api, showtime, seats[2:4]).status_code == 200
    assert hold(user_api, other_show, seats[:2]).status_code == 200
    assert_booking_invariants()


def test_hold_on_started_showtime_is_409(user_api, db):
    started = make_showtime(starts_in=-timedelta(minutes=5))
    before = snapshot()

    assert_error(hold(user_api, started, seat_ids_of(started)[:1]), 409, "show_started")
    assert snapshot() == before


def test_hold_on_the_seat_of_the_same_hall_in_another_showtime_is_independent(user_api, other_api, showtime, seats):
    other_show = make_showtime(starts_in=timedelta(days=2), hall=showtime.hall)
    hold(other_api, showtime, [seats[0]])

    assert hold(user_api, other_show, [seats[0]]).status_code == 200
    assert seat_state(other_show, seats[0]).status == ShowSeat.Status.HELD
    assert_booking_invariants()


def test_hold_uses_the_showtimes_own_hold_ttl(user_api, showtime, seats):
    showtime.hold_ttl_seconds = 7
    showtime.save()
    started = timezone.now()

    response = hold(user_api, showtime, [seats[0]])

    held_until = _parse(response.json()["held_until"])
    assert started + timedelta(seconds=7) <= held_until <= timezone.now() + timedelta(seconds=7)
    assert user_api.get(f"/api/hall-layout/{showtime.pk}/").json()["hold_ttl_seconds"] == 7
    assert_booking_invariants()
