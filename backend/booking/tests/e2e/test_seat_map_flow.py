"""The seat map in a real headless Chromium against the real app on real PostgreSQL.

Two moviegoers in separate browser contexts: A sees the prices, picks two seats and sees their total, holds
them; B sees them held within one poll and cannot take them; A checks out, to pay at the box office, and both
see the seats booked; A
holds another seat and cancels, and B sees it free again. A seat of a category the showtime does not sell
cannot be picked, and a big hall keeps its prices in view. Screenshots of each step land in test-artifacts/
at the repository root.
"""

import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from booking.models import Booking, Order, Seat, SeatCategory, ShowSeat, ShowtimePrice
from booking.services.pricing import default_ticket_type, recategorise_rows
from booking.tests.conftest import make_showtime, seat_ids_of
from booking.tests.factories import UserFactory
from booking.tests.invariants import assert_booking_invariants

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(settings.REPO_DIR) / "test-artifacts"
PASSWORD = "s3cret-pass-123"  # UserFactory's
ONE_POLL = 2_000  # ms between layout polls in the seat map
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    chromium = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not Path(chromium).exists():
        pytest.fail(f"Chromium not found at {chromium}: `make test` installs it, or set CHROMIUM_PATH")
    if not (Path(settings.FRONTEND_DIST) / "index.html").exists():
        pytest.fail("The seat map is not built: run `make test` (it runs `npm run build`)")
    # Playwright's sync API keeps an event loop in this thread; Django's ORM calls made here while it
    # runs are still synchronous, so its async-safety guard is lifted for these tests only.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_FLAGS)
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


# en-US: prices are formatted by the browser's locale (Intl), so "€20.00" here.
DESKTOP = {"viewport": {"width": 1100, "height": 900}, "locale": "en-US"}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 3,
    "locale": "en-US",
}


def signed_in_page(
    browser: Browser, base_url: str, username: str, device: dict = DESKTOP
) -> tuple[BrowserContext, Page]:
    context = browser.new_context(base_url=base_url, **device)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    try:
        expect(page.get_by_test_id("current-user")).to_have_text(username)
    except AssertionError:
        snap(page, f"login-failed-{username}")
        raise
    return context, page


def seat(page: Page, seat_id: int):
    return page.get_by_test_id(f"seat-{seat_id}")


def snap(page: Page, name: str, full_page: bool = True) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"seat-map-{name}.png"), full_page=full_page)


def csrf_headers(context: BrowserContext) -> dict:
    return {"X-CSRFToken": next(c["value"] for c in context.cookies() if c["name"] == "csrftoken")}


def test_hold_pay_booked_flow_between_two_moviegoers(browser, live_server):
    show = make_showtime(rows=4, seats_per_row=8)
    first, second, third = seat_ids_of(show)[9:12]
    alice, bob = UserFactory(), UserFactory()
    a_context, a_page = signed_in_page(browser, live_server.url, alice.username)
    b_context, b_page = signed_in_page(browser, live_server.url, bob.username)
    try:
        for page in (a_page, b_page):
            page.goto(f"/shows/{show.pk}")
            expect(seat(page, first)).to_have_attribute("data-status", "available")

        # Every hall starts with one "Standard" category at 10.00 EUR: the legend says so, and so do the seats.
        expect(a_page.get_by_test_id("price-legend")).to_have_text("Standard · €10.00")
        expect(a_page.get_by_test_id("price-legend")).to_be_in_viewport()
        expect(seat(a_page, first)).to_have_accessible_name("Row B, seat 2, Standard, €10.00, available")

        # A selects two seats, sees their total, and holds them; the countdown runs from the server's held_until.
        seat(a_page, first).click()
        seat(a_page, second).click()
        expect(a_page.get_by_test_id("selection-total")).to_have_accessible_name("Total for 2 seats: €20.00")
        expect(a_page.get_by_test_id("selection-total")).to_contain_text("€20.00")
        snap(a_page, "0-a-selects")
        a_page.get_by_test_id("hold-button").click()
        expect(seat(a_page, first)).to_have_attribute("data-status", "held-by-me")
        expect(a_page.get_by_test_id("countdown")).to_be_visible()
        expect(a_page.get_by_test_id("selection-total")).to_have_accessible_name("Total for 2 held seats: €20.00")
        snap(a_page, "1-a-holds")

        # B sees them held within one poll, and cannot take them.
        for seat_id in (first, second):
            expect(seat(b_page, seat_id)).to_have_attribute("data-status", "held", timeout=ONE_POLL + 2_000)
        expect(seat(b_page, first)).to_be_disabled()  # aria-disabled: not selectable
        seat(b_page, first).click(force=True)
        expect(seat(b_page, first)).not_to_have_attribute("data-selected", "true")
        refused = b_context.request.post(
            "/api/hold-seat/",
            data={"show_id": show.pk, "seat_ids": [first]},
            headers=csrf_headers(b_context),
        )
        assert refused.status == 409
        assert refused.json()["seat_ids"] == [first]
        snap(b_page, "2-b-sees-held")

        # A checks out, to pay at the box office; both see the seats booked.
        a_page.get_by_test_id("checkout-button").click()
        a_page.get_by_role("radio", name="Pay at the box office").check()
        a_page.get_by_test_id("pay-button").click()
        expect(a_page.get_by_test_id("booking-reference")).to_be_visible()
        expect(a_page.get_by_test_id("order-total")).to_have_text("To pay at the box office when you arrive: €20.00")
        reference = a_page.get_by_test_id("booking-reference").inner_text().strip()
        assert Booking.objects.get(reference=reference).user_id == alice.pk
        assert Order.objects.get(booking__reference=reference).status == Order.Status.BOX_OFFICE
        snap(a_page, "3-a-booked")
        for page, status in ((a_page, "booked-by-me"), (b_page, "booked")):  # A's own seats are marked as A's
            for seat_id in (first, second):
                expect(seat(page, seat_id)).to_have_attribute("data-status", status, timeout=ONE_POLL + 3_000)
        snap(b_page, "4-b-sees-booked")

        # A holds one more seat and cancels; B then sees it free.
        a_page.goto(f"/shows/{show.pk}")
        seat(a_page, third).click()
        a_page.get_by_test_id("hold-button").click()
        expect(seat(a_page, third)).to_have_attribute("data-status", "held-by-me")
        expect(seat(b_page, third)).to_have_attribute("data-status", "held", timeout=ONE_POLL + 2_000)
        a_page.get_by_test_id("cancel-button").click()
        expect(seat(a_page, third)).to_have_attribute("data-status", "available")
        expect(seat(b_page, third)).to_have_attribute("data-status", "available", timeout=ONE_POLL + 2_000)
        snap(b_page, "5-b-sees-released")
    finally:
        a_context.close()
        b_context.close()

    assert ShowSeat.objects.get(showtime=show, seat_id=third).status == ShowSeat.Status.AVAILABLE
    assert_booking_invariants()


def test_a_phone_holds_and_books_the_last_seat_of_a_wide_row(browser, live_server):
    """At 390 px the 25-seat rows are wider than the screen: the far seat is still reachable and tappable,
    and the action bar still drives hold -> checkout -> pay by card -> booked."""
    show = make_showtime(rows=3, seats_per_row=25)
    far = seat_ids_of(show)[24]  # A25, the last seat of the first row
    buyer = UserFactory()
    context, page = signed_in_page(browser, live_server.url, buyer.username, PHONE)
    try:
        page.goto(f"/shows/{show.pk}")
        seat(page, far).scroll_into_view_if_needed()
        seat(page, far).tap()
        page.get_by_test_id("hold-button").tap()
        expect(seat(page, far)).to_have_attribute("data-status", "held-by-me")
        expect(page.get_by_test_id("countdown")).to_be_visible()
        snap(page, "phone-1-holds")
        page.get_by_test_id("checkout-button").tap()
        page.get_by_label("Card number").fill("4242 4242 4242 4242")
        page.get_by_label("Expiry (MM/YY)").fill("12/34")
        page.get_by_label("CVC").fill("123")
        page.get_by_test_id("pay-button").tap()
        expect(page.get_by_test_id("booking-reference")).to_be_visible()
        expect(page.get_by_test_id("order-total")).to_have_text("Total paid: €10.00")
        snap(page, "phone-2-booked")
        reference = page.get_by_test_id("booking-reference").inner_text().strip()
    finally:
        context.close()

    assert Booking.objects.get(reference=reference).user_id == buyer.pk
    assert ShowSeat.objects.get(showtime=show, seat_id=far).status == ShowSeat.Status.BOOKED
    assert_booking_invariants()


def test_a_seat_of_a_category_the_showtime_does_not_sell_cannot_be_picked(browser, live_server):
    """A hall of 40 rows x 25 seats whose front row is VIP, in a showtime whose own price list sells only
    Standard (at 9.50): row A shows as not for sale and cannot be picked, and the price legend stays in
    view however far down the hall the viewer scrolls."""
    show = make_showtime(rows=40, seats_per_row=25)
    vip = SeatCategory.objects.create(
        hall=show.hall, name="VIP", colour="#aa3377", sort_order=1, default_price=Decimal("15.00")
    )
    recategorise_rows(hall=show.hall, rows=["A"], category=vip)
    standard = show.hall.categories.get(name="Standard")
    ShowtimePrice.objects.create(
        showtime=show, category=standard, ticket_type=default_ticket_type(), amount=Decimal("9.50")
    )
    a1, b1 = (Seat.objects.get(hall=show.hall, row=row, number=1).pk for row in ("A", "B"))
    last = Seat.objects.get(hall=show.hall, row="AN", number=25).pk  # the 40th row's last seat
    buyer = UserFactory()
    context, page = signed_in_page(browser, live_server.url, buyer.username)
    try:
        page.goto(f"/shows/{show.pk}")
        legend = page.get_by_test_id("price-legend")
        expect(legend).to_contain_text("Standard · €9.50")
        expect(legend).to_contain_text("VIP · not on sale")
        expect(legend).to_be_in_viewport()

        expect(seat(page, a1)).to_have_attribute("data-status", "not-for-sale")
        expect(seat(page, a1)).to_have_accessible_name("Row A, seat 1, VIP, not for sale")
        expect(seat(page, a1)).to_be_disabled()  # aria-disabled: not selectable
        seat(page, a1).click(force=True)
        expect(seat(page, a1)).not_to_have_attribute("data-selected", "true")
        expect(page.get_by_test_id("hold-button")).to_be_disabled()

        seat(page, b1).click()
        expect(seat(page, b1)).to_have_attribute("data-selected", "true")
        expect(page.get_by_test_id("selection-total")).to_have_accessible_name("Total for 1 seat: €9.50")
        snap(page, "6-not-for-sale", full_page=False)

        # Far down the hall the prices and the total are still on screen.
        seat(page, last).scroll_into_view_if_needed()
        seat(page, last).click()
        expect(legend).to_be_in_viewport()
        expect(page.get_by_test_id("selection-total")).to_be_in_viewport()
        expect(page.get_by_test_id("selection-total")).to_have_accessible_name("Total for 2 seats: €19.00")
        snap(page, "7-big-hall-scrolled", full_page=False)

        # The server agrees: the hold is refused, and nothing is held.
        refused = context.request.post(
            "/api/hold-seat/", data={"show_id": show.pk, "seat_ids": [a1]}, headers=csrf_headers(context)
        )
        assert refused.status == 409
        assert refused.json()["code"] == "category_not_sold"
    finally:
        context.close()

    assert ShowSeat.objects.get(showtime=show, seat_id=a1).status == ShowSeat.Status.AVAILABLE
    assert_booking_invariants()
