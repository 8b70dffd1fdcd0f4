"""Cancelling booked seats from "My bookings" in a real headless Chromium against the real app on real
PostgreSQL, with the test payment provider.

At desktop width a moviegoer with a paid booking of two seats (10.00 EUR each) sees the seat map with both
booked, opens My bookings and sees what was paid and each seat's price, chooses one seat to cancel and is
told the refund (10.00 EUR) before confirming; once confirmed the seat shows cancelled with the refund, and
the seat map (opened from the booking) shows that seat available again. At 390 px a phone sees its bookings
without scrolling sideways, cancels a whole paid booking (20.00 EUR back), and sees that a booking of a
showtime starting within the cutoff can no longer be cancelled online. Screenshots land in test-artifacts/
at the repository root.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from booking import payments
from booking.models import Booking, Order, Refund, ShowSeat
from booking.services.holds import hold_seats
from booking.services.orders import OrderSeat, create_order, pay_order
from booking.tests.conftest import make_showtime, seat_ids_of
from booking.tests.e2e.test_seat_map_flow import ARTIFACTS, PHONE, browser, seat, signed_in_page  # noqa: F401
from booking.tests.factories import UserFactory
from booking.tests.invariants import assert_booking_invariants

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CARD = payments.Card(number="4242424242424242", expiry="12/30", cvc="123")  # the test provider: succeeds


def snap(page: Page, name: str, full_page: bool = True) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"cancel-{name}.png"), full_page=full_page)


def paid_booking(user, show, seat_ids: list[int]) -> Booking:
    """The user's booking of these seats, paid by card (at the showtime's listed prices)."""
    hold_seats(user=user, showtime_id=show.pk, seat_ids=seat_ids)
    order = create_order(user=user, showtime_id=show.pk, seats=[OrderSeat(seat_id, None) for seat_id in seat_ids])
    order = pay_order(user=user, reference=order.reference, method="card", card=CARD).order
    assert order.status == Order.Status.PAID
    return Booking.objects.get(order=order)


def test_cancel_one_seat_of_a_paid_booking_at_desktop(browser, live_server):  # noqa: F811
    show = make_showtime(rows=3, seats_per_row=6)
    first, second = seat_ids_of(show)[2:4]  # A3, A4: Standard, 10.00 EUR
    buyer = UserFactory()
    booking = paid_booking(buyer, show, [first, second])
    context, page = signed_in_page(browser, live_server.url, buyer.username)
    try:
        # The seat map, seen first (and cached by the app): both seats booked, by this moviegoer.
        page.goto(f"/shows/{show.pk}")
        for seat_id in (first, second):
            expect(seat(page, seat_id)).to_have_attribute("data-status", "booked-by-me")

        # My bookings (in the app, so the seat map's cached layout is still there): what was paid.
        page.get_by_role("link", name="My bookings").click()
        card = page.get_by_test_id(f"booking-{booking.reference}")
        expect(card.get_by_test_id("payment-summary")).to_have_text("Total paid: €20.00")
        expect(card.get_by_test_id(f"booked-seat-{first}")).to_have_text("Row A, seat 3, €10.00")
        expect(card.get_by_test_id(f"booked-seat-{second}")).to_have_text("Row A, seat 4, €10.00")
        snap(page, "1-my-bookings")

        # Cancel one seat: the refund is said before confirming.
        card.get_by_role("button", name="Cancel seats").click()
        expect(card.get_by_role("heading", name="Cancel seats")).to_be_focused()
        expect(card.get_by_test_id("refund-preview")).to_have_text("You will be refunded €20.00.")
        card.get_by_role("checkbox", name="Row A, seat 4, €10.00").uncheck()
        expect(card.get_by_test_id("refund-preview")).to_have_text("You will be refunded €10.00.")
        snap(page, "2-choose")
        card.get_by_role("button", name="Continue").click()
        expect(card.get_by_role("heading", name="Cancel 1 seat?")).to_be_focused()
        expect(card.get_by_test_id("confirm-refund")).to_have_text("You will be refunded €10.00.")
        snap(page, "3-confirm")
        assert not Refund.objects.exists()  # nothing happens before the confirmation
        card.get_by_role("button", name="Yes, cancel 1 seat").click()

        # Done: the refund, the seat cancelled, the other still booked and still cancellable.
        expect(card.get_by_test_id("cancel-result")).to_have_text("Cancelled 1 seat; €10.00 refunded.")
        expect(card.get_by_test_id("cancel-result")).to_be_focused()
        expect(card.get_by_test_id(f"booked-seat-{first}")).to_have_attribute("data-cancelled", "true")
        expect(card.get_by_test_id(f"booked-seat-{first}")).to_contain_text("Cancelled")
        expect(card.get_by_test_id(f"booked-seat-{second}")).to_have_attribute("data-cancelled", "false")
        expect(card.get_by_test_id("payment-summary")).to_have_text("Total paid: €20.00 · Refunded so far: €10.00")
        expect(card.get_by_role("button", name="Cancel seats")).to_be_visible()
        snap(page, "4-cancelled")

        # The seat map of that showtime: the cancelled seat is available again, the other still booked.
        card.get_by_role("link", name="View hall").click()
        expect(seat(page, first)).to_have_attribute("data-status", "available")
        expect(seat(page, second)).to_have_attribute("data-status", "booked-by-me")
        snap(page, "5-seat-free-again")
    finally:
        context.close()

    refund = Refund.objects.get(order__booking=booking)
    assert refund.amount == Decimal("10.00")
    assert refund.provider_refund_id  # sent to the provider
    assert ShowSeat.objects.get(showtime=show, seat_id=first).status == ShowSeat.Status.AVAILABLE
    assert ShowSeat.objects.get(showtime=show, seat_id=second).status == ShowSeat.Status.BOOKED
    assert_booking_invariants()


def test_a_phone_cancels_a_whole_booking_and_sees_when_it_is_too_late(browser, live_server):  # noqa: F811
    buyer = UserFactory()
    show = make_showtime(rows=3, seats_per_row=6)
    seats = seat_ids_of(show)[:2]
    booking = paid_booking(buyer, show, seats)
    soon = make_showtime(rows=2, seats_per_row=4, starts_in=timedelta(hours=1))  # within the 2-hour cutoff
    late = paid_booking(buyer, soon, seat_ids_of(soon)[:1])
    context, page = signed_in_page(browser, live_server.url, buyer.username, PHONE)
    try:
        page.goto("/bookings")
        card = page.get_by_test_id(f"booking-{booking.reference}")
        expect(card.get_by_test_id("payment-summary")).to_have_text("Total paid: €20.00")
        late_card = page.get_by_test_id(f"booking-{late.reference}")
        expect(late_card.get_by_test_id("cancellation-closed")).to_have_text(
            "Cancellation closed (ask at the box office)."
        )
        expect(late_card.get_by_role("button", name="Cancel seats")).to_have_count(0)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
        snap(page, "phone-1-bookings")

        card.get_by_role("button", name="Cancel seats").tap()
        expect(card.get_by_test_id("refund-preview")).to_have_text("You will be refunded €20.00.")
        card.get_by_role("button", name="Continue").tap()
        expect(card.get_by_role("button", name="Yes, cancel 2 seats")).to_be_in_viewport()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        snap(page, "phone-2-confirm")
        card.get_by_role("button", name="Yes, cancel 2 seats").tap()

        expect(card.get_by_test_id("cancel-result")).to_have_text("Cancelled 2 seats; €20.00 refunded.")
        expect(card.get_by_test_id("payment-summary")).to_have_text("Total paid: €20.00 · Refunded: €20.00")
        expect(card.get_by_role("button", name="Cancel seats")).to_have_count(0)  # nothing left to cancel
        expect(card.get_by_role("heading", level=2)).to_contain_text("Cancelled")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        snap(page, "phone-3-cancelled")
    finally:
        context.close()

    assert Order.objects.get(booking=booking).status == Order.Status.CANCELLED
    assert Order.objects.get(booking=late).status == Order.Status.PAID
    assert set(ShowSeat.objects.filter(showtime=show, seat_id__in=seats).values_list("status", flat=True)) == {
        ShowSeat.Status.AVAILABLE
    }
    assert_booking_invariants()
