"""The checkout in a real headless Chromium against the real app on real PostgreSQL, with the test payment
provider.

At desktop width a moviegoer picks two Premium seats and one Standard seat and sees their total, holds them,
checks out (keyboard: the heading takes the focus, Escape goes back to the map and the focus to Checkout),
makes the Standard seat a Child ticket and sees the total follow, pays with a card that is declined (and is
told so next to the Pay button, the seats still held), then with a good card on the same order, and sees the
confirmation with the booking reference and the total paid; the map then shows the seats booked and marked
as theirs ("Yours"). Then, in My bookings, they cancel one Premium seat, are told the refund (14.00 EUR) before
confirming and after, and back on the map that seat is available again, the other two still theirs. At 390 px
a phone checks out with the card the bank answers later: "Waiting for your bank…", then the confirmation once
the provider's webhook has arrived. Screenshots land in test-artifacts/ at the repository root.
"""

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from booking.models import Booking, Order, Refund, Seat, SeatCategory, ShowSeat
from booking.services.pricing import default_ticket_type, ensure_ticket_type, recategorise_rows, set_showtime_prices
from booking.tests.conftest import make_showtime
from booking.tests.e2e.test_seat_map_flow import ARTIFACTS, ONE_POLL, PHONE, browser, seat, signed_in_page  # noqa: F401
from booking.tests.factories import UserFactory
from booking.tests.invariants import assert_booking_invariants

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

GOOD_CARD = "4242 4242 4242 4242"
DECLINED_CARD = "4000 0000 0000 0002"
LATER_CARD = "4000 0000 0000 3220"  # 202 now, the provider's webhook a little later


def snap(page: Page, name: str, full_page: bool = True) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"checkout-{name}.png"), full_page=full_page)


def premium_showtime(*, rows: int, seats_per_row: int):
    """A showtime whose hall has Standard (10.00 EUR) and, in row A, Premium (14.00 EUR) seats."""
    show = make_showtime(rows=rows, seats_per_row=seats_per_row)
    premium = SeatCategory.objects.create(
        hall=show.hall, name="Premium", colour="#a855f7", sort_order=1, default_price=Decimal("14.00")
    )
    recategorise_rows(hall=show.hall, rows=["A"], category=premium)
    return show, premium


def seat_id(show, row: str, number: int) -> int:
    return Seat.objects.get(hall=show.hall, row=row, number=number).pk


def fill_card(page: Page, number: str) -> None:
    page.get_by_label("Card number").fill(number)
    page.get_by_label("Expiry (MM/YY)").fill("12/34")
    page.get_by_label("CVC").fill("123")


def test_checkout_declined_then_paid_then_one_seat_cancelled_at_desktop(browser, live_server):  # noqa: F811
    show, premium = premium_showtime(rows=4, seats_per_row=8)
    standard = show.hall.categories.get(name="Standard")
    adult, child = default_ticket_type(), ensure_ticket_type(name="Child", sort_order=5)
    set_showtime_prices(
        showtime=show,
        prices={
            (standard, adult): Decimal("10.00"),
            (standard, child): Decimal("7.50"),
            (premium, adult): Decimal("14.00"),
        },
    )
    chosen = [seat_id(show, "A", 3), seat_id(show, "A", 4), seat_id(show, "B", 4)]
    buyer = UserFactory()
    context, page = signed_in_page(browser, live_server.url, buyer.username)
    try:
        page.goto(f"/shows/{show.pk}")
        legend = page.get_by_test_id("price-legend")
        expect(legend).to_contain_text("Standard · €10.00")
        expect(legend).to_contain_text("Premium · €14.00")

        for seat_pk in chosen:
            seat(page, seat_pk).click()
        expect(page.get_by_test_id("selection-total")).to_have_accessible_name("Total for 3 seats: €38.00")
        page.get_by_test_id("hold-button").click()
        expect(page.get_by_test_id("selection-total")).to_have_accessible_name("Total for 3 held seats: €38.00")

        # The checkout step, by keyboard too: its heading takes the focus, Escape goes back to Checkout.
        page.get_by_test_id("checkout-button").click()
        checkout = page.get_by_test_id("checkout")
        expect(page.get_by_role("heading", name="Checkout")).to_be_focused()
        page.keyboard.press("Escape")
        expect(checkout).to_have_count(0)
        expect(page.get_by_test_id("checkout-button")).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="Checkout")).to_be_focused()

        expect(checkout.get_by_test_id("countdown")).to_be_visible()
        expect(page.get_by_test_id("checkout-total")).to_have_text("€38.00")
        expect(page.get_by_label("Ticket type for A3")).to_have_value(str(adult.pk))
        page.get_by_label("Ticket type for B4").select_option(label="Child · €7.50")
        expect(page.get_by_test_id("checkout-total")).to_have_text("€35.50")
        expect(page.get_by_test_id("pay-button")).to_have_text("Pay €35.50")
        expect(page.get_by_role("radio", name="Pay at the box office")).to_be_visible()
        expect(page.get_by_test_id("test-cards")).to_contain_text("4242 4242 4242 4242")
        fill_card(page, DECLINED_CARD)
        snap(page, "desktop-1-form")

        # Declined: said next to the Pay button; the form and the hold stay.
        page.get_by_test_id("pay-button").click()
        problem = page.get_by_test_id("payment-problem")
        expect(problem).to_contain_text("Your card was declined")
        expect(problem).to_contain_text("Nothing was charged, and your seats stay held until")
        expect(page.get_by_label("Card number")).to_have_value(DECLINED_CARD)
        expect(checkout.get_by_test_id("countdown")).to_be_visible()
        snap(page, "desktop-2-declined")
        assert ShowSeat.objects.filter(showtime=show, seat_id__in=chosen, held_by=buyer).count() == 3

        # A good card pays the same order.
        page.get_by_label("Card number").fill(GOOD_CARD)
        page.get_by_test_id("pay-button").click()
        expect(page.get_by_test_id("booking-reference")).to_be_visible()
        expect(page.get_by_test_id("order-total")).to_have_text("Total paid: €35.50")
        booked_seats = page.get_by_test_id("booked-seats")
        expect(booked_seats).to_contain_text("Row A, seat 3 · Premium · Adult")
        expect(booked_seats).to_contain_text("Row B, seat 4 · Standard · Child")
        reference = page.get_by_test_id("booking-reference").inner_text().strip()
        snap(page, "desktop-3-confirmed")

        # The map marks the three seats as this moviegoer's: not just "booked", and said in the legend.
        for seat_pk in chosen:
            expect(seat(page, seat_pk)).to_have_attribute("data-status", "booked-by-me", timeout=ONE_POLL + 3_000)
        expect(seat(page, chosen[0])).to_have_accessible_name("Row A, seat 3, Premium, €14.00, your seat")
        expect(page.get_by_role("list", name="Seat legend")).to_contain_text("Yours")
        page.get_by_role("button", name="Book more seats").click()  # the confirmation dismissed: the map alone
        expect(seat(page, chosen[2])).to_have_attribute("data-status", "booked-by-me")
        snap(page, "desktop-4-yours")
        page.locator(".seat-map-card").screenshot(path=str(ARTIFACTS / "checkout-desktop-4-yours-map.png"))

        # My bookings: cancel one Premium seat, told the refund before and after confirming.
        page.get_by_role("link", name="My bookings").click()
        card = page.get_by_test_id(f"booking-{reference}")
        expect(card.get_by_test_id("payment-summary")).to_have_text("Total paid: €35.50")
        card.get_by_role("button", name="Cancel seats").click()
        expect(card.get_by_test_id("refund-preview")).to_have_text("You will be refunded €35.50.")
        card.get_by_role("checkbox", name="Row A, seat 4, €14.00").uncheck()
        card.get_by_role("checkbox", name="Row B, seat 4, €7.50").uncheck()
        expect(card.get_by_test_id("refund-preview")).to_have_text("You will be refunded €14.00.")
        card.get_by_role("button", name="Continue").click()
        expect(card.get_by_test_id("confirm-refund")).to_have_text("You will be refunded €14.00.")
        card.get_by_role("button", name="Yes, cancel 1 seat").click()
        expect(card.get_by_test_id("cancel-result")).to_have_text("Cancelled 1 seat; €14.00 refunded.")
        expect(card.get_by_test_id("payment-summary")).to_have_text("Total paid: €35.50 · Refunded so far: €14.00")
        snap(page, "desktop-5-cancelled")

        # Back on the map: the cancelled seat is available again, the other two still this moviegoer's.
        card.get_by_role("link", name="View hall").click()
        expect(seat(page, chosen[0])).to_have_attribute("data-status", "available")
        for seat_pk in chosen[1:]:
            expect(seat(page, seat_pk)).to_have_attribute("data-status", "booked-by-me")
        expect(page.get_by_role("list", name="Seat legend")).to_contain_text("Yours")
        snap(page, "desktop-6-seat-free-again")
    finally:
        context.close()

    booking = Booking.objects.get(reference=reference)
    assert booking.user_id == buyer.pk
    order = Order.objects.get(booking=booking)
    assert (order.total, order.amount_paid, order.attempts) == (Decimal("35.50"), Decimal("35.50"), 2)
    assert order.status == Order.Status.PAID  # two seats still booked
    refund = Refund.objects.get(order=order)
    assert refund.amount == Decimal("14.00")
    assert refund.provider_refund_id  # sent to the provider
    assert ShowSeat.objects.get(showtime=show, seat_id=chosen[0]).status == ShowSeat.Status.AVAILABLE
    assert ShowSeat.objects.filter(showtime=show, seat_id__in=chosen[1:], status=ShowSeat.Status.BOOKED).count() == 2
    assert Order.objects.filter(user=buyer).count() == 1  # the declined card was retried on the same order
    assert {(line.seat_id, line.ticket_type_id) for line in order.lines.all()} == {
        (chosen[0], adult.pk),
        (chosen[1], adult.pk),
        (chosen[2], child.pk),
    }
    assert_booking_invariants()


def test_checkout_at_phone_width_waits_for_the_bank(browser, live_server, settings):  # noqa: F811
    settings.TEST_PAYMENT_WEBHOOK_DELAY = 1.0
    show, _ = premium_showtime(rows=3, seats_per_row=10)
    chosen = [seat_id(show, "A", 5), seat_id(show, "B", 5)]
    buyer = UserFactory()
    context, page = signed_in_page(browser, live_server.url, buyer.username, PHONE)
    try:
        page.goto(f"/shows/{show.pk}")
        for seat_pk in chosen:
            seat(page, seat_pk).scroll_into_view_if_needed()
            seat(page, seat_pk).tap()
        expect(page.get_by_test_id("selection-total")).to_have_accessible_name("Total for 2 seats: €24.00")
        page.get_by_test_id("hold-button").tap()
        expect(seat(page, chosen[0])).to_have_attribute("data-status", "held-by-me")
        page.get_by_test_id("checkout-button").tap()

        # The checkout fits the phone: nothing wider than the screen, the countdown in view.
        expect(page.get_by_test_id("checkout")).to_be_visible()
        expect(page.get_by_test_id("countdown")).to_be_in_viewport()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        expect(page.get_by_test_id("checkout-total")).to_have_text("€24.00")
        fill_card(page, LATER_CARD)
        page.get_by_test_id("pay-button").scroll_into_view_if_needed()
        expect(page.get_by_test_id("pay-button")).to_be_in_viewport()
        snap(page, "phone-1-form")

        page.get_by_test_id("pay-button").tap()
        expect(page.get_by_test_id("payment-waiting")).to_contain_text("Waiting for your bank…")
        snap(page, "phone-2-waiting", full_page=False)
        expect(page.get_by_test_id("booking-reference")).to_be_visible(timeout=15_000)
        expect(page.get_by_test_id("order-total")).to_have_text("Total paid: €24.00")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        snap(page, "phone-3-confirmed")
        reference = page.get_by_test_id("booking-reference").inner_text().strip()
        for seat_pk in chosen:
            expect(seat(page, seat_pk)).to_have_attribute("data-status", "booked-by-me", timeout=ONE_POLL + 3_000)
    finally:
        context.close()

    order = Order.objects.get(booking__reference=reference)
    assert (order.status, order.user_id, order.total) == (Order.Status.PAID, buyer.pk, Decimal("24.00"))
    assert_booking_invariants()
