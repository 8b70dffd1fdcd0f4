from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from booking import payments
from booking.exceptions import (
    BoxOfficeUnavailable,
    InvalidWebhook,
    NotHeld,
    OrderExpired,
    OrderNotPayable,
    PaymentDeclined,
    PaymentRequired,
    TicketTypeNotSold,
)
from booking.models import Booking, Order, PaymentEvent, Refund, SeatCategory, ShowSeat, Showtime, TicketType
from booking.payments.base import SIGNATURE_HEADER, sign
from booking.payments.test_provider import ASYNC_SUCCEEDS, DECLINED, SUCCEEDS, TestCardProvider
from booking.services.bookings import confirm_booking
from booking.services.holds import hold_seats
from booking.services.orders import OrderSeat, create_order, handle_payment_webhook, pay_order
from booking.services.pricing import default_ticket_type, set_showtime_prices
from booking.tests.factories import UserFactory
from booking.tests.invariants import assert_booking_invariants

pytestmark = pytest.mark.django_db


def card(number: str) -> payments.Card:
    return payments.Card(number=number, expiry="12/30", cvc="123")


def held_order(user, showtime, seat_ids, ticket_types=None) -> Order:
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=seat_ids)
    ticket_types = ticket_types or {}
    return create_order(
        user=user, showtime_id=showtime.pk, seats=[OrderSeat(seat, ticket_types.get(seat)) for seat in seat_ids]
    )


def deliver(body: bytes) -> str:
    return handle_payment_webhook(provider_name="test", body=body, headers={SIGNATURE_HEADER: sign(body)})


def succeeded_event(order: Order, event_id: str | None = None) -> bytes:
    order.refresh_from_db()
    return TestCardProvider.event_body(
        kind="payment.succeeded", payment_id=order.provider_payment_id, amount=order.total, event_id=event_id
    )


@pytest.fixture
def child(showtime):
    """Standard sells Adult at 10.00 and Child at 6.50 for this showtime."""
    standard = showtime.hall.categories.get()
    child = TicketType.objects.create(name="Child", sort_order=1)
    set_showtime_prices(
        showtime=showtime,
        prices={(standard, default_ticket_type()): Decimal("10.00"), (standard, child): Decimal("6.50")},
    )
    return child


# --- making an order -----------------------------------------------------------------------------------------


def test_an_order_is_made_from_live_holds_at_todays_prices(showtime, seats, user, child):
    order = held_order(user, showtime, seats[:2], {seats[1]: child.pk})

    assert order.status == Order.Status.PENDING
    assert order.total == Decimal("16.50")
    assert order.currency == "EUR"
    assert {(line.seat_id, line.amount) for line in order.lines.all()} == {
        (seats[0], Decimal("10.00")),
        (seats[1], Decimal("6.50")),
    }
    holds = ShowSeat.objects.filter(showtime=showtime, seat_id__in=seats[:2])
    assert order.expires_at == min(hold.held_until for hold in holds)  # never later than a hold

    standard = showtime.hall.categories.get()
    set_showtime_prices(showtime=showtime, prices={(standard, default_ticket_type()): Decimal("12.00")})
    order.refresh_from_db()
    assert order.total == Decimal("16.50")  # a later price change leaves it as ordered
    assert_booking_invariants()


def test_ordering_never_extends_a_hold(showtime, seats, user):
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=[seats[0]])
    before = ShowSeat.objects.get(showtime=showtime, seat_id=seats[0]).held_until

    create_order(user=user, showtime_id=showtime.pk, seats=[OrderSeat(seats[0], None)])

    assert ShowSeat.objects.get(showtime=showtime, seat_id=seats[0]).held_until == before


def test_an_order_needs_the_callers_own_live_holds(showtime, seats, user, other_user):
    hold_seats(user=other_user, showtime_id=showtime.pk, seat_ids=[seats[0]])
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=[seats[1]])

    with pytest.raises(NotHeld) as refused:
        create_order(user=user, showtime_id=showtime.pk, seats=[OrderSeat(seats[0], None), OrderSeat(seats[1], None)])

    assert refused.value.seat_ids == [seats[0]]
    assert not Order.objects.exists()


def test_a_ticket_type_the_showtime_does_not_sell_is_refused(showtime, seats, user):
    student = TicketType.objects.create(name="Student", sort_order=2)
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=[seats[0]])

    with pytest.raises(TicketTypeNotSold):
        create_order(user=user, showtime_id=showtime.pk, seats=[OrderSeat(seats[0], student.pk)])


def test_a_new_order_of_the_same_seats_abandons_the_unpaid_one(showtime, seats, user):
    first = held_order(user, showtime, seats[:2])

    second = create_order(user=user, showtime_id=showtime.pk, seats=[OrderSeat(seats[1], None)])

    first.refresh_from_db()
    assert first.status == Order.Status.ABANDONED
    assert second.status == Order.Status.PENDING
    with pytest.raises(OrderNotPayable):
        pay_order(user=user, reference=first.reference, method="card", card=card(SUCCEEDS))


# --- paying --------------------------------------------------------------------------------------------------


def test_a_good_card_books_the_seats_and_marks_the_order_paid_together(showtime, seats, user, child):
    order = held_order(user, showtime, seats[:2], {seats[0]: child.pk})

    result = pay_order(user=user, reference=order.reference, method="card", card=card(SUCCEEDS))

    paid = result.order
    assert (paid.status, paid.amount_paid, paid.method, paid.provider) == ("paid", Decimal("16.50"), "card", "test")
    assert paid.booking.reference == order.reference
    assert paid.provider_payment_id.startswith("pay_test_")
    assert set(ShowSeat.objects.filter(showtime=showtime, status="booked").values_list("seat_id", flat=True)) == set(
        seats[:2]
    )
    assert_booking_invariants()


def test_a_declined_card_keeps_the_holds_and_the_order_payable(showtime, seats, user):
    order = held_order(user, showtime, seats[:1])

    with pytest.raises(PaymentDeclined) as declined:
        pay_order(user=user, reference=order.reference, method="card", card=card(DECLINED))

    assert declined.value.status_code == 402
    order.refresh_from_db()
    assert (order.status, order.booking_id, order.attempts) == ("pending", None, 1)
    assert ShowSeat.objects.get(showtime=showtime, seat_id=seats[0]).held_by_id == user.pk
    paid = pay_order(user=user, reference=order.reference, method="card", card=card(SUCCEEDS)).order
    assert (paid.status, paid.attempts) == ("paid", 2)
    assert_booking_invariants()


def test_paying_again_changes_nothing(showtime, seats, user):
    provider = payments.provider()
    order = held_order(user, showtime, seats[:1])
    first = pay_order(user=user, reference=order.reference, method="card", card=card(SUCCEEDS)).order

    again = pay_order(user=user, reference=order.reference, method="card", card=card(SUCCEEDS)).order

    assert (again.pk, again.status, again.booking_id) == (first.pk, "paid", first.booking_id)
    assert len(provider.succeeded_charges(order.reference)) == 1
    assert Booking.objects.count() == 1


def test_at_the_box_office_the_order_is_booked_unpaid(showtime, seats, user):
    order = held_order(user, showtime, seats[:2])

    booked = pay_order(user=user, reference=order.reference, method="box_office").order

    assert (booked.status, booked.amount_paid, booked.method) == ("box_office", 0, "box_office")
    assert booked.booking.lines.count() == 2
    assert_booking_invariants()


def test_a_showtime_may_refuse_the_box_office(showtime, seats, user):
    Showtime.objects.filter(pk=showtime.pk).update(box_office_payment=False)
    order = held_order(user, showtime, seats[:1])

    with pytest.raises(BoxOfficeUnavailable):
        pay_order(user=user, reference=order.reference, method="box_office")

    order.refresh_from_db()
    assert order.status == "pending"
    with pytest.raises(PaymentRequired):  # and book-seat, which books at the box office
        confirm_booking(user=user, showtime_id=showtime.pk, seat_ids=seats[:1])


def test_an_order_whose_holds_ran_out_cannot_be_paid(showtime, seats, user):
    order = held_order(user, showtime, seats[:1])
    past = timezone.now() - timedelta(seconds=1)
    ShowSeat.objects.filter(showtime=showtime, seat_id=seats[0]).update(held_until=past)
    Order.objects.filter(pk=order.pk).update(expires_at=past)

    with pytest.raises(OrderExpired):
        pay_order(user=user, reference=order.reference, method="card", card=card(SUCCEEDS))

    order.refresh_from_db()
    assert order.status == "expired"
    assert not payments.provider().succeeded_charges(order.reference)  # nothing was charged


# --- book-seat: a box-office order at the listed prices --------------------------------------------------------


def test_book_seat_records_a_box_office_order_at_the_listed_prices(showtime, seats, user):
    premium = SeatCategory.objects.create(hall=showtime.hall, name="Premium", colour="#aa3377", default_price=14)
    from booking.services.pricing import recategorise_seats

    recategorise_seats(hall=showtime.hall, seat_ids=[seats[1]], category=premium)
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=seats[:2])

    result = confirm_booking(user=user, showtime_id=showtime.pk, seat_ids=seats[:2])

    order = Order.objects.get(booking=result.booking.pk)
    assert (order.reference, order.status, order.method) == (result.booking.reference, "box_office", "box_office")
    assert order.total == Decimal("24.00")
    assert {(line.seat_id, line.amount) for line in order.lines.all()} == {
        (seats[0], Decimal("10.00")),
        (seats[1], Decimal("14.00")),
    }
    assert_booking_invariants()


# --- webhooks and late payments -----------------------------------------------------------------------------


def test_an_asynchronous_payment_is_settled_by_its_signed_webhook_once(showtime, seats, user):
    order = held_order(user, showtime, seats[:1])
    result = pay_order(user=user, reference=order.reference, method="card", card=card(ASYNC_SUCCEEDS))
    assert result.pending
    assert result.order.status == "processing"
    body = succeeded_event(order, event_id="evt_1")

    assert deliver(body) == "applied"
    assert deliver(body) == "duplicate"

    order.refresh_from_db()
    assert order.status == "paid"
    assert PaymentEvent.objects.count() == 1
    assert Booking.objects.count() == 1
    assert_booking_invariants()


def test_a_webhook_with_a_bad_signature_changes_nothing(showtime, seats, user):
    order = held_order(user, showtime, seats[:1])
    pay_order(user=user, reference=order.reference, method="card", card=card(ASYNC_SUCCEEDS))
    body = succeeded_event(order)

    with pytest.raises(InvalidWebhook):
        handle_payment_webhook(provider_name="test", body=body, headers={SIGNATURE_HEADER: sign(b"other")})
    with pytest.raises(InvalidWebhook):
        handle_payment_webhook(provider_name="test", body=body, headers={})

    order.refresh_from_db()
    assert order.status == "processing"
    assert not PaymentEvent.objects.exists()


def test_a_payment_succeeding_after_the_seats_were_resold_is_refunded_in_full(showtime, seats, user, other_user):
    provider = payments.provider()
    order = held_order(user, showtime, seats[:2])
    pay_order(user=user, reference=order.reference, method="card", card=card(ASYNC_SUCCEEDS))
    # The holds run out before the bank answers; someone else buys one of the seats.
    ShowSeat.objects.filter(showtime=showtime, seat_id__in=seats[:2]).update(
        held_until=timezone.now() - timedelta(seconds=1)
    )
    hold_seats(user=other_user, showtime_id=showtime.pk, seat_ids=[seats[1]])
    confirm_booking(user=other_user, showtime_id=showtime.pk, seat_ids=[seats[1]])

    assert deliver(succeeded_event(order)) == "applied"

    order.refresh_from_db()
    assert (order.status, order.amount_paid, order.amount_refunded) == ("refunded", order.total, order.total)
    assert order.booking_id is None
    assert Refund.objects.get(order=order).amount == order.total
    assert (order.provider_payment_id, order.total) in provider.refunds
    assert Booking.objects.filter(user=user).count() == 0  # one sale of each seat, the other buyer's
    assert_booking_invariants()


def test_a_late_payment_is_honoured_while_its_seats_are_still_free(showtime, seats, user):
    order = held_order(user, showtime, seats[:1])
    pay_order(user=user, reference=order.reference, method="card", card=card(ASYNC_SUCCEEDS))
    ShowSeat.objects.filter(showtime=showtime, seat_id=seats[0]).update(
        held_until=timezone.now() - timedelta(seconds=1)
    )

    deliver(succeeded_event(order))

    order.refresh_from_db()
    assert order.status == "paid"
    assert ShowSeat.objects.get(showtime=showtime, seat_id=seats[0]).status == "booked"
    assert_booking_invariants()


def test_a_failed_asynchronous_payment_makes_the_order_payable_again(showtime, seats, user):
    order = held_order(user, showtime, seats[:1])
    pay_order(user=user, reference=order.reference, method="card", card=card(ASYNC_SUCCEEDS))
    order.refresh_from_db()
    body = TestCardProvider.event_body(kind="payment.failed", payment_id=order.provider_payment_id, amount=None)

    deliver(body)

    order.refresh_from_db()
    assert order.status == "pending"
    assert pay_order(user=user, reference=order.reference, method="card", card=card(SUCCEEDS)).order.status == "paid"


def test_another_users_order_is_not_found(showtime, seats, user):
    from booking.exceptions import OrderNotFound

    order = held_order(user, showtime, seats[:1])
    with pytest.raises(OrderNotFound):
        pay_order(user=UserFactory(), reference=order.reference, method="card", card=card(SUCCEEDS))


def test_a_late_payment_whose_refund_cannot_reach_the_provider_is_refunded_later(
    showtime, seats, user, other_user, settings
):
    from booking.services.refunds import send_owed_refunds

    order = held_order(user, showtime, seats[:1])
    pay_order(user=user, reference=order.reference, method="card", card=card(ASYNC_SUCCEEDS))
    ShowSeat.objects.filter(showtime=showtime, seat_id=seats[0]).update(
        held_until=timezone.now() - timedelta(seconds=1)
    )
    hold_seats(user=other_user, showtime_id=showtime.pk, seat_ids=seats[:1])
    confirm_booking(user=other_user, showtime_id=showtime.pk, seat_ids=seats[:1])
    settings.PAYMENT_PROVIDER = "booking.tests.services.test_cancellations.UnreachableRefunds"

    assert deliver(succeeded_event(order)) == "applied"  # no 500: the refund is recorded, owed

    order.refresh_from_db()
    assert (order.status, order.amount_refunded) == ("refunded", order.total)
    assert Refund.objects.get(order=order).provider_refund_id == ""
    assert_booking_invariants()
    settings.PAYMENT_PROVIDER = "booking.payments.test_provider.TestCardProvider"
    assert send_owed_refunds() == 1
    assert Refund.objects.get(order=order).provider_refund_id.startswith("re_test_")
