from booking.api.serializers import isoformat_utc
from booking.models import Booking
from booking.tests.invariants import assert_booking_invariants

from .helpers import BOOKINGS_URL, book, hold


def test_bookings_empty(user_api, db):
    response = user_api.get(BOOKINGS_URL)
    assert response.status_code == 200
    assert response.json() == []


def test_bookings_lists_only_the_callers_bookings(user_api, other_api, showtime, seats):
    hold(user_api, showtime, seats[:2])
    mine = book(user_api, showtime, seats[:2]).json()["booking"]
    hold(other_api, showtime, [seats[5]])
    theirs = book(other_api, showtime, [seats[5]]).json()["booking"]

    my_list = user_api.get(BOOKINGS_URL).json()
    their_list = other_api.get(BOOKINGS_URL).json()

    assert [item["reference"] for item in my_list] == [mine["reference"]]
    assert [item["reference"] for item in their_list] == [theirs["reference"]]
    assert_booking_invariants()


def test_bookings_one_item_per_reference_with_its_show_and_seats(user_api, showtime, seats):
    hold(user_api, showtime, seats[:3])
    first = book(user_api, showtime, [seats[0], seats[2]]).json()["booking"]
    second = book(user_api, showtime, [seats[1]]).json()["booking"]

    items = user_api.get(BOOKINGS_URL).json()

    assert len(items) == 2
    by_reference = {item["reference"]: item for item in items}
    assert set(by_reference) == {first["reference"], second["reference"]}
    item = by_reference[first["reference"]]
    assert item["show_id"] == showtime.pk
    assert item["seat_ids"] == [seats[0], seats[2]]
    assert item["created_at"] == first["created_at"]
    assert item["movie_title"] == showtime.movie.title
    assert item["starts_at"] == isoformat_utc(showtime.starts_at)
    assert item["hall_name"] == showtime.hall.name
    assert item["venue_name"] == showtime.hall.venue.name
    assert item["seats"] == [
        {"id": seats[0], "row": "A", "number": 1, "amount": "10.00", "cancelled_at": None},
        {"id": seats[2], "row": "A", "number": 3, "amount": "10.00", "cancelled_at": None},
    ]
    assert item["payment"] == {  # book-seat: a box-office order at the listed prices
        "status": "box_office",
        "currency": "EUR",
        "total": "20.00",
        "amount_paid": "0.00",
        "amount_refunded": "0.00",
    }
    assert by_reference[second["reference"]]["seat_ids"] == [seats[1]]
    # Newest first.
    assert [i["reference"] for i in items] == [b.reference for b in Booking.objects.order_by("-created_at", "-pk")]
    assert_booking_invariants()


def test_bookings_shows_the_same_reference_as_booking(user_api, showtime, seats):
    hold(user_api, showtime, [seats[0]])
    booked = book(user_api, showtime, [seats[0]], key="k").json()["booking"]
    book(user_api, showtime, [seats[0]], key="k")  # an idempotent replay adds nothing

    items = user_api.get(BOOKINGS_URL).json()

    assert len(items) == 1
    assert {key: items[0][key] for key in booked} == booked
