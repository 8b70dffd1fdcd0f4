from datetime import timedelta

from django.utils import timezone

from booking.models import Showtime
from booking.tests.invariants import assert_booking_invariants

from .helpers import BOOKINGS_URL, assert_error, hold, layout_url

GOOD_CARD = {"number": "4242424242424242", "expiry": "12/30", "cvc": "123"}


def buy(client, showtime, seat_ids) -> str:
    hold(client, showtime, seat_ids)
    order = client.post(
        "/api/orders/", {"show_id": showtime.pk, "seats": [{"seat_id": s} for s in seat_ids]}, format="json"
    ).json()
    paid = client.post(f"/api/orders/{order['reference']}/pay/", {"method": "card", "card": GOOD_CARD}, format="json")
    assert paid.status_code == 200, paid.content
    return order["reference"]


def cancel(client, reference, body=None):
    return client.post(f"{BOOKINGS_URL}{reference}/cancel/", body or {}, format="json")


def test_my_bookings_show_what_was_paid_and_until_when_it_can_be_cancelled(user_api, showtime, seats):
    reference = buy(user_api, showtime, seats[:2])

    booking = user_api.get(BOOKINGS_URL).json()[0]

    assert booking["payment"] == {
        "status": "paid",
        "currency": "EUR",
        "total": "20.00",
        "amount_paid": "20.00",
        "amount_refunded": "0.00",
    }
    assert [(seat["amount"], seat["cancelled_at"]) for seat in booking["seats"]] == [("10.00", None)] * 2
    assert booking["reference"] == reference
    assert booking["cancellable_until"] < booking["starts_at"]


def test_cancelling_one_seat_refunds_it_and_frees_it_on_the_map(user_api, other_api, showtime, seats):
    reference = buy(user_api, showtime, seats[:2])

    response = cancel(user_api, reference, {"seat_ids": [seats[1]]})

    assert response.status_code == 200
    assert response.json() == {"detail": "Cancelled.", "seat_ids": [seats[1]], "refund": "10.00", "currency": "EUR"}
    booking = user_api.get(BOOKINGS_URL).json()[0]
    assert booking["seat_ids"] == [seats[0]]
    assert booking["payment"]["amount_refunded"] == "10.00"
    assert [seat["cancelled_at"] is not None for seat in booking["seats"]] == [False, True]
    freed = next(seat for seat in other_api.get(layout_url(showtime.pk)).json()["seats"] if seat["id"] == seats[1])
    assert freed["status"] == "available"
    assert hold(other_api, showtime, [seats[1]]).status_code == 200  # and can be sold again
    assert cancel(user_api, reference, {"seat_ids": [seats[1]]}).json()["refund"] == "0.00"  # twice: nothing
    assert_booking_invariants()


def test_cancelling_too_late_someone_elses_or_unknown_is_refused(user_api, other_api, showtime, seats):
    reference = buy(user_api, showtime, seats[:1])

    assert_error(cancel(other_api, reference), 404, "booking_not_found")
    assert_error(cancel(user_api, "NOSUCHREF0"), 404, "booking_not_found")
    assert_error(cancel(user_api, reference, {"seat_ids": [seats[3]]}), 404, "seat_not_found")
    Showtime.objects.filter(pk=showtime.pk).update(starts_at=timezone.now() + timedelta(minutes=30))
    assert_error(cancel(user_api, reference), 409, "cancellation_closed")
    assert user_api.get(BOOKINGS_URL).json()[0]["seat_ids"] == seats[:1]
