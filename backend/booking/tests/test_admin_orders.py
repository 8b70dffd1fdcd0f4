"""The admin's view of orders and money: orders with their lines and refunds, revenue per showtime, the
box-office switch."""

from decimal import Decimal

import pytest
from django.urls import reverse

from booking import payments
from booking.models import Order, Showtime
from booking.payments.test_provider import SUCCEEDS
from booking.services.holds import hold_seats
from booking.services.orders import OrderSeat, create_order, pay_order
from booking.tests.test_admin import _showtime_change_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_order(showtime, seats, user):
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=seats[:2])
    order = create_order(user=user, showtime_id=showtime.pk, seats=[OrderSeat(s, None) for s in seats[:2]])
    card = payments.Card(number=SUCCEEDS, expiry="12/30", cvc="123")
    return pay_order(user=user, reference=order.reference, method="card", card=card).order


def test_orders_are_listed_with_their_money_and_shown_read_only(admin_client, paid_order):
    listing = admin_client.get(reverse("admin:booking_order_changelist"))
    assert listing.status_code == 200
    assert paid_order.reference in listing.content.decode()
    assert "€20.00" in listing.content.decode()

    page = admin_client.get(reverse("admin:booking_order_change", args=[paid_order.pk]))
    assert page.status_code == 200
    assert paid_order.provider_payment_id in page.content.decode()
    assert admin_client.get(reverse("admin:booking_order_add")).status_code == 403
    assert (
        admin_client.post(reverse("admin:booking_order_delete", args=[paid_order.pk]), {"post": "yes"}).status_code
        == 403
    )


def test_the_showtime_list_shows_revenue(admin_client, paid_order, showtime):
    response = admin_client.get(reverse("admin:booking_showtime_changelist"))

    shown = next(row for row in response.context["cl"].result_list if row.pk == showtime.pk)
    assert shown.revenue == Decimal("20.00")
    assert "€20.00" in response.content.decode()


def test_the_box_office_can_be_turned_off_per_showtime(admin_client, showtime):
    url = reverse("admin:booking_showtime_change", args=[showtime.pk])

    response = admin_client.post(url, _showtime_change_form(admin_client, showtime, box_office_payment=False))

    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    assert Showtime.objects.get(pk=showtime.pk).box_office_payment is False


def test_staff_cancel_bookings_with_a_reason_and_see_the_refund(admin_client, paid_order, showtime):
    url = reverse("admin:booking_booking_changelist")
    action = {"action": "cancel_selected", "_selected_action": [paid_order.booking_id]}

    refused = admin_client.post(url, action, follow=True)
    assert "Give a reason" in refused.content.decode()
    assert Order.objects.get(pk=paid_order.pk).status == "paid"

    done = admin_client.post(url, {**action, "reason": "projector broken"}, follow=True)

    assert "Cancelled 2 seats; refunded 20.00" in done.content.decode()
    order = Order.objects.get(pk=paid_order.pk)
    assert (order.status, order.amount_refunded) == ("cancelled", Decimal("20.00"))
    refunds = admin_client.get(reverse("admin:booking_refund_changelist"), {"owed": "no"})
    assert "Staff: projector broken" in refunds.content.decode()
