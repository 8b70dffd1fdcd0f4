from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from booking import payments
from booking.exceptions import BookingNotFound, CancellationClosed, SeatNotFound
from booking.models import (
    BookingSeat,
    LayoutVersion,
    Order,
    OrderLine,
    Refund,
    SeatEvent,
    ShowSeat,
    Showtime,
    TicketType,
)
from booking.payments.base import ProviderError
from booking.payments.test_provider import SUCCEEDS, TestCardProvider
from booking.services.bookings import confirm_booking
from booking.services.cancellations import cancel_booking, cancel_booking_by_staff
from booking.services.holds import hold_seats
from booking.services.orders import OrderSeat, create_order, pay_order
from booking.services.pricing import default_ticket_type, set_showtime_prices
from booking.services.refunds import send_owed_refunds
from booking.tests.invariants import assert_booking_invariants

pytestmark = pytest.mark.django_db


def paid(user, showtime, seat_ids, ticket_types=None) -> Order:
    ticket_types = ticket_types or {}
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=seat_ids)
    order = create_order(
        user=user, showtime_id=showtime.pk, seats=[OrderSeat(seat, ticket_types.get(seat)) for seat in seat_ids]
    )
    card = payments.Card(number=SUCCEEDS, expiry="12/30", cvc="123")
    return pay_order(user=user, reference=order.reference, method="card", card=card).order


def layout_version(showtime) -> int:
    return sum(LayoutVersion.objects.filter(showtime=showtime).values_list("version", flat=True))


class UnreachableRefunds(TestCardProvider):
    """The test provider, except that its refunds cannot reach the bank."""

    def refund(self, **kwargs):
        raise ProviderError("down")


def test_cancelling_a_paid_booking_puts_the_seats_back_on_sale_and_refunds_it_all(showtime, seats, user):
    order = paid(user, showtime, seats[:2])
    version = layout_version(showtime)

    result = cancel_booking(user=user, reference=order.reference)

    assert (sorted(result.seat_ids), result.refund, result.currency) == (sorted(seats[:2]), Decimal("20.00"), "EUR")
    order.refresh_from_db()
    assert (order.status, order.amount_paid, order.amount_refunded) == ("cancelled", Decimal("20.00"), Decimal("20.00"))
    refund = Refund.objects.get(order=order)
    assert refund.amount == Decimal("20.00")
    assert refund.provider_refund_id.startswith("re_test_")
    assert (order.provider_payment_id, Decimal("20.00")) in payments.provider().refunds
    assert set(ShowSeat.objects.filter(showtime=showtime, seat_id__in=seats[:2]).values_list("status", flat=True)) == {
        "available"
    }
    assert SeatEvent.objects.filter(showtime=showtime, event="cancelled").count() == 2
    assert layout_version(showtime) > version  # the seat map's ETag moves
    assert_booking_invariants()


def test_a_partial_cancellation_refunds_exactly_the_cancelled_lines(showtime, seats, user):
    standard = showtime.hall.categories.get()
    child = TicketType.objects.create(name="Child", sort_order=1)
    set_showtime_prices(
        showtime=showtime,
        prices={(standard, default_ticket_type()): Decimal("10.00"), (standard, child): Decimal("6.50")},
    )
    order = paid(user, showtime, seats[:3], {seats[1]: child.pk})

    result = cancel_booking(user=user, reference=order.reference, seat_ids=[seats[1], seats[2]])

    assert result.refund == Decimal("16.50")
    order.refresh_from_db()
    assert (order.status, order.amount_refunded) == ("paid", Decimal("16.50"))
    cancelled = OrderLine.objects.filter(order=order, cancelled_at__isnull=False)
    assert sum(line.amount for line in cancelled) == order.amount_refunded
    assert ShowSeat.objects.get(showtime=showtime, seat_id=seats[0]).status == "booked"
    assert_booking_invariants()


def test_cancelling_twice_changes_nothing_the_second_time(showtime, seats, user):
    order = paid(user, showtime, seats[:2])
    cancel_booking(user=user, reference=order.reference, seat_ids=[seats[0]])
    before = (list(Refund.objects.values()), list(SeatEvent.objects.values()), layout_version(showtime))

    again = cancel_booking(user=user, reference=order.reference, seat_ids=[seats[0]])

    assert (again.seat_ids, again.refund) == ([], Decimal(0))
    assert (list(Refund.objects.values()), list(SeatEvent.objects.values()), layout_version(showtime)) == before


def test_after_the_cutoff_only_staff_can_cancel(showtime, seats, user, admin_user):
    order = paid(user, showtime, seats[:1])
    Showtime.objects.filter(pk=showtime.pk).update(starts_at=timezone.now() + timedelta(minutes=90))

    with pytest.raises(CancellationClosed):  # the default cutoff: 2 hours
        cancel_booking(user=user, reference=order.reference)
    Showtime.objects.filter(pk=showtime.pk).update(cancellation_cutoff_minutes=60)
    cancel_booking(user=user, reference=order.reference)  # this showtime's own cutoff: 1 hour

    other = paid(user, showtime, seats[1:2])
    Showtime.objects.filter(pk=showtime.pk).update(starts_at=timezone.now() + timedelta(minutes=5))
    result = cancel_booking_by_staff(staff_user=admin_user, booking=other.booking, reason="projector broken")
    assert result.refund == Decimal("10.00")
    assert Refund.objects.get(order=other).reason == "Staff: projector broken"
    assert_booking_invariants()


def test_a_box_office_booking_is_cancelled_with_nothing_to_refund(showtime, seats, user):
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=seats[:1])
    booking = confirm_booking(user=user, showtime_id=showtime.pk, seat_ids=seats[:1]).booking

    result = cancel_booking(user=user, reference=booking.reference)

    assert result.refund == 0
    assert not Refund.objects.exists()
    assert Order.objects.get(booking=booking.pk).status == "cancelled"
    assert_booking_invariants()


def test_a_cancelled_seat_can_be_sold_again_and_the_earlier_sale_stays_on_record(showtime, seats, user, other_user):
    first = paid(user, showtime, seats[:1])
    cancel_booking(user=user, reference=first.reference)

    second = paid(other_user, showtime, seats[:1])

    lines = BookingSeat.objects.filter(show_seat__showtime=showtime, show_seat__seat_id=seats[0]).order_by("pk")
    assert [(line.booking.reference, line.cancelled_at is None) for line in lines] == [
        (first.reference, False),
        (second.reference, True),
    ]
    assert_booking_invariants()


def test_only_the_owner_cancels_and_only_seats_of_the_booking(showtime, seats, user, other_user):
    order = paid(user, showtime, seats[:1])

    with pytest.raises(BookingNotFound):
        cancel_booking(user=other_user, reference=order.reference)
    with pytest.raises(SeatNotFound) as refused:
        cancel_booking(user=user, reference=order.reference, seat_ids=[seats[0], seats[5]])
    assert refused.value.seat_ids == [seats[5]]
    assert ShowSeat.objects.get(showtime=showtime, seat_id=seats[0]).status == "booked"


def test_a_refund_the_provider_could_not_take_stays_owed_until_sent(showtime, seats, user, settings):
    order = paid(user, showtime, seats[:1])
    settings.PAYMENT_PROVIDER = f"{__name__}.UnreachableRefunds"

    cancel_booking(user=user, reference=order.reference)

    refund = Refund.objects.get(order=order)
    assert refund.provider_refund_id == ""  # recorded with the cancellation, owed
    settings.PAYMENT_PROVIDER = "booking.payments.test_provider.TestCardProvider"
    assert send_owed_refunds() == 1
    refund.refresh_from_db()
    assert refund.provider_refund_id.startswith("re_test_")
    assert send_owed_refunds() == 0
