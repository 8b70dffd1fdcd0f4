from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from booking.api.serializers import isoformat_utc
from booking.models import SeatCategory, ShowSeat, TicketType
from booking.services.pricing import default_ticket_type, set_showtime_prices
from booking.services.showtimes import create_showtime
from booking.tests.conftest import make_showtime, seat_ids_of
from booking.tests.factories import HallFactory, MovieFactory
from booking.tests.invariants import assert_booking_invariants

from .helpers import SHOWS_URL, book, hold


def _show(response, showtime) -> dict:
    matches = [item for item in response.json() if item["id"] == showtime.pk]
    assert len(matches) == 1, response.json()
    return matches[0]


def test_shows_lists_upcoming_showtime_with_its_details(api, showtime):
    response = api.get(SHOWS_URL)

    assert response.status_code == 200
    item = _show(response, showtime)
    hall, venue, movie = showtime.hall, showtime.hall.venue, showtime.movie
    assert item == {
        "id": showtime.pk,
        "movie": {"id": movie.pk, "title": movie.title, "duration_minutes": movie.duration_minutes},
        "hall": {"id": hall.pk, "name": hall.name},
        "venue": {"id": venue.pk, "name": venue.name, "city": venue.city, "time_zone": "UTC"},
        "starts_at": isoformat_utc(showtime.starts_at),
        "ends_at": isoformat_utc(showtime.ends_at),
        "counts": {"available": 12, "held": 0, "booked": 0},
        "price_range": {"currency": "EUR", "min": "10.00", "max": "10.00"},
    }
    assert item["starts_at"].endswith("Z")


def test_shows_anonymous_and_authenticated_see_the_same(api, user_api, showtime):
    assert api.get(SHOWS_URL).json() == user_api.get(SHOWS_URL).json()


def test_shows_exclude_past_and_started_showtimes(api, db):
    upcoming = make_showtime(starts_in=timedelta(hours=2))
    started = make_showtime(starts_in=-timedelta(minutes=5))
    past = make_showtime(starts_in=-timedelta(days=2))

    ids = [item["id"] for item in api.get(SHOWS_URL).json()]

    assert upcoming.pk in ids
    assert started.pk not in ids
    assert past.pk not in ids


def test_shows_are_soonest_first(api, db):
    later = make_showtime(starts_in=timedelta(days=3))
    sooner = make_showtime(starts_in=timedelta(hours=3))
    middle = make_showtime(starts_in=timedelta(days=1))

    ids = [item["id"] for item in api.get(SHOWS_URL).json()]

    assert ids == [sooner.pk, middle.pk, later.pk]


def test_shows_empty(api, db):
    response = api.get(SHOWS_URL)
    assert response.status_code == 200
    assert response.json() == []


def test_shows_counts_reflect_holds_and_bookings(api, user_api, other_api, showtime, seats):
    assert hold(user_api, showtime, seats[:3]).status_code == 200
    assert book(user_api, showtime, seats[:2]).status_code == 201
    assert hold(other_api, showtime, seats[5:7]).status_code == 200

    counts = _show(api.get(SHOWS_URL), showtime)["counts"]

    assert counts == {"available": 12 - 3 - 2, "held": 3, "booked": 2}
    assert_booking_invariants()


def test_shows_count_an_expired_hold_as_available(api, user_api, showtime, seats):
    hold(user_api, showtime, seats[:2])
    ShowSeat.objects.filter(showtime=showtime, seat_id=seats[0]).update(
        held_until=timezone.now() - timedelta(seconds=1)
    )

    counts = _show(api.get(SHOWS_URL), showtime)["counts"]

    assert counts == {"available": 11, "held": 1, "booked": 0}
    assert_booking_invariants()


def test_shows_counts_are_per_showtime(api, user_api, showtime, seats):
    other = make_showtime(starts_in=timedelta(days=2), rows=1, seats_per_row=5)
    hold(user_api, showtime, seats[:4])

    body = api.get(SHOWS_URL)
    assert _show(body, showtime)["counts"] == {"available": 8, "held": 4, "booked": 0}
    assert _show(body, other)["counts"] == {"available": 5, "held": 0, "booked": 0}
    assert len(seat_ids_of(other)) == 5


def test_shows_carry_the_price_range_of_what_they_sell(api, showtime):
    standard = showtime.hall.categories.get()
    child = TicketType.objects.create(name="Child", sort_order=1)
    SeatCategory.objects.create(hall=showtime.hall, name="VIP", colour="#aa3377", default_price=Decimal(30))
    set_showtime_prices(
        showtime=showtime, prices={(standard, default_ticket_type()): Decimal("9.5"), (standard, child): Decimal(6)}
    )

    assert _show(api.get(SHOWS_URL), showtime)["price_range"] == {"currency": "EUR", "min": "6.00", "max": "9.50"}


def test_a_show_in_a_hall_without_seats_sells_nothing(api, db):
    showtime = create_showtime(hall=HallFactory(), movie=MovieFactory(), starts_at=timezone.now() + timedelta(days=1))

    assert _show(api.get(SHOWS_URL), showtime)["price_range"] is None
