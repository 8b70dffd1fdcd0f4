"""The seat map in a real headless Chromium against the real app on real PostgreSQL.

Two moviegoers in separate browser contexts: A holds, B sees it within one poll and cannot take it;
A confirms and both see the seats booked; A holds another seat and cancels, and B sees it free again.
Screenshots of each step land in test-artifacts/ at the repository root.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from booking.models import Booking, ShowSeat
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


DESKTOP = {"viewport": {"width": 1100, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 3}


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


def snap(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"seat-map-{name}.png"), full_page=True)


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

        # A selects two seats and holds them; the countdown runs from the server's held_until.
        seat(a_page, first).click()
        seat(a_page, second).click()
        a_page.get_by_test_id("hold-button").click()
        expect(seat(a_page, first)).to_have_attribute("data-status", "held-by-me")
        expect(a_page.get_by_test_id("countdown")).to_be_visible()
        snap(a_page, "1-a-holds")

        # B sees them held within one poll, and cannot take them.
        for seat_id in (first, second):
            expect(seat(b_page, seat_id)).to_have_attribute("data-status", "held", timeout=ONE_POLL + 2_000)
        expect(seat(b_page, first)).to_be_disabled()  # aria-disabled: not selectable
        seat(b_page, first).click(force=True)
        expect(seat(b_page, first)).not_to_have_attribute("data-selected", "true")
        csrf = next(c["value"] for c in b_context.cookies() if c["name"] == "csrftoken")
        refused = b_context.request.post(
            "/api/hold-seat/",
            data={"show_id": show.pk, "seat_ids": [first]},
            headers={"X-CSRFToken": csrf},
        )
        assert refused.status == 409
        assert refused.json()["seat_ids"] == [first]
        snap(b_page, "2-b-sees-held")

        # A pays; both see the seats booked.
        a_page.get_by_test_id("confirm-button").click()
        expect(a_page.get_by_test_id("booking-reference")).to_be_visible()
        reference = a_page.get_by_test_id("booking-reference").inner_text().strip()
        assert Booking.objects.get(reference=reference).user_id == alice.pk
        snap(a_page, "3-a-booked")
        for page in (a_page, b_page):
            for seat_id in (first, second):
                expect(seat(page, seat_id)).to_have_attribute("data-status", "booked", timeout=ONE_POLL + 3_000)
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
    and the action bar still drives hold -> pay -> booked."""
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
        page.get_by_test_id("confirm-button").tap()
        expect(page.get_by_test_id("booking-reference")).to_be_visible()
        snap(page, "phone-2-booked")
        reference = page.get_by_test_id("booking-reference").inner_text().strip()
    finally:
        context.close()

    assert Booking.objects.get(reference=reference).user_id == buyer.pk
    assert ShowSeat.objects.get(showtime=show, seat_id=far).status == ShowSeat.Status.BOOKED
    assert_booking_invariants()
