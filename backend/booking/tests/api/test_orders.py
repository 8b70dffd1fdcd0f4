from decimal import Decimal

import pytest

from booking.models import Order, Showtime
from booking.payments.base import SIGNATURE_HEADER, sign
from booking.payments.test_provider import ASYNC_SUCCEEDS, DECLINED, SUCCEEDS, TestCardProvider
from booking.tests.invariants import assert_booking_invariants

from .helpers import BOOK_URL, assert_error, hold, snapshot

ORDERS_URL = "/api/orders/"
GOOD_CARD = {"number": "4242 4242 4242 4242", "expiry": "12/30", "cvc": "123"}


def order_url(reference: str) -> str:
    return f"{ORDERS_URL}{reference}/"


def make_order(client, showtime, seat_ids, **body):
    hold(client, showtime, seat_ids)
    response = client.post(
        ORDERS_URL, {"show_id": showtime.pk, "seats": [{"seat_id": seat} for seat in seat_ids], **body}, format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def pay(client, reference, number=None, method="card"):
    body = {"method": method}
    if number is not None:
        body["card"] = {**GOOD_CARD, "number": number}
    return client.post(f"{order_url(reference)}pay/", body, format="json")


def test_an_order_answers_its_lines_total_and_expiry(user_api, showtime, seats):
    body = make_order(user_api, showtime, seats[:2])

    assert body["status"] == "pending"
    assert (body["currency"], body["total"], body["amount_paid"], body["amount_refunded"]) == (
        "EUR",
        "20.00",
        "0.00",
        "0.00",
    )
    assert body["booking_reference"] is None
    assert [(line["seat_id"], line["ticket_type"], line["amount"]) for line in body["lines"]] == [
        (seats[0], "Adult", "10.00"),
        (seats[1], "Adult", "10.00"),
    ]
    assert user_api.get(order_url(body["reference"])).json() == body


def test_an_order_of_seats_not_held_is_409_and_changes_nothing(user_api, showtime, seats):
    before = snapshot()

    response = user_api.post(ORDERS_URL, {"show_id": showtime.pk, "seats": [{"seat_id": seats[0]}]}, format="json")

    body = assert_error(response, 409, "not_held")
    assert body["seat_ids"] == [seats[0]]
    assert snapshot() == before
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"show_id": 1, "seats": []},
        {"show_id": 1, "seats": [{"seat_id": 1}, {"seat_id": 1}]},
        {"show_id": 1, "seats": [{"seat_id": "1"}]},
        {"show_id": 1, "seats": [{"seat_id": 1, "ticket_type_id": 1.5}]},
        {"show_id": 1},
    ],
)
def test_a_malformed_order_is_400_naming_the_field(user_api, db, body):
    response = user_api.post(ORDERS_URL, body, format="json")

    assert response.status_code == 400
    assert set(response.json()["errors"]) <= {"seats", "show_id"}
    assert not Order.objects.exists()


def test_someone_elses_order_is_404(user_api, other_api, showtime, seats):
    reference = make_order(user_api, showtime, seats[:1])["reference"]

    assert_error(other_api.get(order_url(reference)), 404, "order_not_found")
    assert_error(pay(other_api, reference, SUCCEEDS), 404, "order_not_found")


def test_paying_with_a_good_card_books_the_seats(user_api, showtime, seats):
    reference = make_order(user_api, showtime, seats[:2])["reference"]

    response = pay(user_api, reference, GOOD_CARD["number"])

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["amount_paid"], body["booking_reference"]) == ("paid", "20.00", reference)
    bookings = user_api.get("/api/bookings/").json()
    assert [booking["reference"] for booking in bookings] == [reference]
    assert_booking_invariants()


def test_a_declined_card_is_402_and_the_order_stays_payable(user_api, showtime, seats):
    reference = make_order(user_api, showtime, seats[:1])["reference"]

    assert_error(pay(user_api, reference, DECLINED), 402, "payment_declined")

    assert user_api.get(order_url(reference)).json()["status"] == "pending"
    assert pay(user_api, reference, SUCCEEDS).json()["status"] == "paid"


def test_paying_at_the_box_office_and_where_it_is_not_offered(user_api, showtime, seats):
    reference = make_order(user_api, showtime, seats[:1])["reference"]
    assert pay(user_api, reference, method="box_office").json()["status"] == "box_office"

    Showtime.objects.filter(pk=showtime.pk).update(box_office_payment=False)
    other = make_order(user_api, showtime, seats[1:2])["reference"]
    assert_error(pay(user_api, other, method="box_office"), 409, "box_office_unavailable")
    hold(user_api, showtime, seats[2:3])
    response = user_api.post(BOOK_URL, {"show_id": showtime.pk, "seat_ids": seats[2:3]}, format="json")
    assert_error(response, 402, "payment_required")


def test_card_is_required_to_pay_by_card(user_api, showtime, seats):
    reference = make_order(user_api, showtime, seats[:1])["reference"]

    assert pay(user_api, reference).json()["errors"] == {"card": ["Required to pay by card."]}
    response = user_api.post(
        f"{order_url(reference)}pay/", {"method": "card", "card": {**GOOD_CARD, "number": "42"}}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"card"}
    assert user_api.get(order_url(reference)).json()["status"] == "pending"


def test_an_asynchronous_card_answers_202_then_its_webhook_settles_it(user_api, api, showtime, seats):
    reference = make_order(user_api, showtime, seats[:1])["reference"]

    response = pay(user_api, reference, ASYNC_SUCCEEDS)
    assert response.status_code == 202
    assert response.json()["status"] == "processing"
    assert_error(pay(user_api, reference, SUCCEEDS), 409, "payment_in_progress")

    payment_id = Order.objects.get(reference=reference).provider_payment_id
    body = TestCardProvider.event_body(kind="payment.succeeded", payment_id=payment_id, amount=Decimal("10.00"))
    webhook = "/api/payments/webhook/test/"
    signed = {SIGNATURE_HEADER: sign(body)}
    assert_error(
        api.post(webhook, body, content_type="application/json", headers={SIGNATURE_HEADER: "t=1,v1=00"}),
        400,
        "invalid_webhook",
    )
    first = api.post(webhook, body, content_type="application/json", headers=signed)
    again = api.post(webhook, body, content_type="application/json", headers=signed)

    assert (first.status_code, first.json()["detail"]) == (200, "applied")
    assert (again.status_code, again.json()["detail"]) == (200, "duplicate")
    assert user_api.get(order_url(reference)).json()["status"] == "paid"
    assert_error(
        api.post("/api/payments/webhook/stripe/", body, content_type="application/json", headers=signed),
        404,
        "order_not_found",
    )
    assert_booking_invariants()
