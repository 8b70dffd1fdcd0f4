"""Money under real concurrency on real PostgreSQL: threads with their own connections, a barrier, then the
database-wide money invariants (assert_booking_invariants includes selectors.audit.money_violations)."""

from collections import Counter

import pytest

from booking import payments
from booking.exceptions import BookingError, PaymentInProgress
from booking.models import Booking, Order, PaymentEvent
from booking.payments.base import SIGNATURE_HEADER, sign
from booking.payments.test_provider import ASYNC_SUCCEEDS, SUCCEEDS, TestCardProvider
from booking.services.holds import hold_seats
from booking.services.orders import OrderSeat, PayResult, create_order, handle_payment_webhook, pay_order
from booking.tests.conftest import make_showtime, seat_ids_of
from booking.tests.factories import UserFactory
from booking.tests.invariants import assert_booking_invariants
from booking.tests.test_concurrency import run_together

pytestmark = pytest.mark.django_db(transaction=True)


def card(number: str) -> payments.Card:
    return payments.Card(number=number, expiry="12/30", cvc="123")


def charged(order: Order) -> list:
    return payments.provider().succeeded_charges(f"{order.reference}-")


def test_fifty_users_racing_hold_order_pay_for_the_same_seats_make_one_paid_order_and_one_charge():
    show = make_showtime()
    wanted = seat_ids_of(show)[:2]
    users = [UserFactory() for _ in range(50)]

    def buy(user):
        hold_seats(user=user, showtime_id=show.pk, seat_ids=wanted)
        order = create_order(user=user, showtime_id=show.pk, seats=[OrderSeat(seat, None) for seat in wanted])
        return pay_order(user=user, reference=order.reference, method="card", card=card(SUCCEEDS))

    results = run_together([lambda u=u: buy(u) for u in users])

    paid = [r for r in results if isinstance(r, PayResult)]
    assert len(paid) == 1
    assert all(isinstance(r, BookingError) and r.status_code == 409 for r in results if r not in paid)
    assert Order.objects.filter(status="paid").count() == 1
    assert Order.objects.count() == 1  # the others never held the seats, so never ordered or paid
    assert [len(charged(order)) for order in Order.objects.all()] == [1]
    assert Booking.objects.count() == 1
    assert_booking_invariants()


def test_the_holder_submitting_payment_twenty_times_at_once_is_charged_once():
    show = make_showtime()
    user = UserFactory()
    seats = seat_ids_of(show)[:3]
    hold_seats(user=user, showtime_id=show.pk, seat_ids=seats)
    order = create_order(user=user, showtime_id=show.pk, seats=[OrderSeat(seat, None) for seat in seats])

    results = run_together(
        [lambda: pay_order(user=user, reference=order.reference, method="card", card=card(SUCCEEDS)) for _ in range(20)]
    )

    kinds = Counter(type(result).__name__ for result in results)
    assert set(kinds) <= {"PayResult", "PaymentInProgress"}, results
    assert all(r.order.status == "paid" for r in results if isinstance(r, PayResult))
    assert kinds["PayResult"] >= 1
    order.refresh_from_db()
    assert (order.status, order.attempts, order.amount_paid) == ("paid", 1, order.total)
    assert charged(order) == [order.total]
    assert Booking.objects.count() == 1
    assert not any(isinstance(r, Exception) and not isinstance(r, PaymentInProgress) for r in results)
    assert_booking_invariants()


def test_a_webhook_replayed_ten_times_at_once_changes_the_order_once():
    show = make_showtime()
    user = UserFactory()
    seats = seat_ids_of(show)[:1]
    hold_seats(user=user, showtime_id=show.pk, seat_ids=seats)
    order = create_order(user=user, showtime_id=show.pk, seats=[OrderSeat(seats[0], None)])
    pay_order(user=user, reference=order.reference, method="card", card=card(ASYNC_SUCCEEDS))
    order.refresh_from_db()
    body = TestCardProvider.event_body(
        kind="payment.succeeded", payment_id=order.provider_payment_id, amount=order.total
    )

    results = run_together(
        [
            lambda: handle_payment_webhook(provider_name="test", body=body, headers={SIGNATURE_HEADER: sign(body)})
            for _ in range(10)
        ]
    )

    assert Counter(results) == {"applied": 1, "duplicate": 9}, results
    order.refresh_from_db()
    assert order.status == "paid"
    assert PaymentEvent.objects.count() == 1
    assert Booking.objects.count() == 1
    assert_booking_invariants()


def test_a_cancellation_racing_a_new_hold_of_the_same_seat_leaves_exactly_one_owner():
    from booking.models import ShowSeat
    from booking.services.cancellations import cancel_booking

    show = make_showtime()
    seats = seat_ids_of(show)
    buyer = UserFactory()
    newcomers = [UserFactory() for _ in range(8)]
    for round_number, newcomer in enumerate(newcomers):
        seat = seats[round_number]
        hold_seats(user=buyer, showtime_id=show.pk, seat_ids=[seat])
        order = create_order(user=buyer, showtime_id=show.pk, seats=[OrderSeat(seat, None)])
        pay_order(user=buyer, reference=order.reference, method="card", card=card(SUCCEEDS))

        cancelled, held = run_together(
            [
                lambda ref=order.reference: cancel_booking(user=buyer, reference=ref),
                lambda n=newcomer, s=seat: hold_seats(user=n, showtime_id=show.pk, seat_ids=[s]),
            ]
        )

        assert not isinstance(cancelled, Exception), cancelled
        state = ShowSeat.objects.get(showtime=show, seat_id=seat)
        if isinstance(held, Exception):  # the hold came first and saw the seat sold
            assert held.code in {"seat_unavailable", "lock_timeout"}
            assert state.status == "available"
        else:  # the hold came after the cancellation: the newcomer owns it, nobody else
            assert (state.status, state.held_by_id) == ("held", newcomer.pk)
        assert_booking_invariants()
