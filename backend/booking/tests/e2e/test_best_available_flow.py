"""Best available, the drawn hall plan and the no-single-seat rule in a real headless Chromium against the real
app on real PostgreSQL.

Each test builds its own showtime in a hall plan of 8 rows x 14 seats broken by two aisles (seats 1-4 | 5-10 |
11-14; the front row has a wheelchair space and its companion seat in a segment of their own), under the
no-single-seat rule. On a desktop, "Best available: 4" holds four adjacent seats of one segment; on a phone the
whole hall is reachable (fit, zoom, sideways scroll) and best available works by touch; a pick that would
strand a seat is refused, naming it, and the one-click alternative holds the suggested seats. Screenshots land
in test-artifacts/ at the repository root.
"""

import pytest
from playwright.sync_api import Page, expect

from booking.models import Seat, ShowSeat, Showtime
from booking.tests.conftest import make_planned_showtime
from booking.tests.e2e.test_seat_map_flow import ARTIFACTS, PHONE, browser, seat, signed_in_page  # noqa: F401
from booking.tests.factories import UserFactory
from booking.tests.invariants import assert_booking_invariants

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESKTOP = {"viewport": {"width": 1280, "height": 800}, "locale": "en-US"}  # wide enough for no zoom controls


def snap(page: Page, name: str, full_page: bool = True) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"best-available-{name}.png"), full_page=full_page)


# 8 rows of 14 seats, numbered 1-14 as printed, in three segments with an aisle between each: 1-4 | 5-10 | 11-14.
# The front row's seats 1 and 2 are a wheelchair space and its companion seat, a segment of their own.
PLAN = "A: @+_SS_SSSSSS_SSSS\n" + "\n".join(f"{row}: SSSS_SSSSSS_SSSS" for row in "BCDEFGH")
EN_DASH = "\u2013"  # how the seat map writes a range of seats: "C5\u2013C6"


def aisled_showtime() -> Showtime:
    """A showtime in the PLAN's hall, under the no-single-seat rule."""
    return make_planned_showtime(PLAN, prevent_orphans=True)


def seat_id(show: Showtime, label: str) -> int:
    return Seat.objects.get(hall_id=show.hall_id, row=label[0], number=int(label[1:])).pk


def held_by(show: Showtime, user) -> list[Seat]:
    """The seats `user` holds in the showtime, left to right."""
    ids = ShowSeat.objects.filter(showtime=show, status=ShowSeat.Status.HELD, held_by=user).values_list(
        "seat_id", flat=True
    )
    return list(Seat.objects.filter(pk__in=list(ids)).order_by("row", "column"))


def assert_adjacent_block(seats: list[Seat], size: int) -> None:
    assert len(seats) == size, seats
    assert len({(s.row, s.segment) for s in seats}) == 1, [(s.row, s.segment) for s in seats]
    columns = [s.column for s in seats]
    assert columns == list(range(columns[0], columns[0] + size)), columns
    assert all(s.kind == Seat.Kind.STANDARD for s in seats)


def hold_best_available(page: Page, quantity: int, tap: bool = False) -> None:
    page.get_by_test_id("best-available-quantity").select_option(str(quantity))
    button = page.get_by_test_id("best-available-button")
    button.tap() if tap else button.click()


def test_best_available_holds_four_adjacent_seats_of_one_segment(browser, live_server):  # noqa: F811
    show = aisled_showtime()
    buyer = UserFactory()
    context, page = signed_in_page(browser, live_server.url, buyer.username, DESKTOP)
    try:
        page.goto(f"/shows/{show.pk}")
        a1, a2, a3 = seat_id(show, "A1"), seat_id(show, "A2"), seat_id(show, "A3")
        expect(seat(page, a1)).to_have_accessible_name("Row A, seat 1, Wheelchair space, Standard, €10.00, available")
        expect(seat(page, a2)).to_have_accessible_name("Row A, seat 2, Companion seat, Standard, €10.00, available")
        expect(page.get_by_test_id("legend-wheelchair")).to_have_text("Wheelchair space")
        # The plan is drawn: an aisle is an empty place between A2 and A3, as wide as a seat and more.
        box1, box2, box3 = (seat(page, s).bounding_box() for s in (a1, a2, a3))
        step = box2["x"] - box1["x"]
        assert box3["x"] - box2["x"] >= 1.9 * step
        # The hall fits a desktop at the usual size: no zoom controls.
        expect(page.get_by_test_id("hall-zoom")).to_have_count(0)
        snap(page, "1-desktop-plan")

        hold_best_available(page, 4)
        message = page.get_by_test_id("seat-dock").get_by_test_id("info-message")
        expect(message).to_contain_text("Held ")
        expect(page.locator('[data-status="held-by-me"]')).to_have_count(4)
        # After the hold the action bar has the focus: what was held and Checkout are there.
        expect(page.get_by_test_id("action-bar-info")).to_be_focused()
        expect(page.get_by_test_id("countdown")).to_be_visible()
        snap(page, "2-desktop-held", full_page=False)

        held = held_by(show, buyer)
        assert_adjacent_block(held, 4)
        first, last = held[0], held[-1]
        expect(message).to_have_text(f"Held {first.row}{first.number}{EN_DASH}{last.row}{last.number}.")
        for s in held:
            expect(seat(page, s.pk)).to_have_attribute("data-status", "held-by-me")

        # By keyboard down to the back row: the focused seat scrolls into view above the sticky dock.
        page.mouse.wheel(0, -2000)
        seat(page, seat_id(show, "G5")).focus()
        page.keyboard.press("ArrowDown")
        back = seat(page, seat_id(show, "H5"))
        expect(back).to_be_focused()
        page.wait_for_timeout(300)  # a smooth scroll, if any, settles
        dock_top = page.get_by_test_id("seat-dock").bounding_box()["y"]
        box = back.bounding_box()
        assert box["y"] + box["height"] <= dock_top, (box, dock_top)
        snap(page, "2b-desktop-keyboard-above-dock", full_page=False)
    finally:
        context.close()
    assert_booking_invariants()


def test_a_phone_reaches_the_whole_hall_and_holds_best_available_by_touch(browser, live_server):  # noqa: F811
    show = aisled_showtime()
    buyer = UserFactory()
    far = seat_id(show, "A14")  # the last seat of the widest row
    context, page = signed_in_page(browser, live_server.url, buyer.username, PHONE)
    try:
        page.goto(f"/shows/{show.pk}")
        hall = page.get_by_test_id("hall-scroll")
        expect(seat(page, far)).to_be_attached()
        # Wider than the phone at a tappable size: the zoom controls and a hint say so.
        expect(page.get_by_test_id("hall-zoom")).to_be_visible()
        expect(page.get_by_test_id("hall-zoom-hint")).to_contain_text("scroll sideways")
        assert hall.evaluate("el => el.scrollWidth > el.clientWidth")
        assert seat(page, far).bounding_box()["width"] >= 32
        snap(page, "3-phone-start", full_page=False)

        # Fit: the whole hall at once.
        page.get_by_role("button", name="Fit").tap()
        expect(page.get_by_test_id("hall-zoom-hint")).to_contain_text("whole hall")
        expect(hall).to_have_attribute("data-zoom", "fit")
        assert hall.evaluate("el => el.scrollWidth <= el.clientWidth + 1")
        expect(seat(page, far)).to_be_in_viewport()
        snap(page, "4-phone-fit", full_page=False)

        # Zoom back in: seats big enough to tap; the far seat scrolls into view and is tapped.
        page.get_by_role("button", name="Zoom in").tap()
        expect(hall).to_have_attribute("data-zoom", "1")
        seat(page, far).scroll_into_view_if_needed()
        expect(seat(page, far)).to_be_in_viewport()
        assert seat(page, far).bounding_box()["width"] >= 32
        seat(page, far).tap()
        expect(seat(page, far)).to_have_attribute("data-selected", "true")
        snap(page, "5-phone-far-seat", full_page=False)

        hold_best_available(page, 4, tap=True)
        expect(page.locator('[data-status="held-by-me"]')).to_have_count(4)
        expect(page.get_by_test_id("seat-dock").get_by_test_id("info-message")).to_contain_text("Held ")
        expect(page.get_by_test_id("checkout-button")).to_be_in_viewport()
        snap(page, "6-phone-held", full_page=False)
        assert_adjacent_block(held_by(show, buyer), 4)
        # Best available stood in for the pick by hand.
        expect(seat(page, far)).not_to_have_attribute("data-selected", "true")
    finally:
        context.close()
    assert_booking_invariants()


def test_a_pick_that_strands_a_seat_is_refused_and_the_alternative_is_one_click(browser, live_server):  # noqa: F811
    show = aisled_showtime()
    buyer = UserFactory()
    c5, c6, c7 = seat_id(show, "C5"), seat_id(show, "C6"), seat_id(show, "C7")
    context, page = signed_in_page(browser, live_server.url, buyer.username, DESKTOP)
    try:
        page.goto(f"/shows/{show.pk}")
        # C5-C10 is a free segment of six: taking C6 and C7 would leave C5 alone against the aisle.
        seat(page, c6).click()
        seat(page, c7).click()
        page.get_by_test_id("hold-button").click()
        refusal = page.get_by_test_id("conflict-message")
        expect(refusal).to_contain_text("That would leave C5 as a single seat on its own")
        expect(refusal).to_be_in_viewport()
        offer = page.get_by_test_id("offer-button")
        expect(offer).to_have_text(f"Take C5{EN_DASH}C6 instead")
        assert held_by(show, buyer) == []
        snap(page, "7-orphan-refused", full_page=False)

        offer.click()
        expect(seat(page, c5)).to_have_attribute("data-status", "held-by-me")
        expect(seat(page, c6)).to_have_attribute("data-status", "held-by-me")
        expect(seat(page, c7)).to_have_attribute("data-status", "available")
        expect(seat(page, c7)).not_to_have_attribute("data-selected", "true")
        expect(page.get_by_test_id("held-seats")).to_have_text("C5, C6")
        snap(page, "8-orphan-alternative-held", full_page=False)
    finally:
        context.close()

    assert [s.pk for s in held_by(show, buyer)] == [c5, c6]
    assert ShowSeat.objects.get(showtime=show, seat_id=c7).status == ShowSeat.Status.AVAILABLE
    assert_booking_invariants()
