"""Hall plans (services/hall_plans.py): the text format, and replacing a hall's seats with a plan."""

import pytest

from booking.exceptions import InvalidRequest
from booking.models import Seat, SeatCategory, ShowSeat
from booking.services.hall_plans import parse_plan, plan_text, replace_hall_plan
from booking.services.holds import hold_seats
from booking.services.pricing import default_category
from booking.tests.conftest import make_planned_showtime, make_showtime, seat_at
from booking.tests.factories import HallFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hall():
    hall = HallFactory()
    default_category(hall=hall)
    SeatCategory.objects.create(hall=hall, name="Premium", colour="#aa00ff", sort_order=1, default_price="14.00")
    return hall


def test_a_plan_gives_positions_segments_kinds_and_categories(hall):
    seats = parse_plan(hall=hall, text="# front\nA: @+_SS_+@\n\nB: .SPPS.\n")

    placed = {(s.row, s.number): (s.column, s.segment, s.kind, s.category.name) for s in seats}
    assert placed == {
        ("A", 1): (1, 1, "wheelchair", "Standard"),
        ("A", 2): (2, 1, "companion", "Standard"),
        ("A", 3): (4, 2, "standard", "Standard"),
        ("A", 4): (5, 2, "standard", "Standard"),
        ("A", 5): (7, 3, "companion", "Standard"),
        ("A", 6): (8, 3, "wheelchair", "Standard"),
        ("B", 1): (2, 1, "standard", "Standard"),
        ("B", 2): (3, 1, "standard", "Premium"),
        ("B", 3): (4, 1, "standard", "Premium"),
        ("B", 4): (5, 1, "standard", "Standard"),
    }


def test_a_legend_names_categories_by_any_letter(hall):
    seats = parse_plan(hall=hall, text="X = Premium\nA: XXS")
    assert [s.category.name for s in seats] == ["Premium", "Premium", "Standard"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("A: SSQ", "'Q' is not a category letter"),
        ("A SSS", "write a row as"),
        ("A: SS\nA: SS", "row A appears twice"),
        ("B: SS\nA: SS", "list rows front to back"),
        ("Z = Balcony\nA: SS", "no category 'Balcony'"),
        ("A: __..", "no seats"),
    ],
)
def test_a_wrong_plan_is_refused_naming_what_is_wrong(hall, text, message):
    with pytest.raises(InvalidRequest, match=message):
        parse_plan(hall=hall, text=text)


def test_replacing_a_plan_keeps_matched_seats_and_their_ids(hall):
    replace_hall_plan(hall=hall, text="A: SSSS\nB: SSSS")
    a2 = Seat.objects.get(hall=hall, row="A", number=2).pk

    change = replace_hall_plan(hall=hall, text="A: SS_SS_S\nB: .SSS")

    assert (change.added, change.removed, change.seats) == (1, 1, 8)
    moved = Seat.objects.get(hall=hall, row="A", number=2)
    assert moved.pk == a2  # the same seat, standing where the plan says
    assert (moved.column, moved.segment) == (2, 1)
    third = Seat.objects.get(hall=hall, row="A", number=3)
    assert (third.column, third.segment) == (4, 2)
    assert not Seat.objects.filter(hall=hall, row="B", number=4).exists()
    assert plan_text(hall=hall) == "A: SS_SS_S\nB: .SSS".replace("_", ".")


def test_new_seats_join_upcoming_showtimes():
    showtime = make_planned_showtime("A: SSS")
    replace_hall_plan(hall=showtime.hall, text="A: SSS_SS")
    assert ShowSeat.objects.filter(showtime=showtime).count() == 5


def test_a_hall_with_upcoming_sold_seats_keeps_its_plan(user):
    showtime = make_showtime(rows=1, seats_per_row=4)
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=[seat_at(showtime, "A1")])
    before = plan_text(hall=showtime.hall)

    with pytest.raises(InvalidRequest, match="1 seats sold or held"):
        replace_hall_plan(hall=showtime.hall, text="A: SS_SS")

    assert plan_text(hall=showtime.hall) == before
