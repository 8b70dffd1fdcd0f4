"""Best available (services/best_available.py) on real PostgreSQL: what it holds, its fallbacks and refusals."""

import pytest

from booking.exceptions import NoBlock
from booking.models import SeatCategory, ShowSeat
from booking.seat_selection import Fallback
from booking.services.best_available import hold_best_available
from booking.services.holds import hold_seats
from booking.services.pricing import recategorise_rows
from booking.tests.conftest import make_planned_showtime, seat_at

pytestmark = pytest.mark.django_db

# Five rows, a centre block between two aisles, two wheelchair spaces with companions at the front.
HALL = """
A: @+_SSSSSS_+@
B: SS_SSSSSS_SS
C: SS_SSSSSS_SS
D: SS_SSSSSS_SS
E: SS_SSSSSS_SS
"""


def _labels(showtime, seat_ids) -> list[str]:
    seats = {seat.pk: f"{seat.row}{seat.number}" for seat in showtime.hall.seats.all()}
    return [seats[i] for i in seat_ids]


def _held_by(user, showtime) -> set[int]:
    return set(ShowSeat.objects.filter(showtime=showtime, held_by=user).values_list("seat_id", flat=True))


def test_a_party_gets_adjacent_seats_at_the_sweet_spot(user):
    showtime = make_planned_showtime(HALL)

    result = hold_best_available(user=user, showtime_id=showtime.pk, quantity=4)

    # Two thirds back of five rows is row D; its centre block's middle four (D4-D7) would leave D3 and D8
    # single, so the block moves one seat: D3-D6 (as near as D5-D8, and first from the left).
    assert _labels(showtime, result.seat_ids) == ["D3", "D4", "D5", "D6"]
    assert result.fallback == Fallback.NONE
    assert _held_by(user, showtime) == set(result.seat_ids)


def test_the_same_state_gives_the_same_choice(user, other_user):
    first = make_planned_showtime(HALL)
    second = make_planned_showtime(HALL)
    a = hold_best_available(user=user, showtime_id=first.pk, quantity=3)
    b = hold_best_available(user=other_user, showtime_id=second.pk, quantity=3)
    assert _labels(first, a.seat_ids) == _labels(second, b.seat_ids)


def test_no_seat_is_left_single_when_a_block_avoids_it(user, other_user):
    showtime = make_planned_showtime("A: SSSSS")
    hold_seats(user=other_user, showtime_id=showtime.pk, seat_ids=[seat_at(showtime, "A1")])

    result = hold_best_available(user=user, showtime_id=showtime.pk, quantity=2)

    # A3-A4 is nearest the centre (A3) but would strand A2 and A5; A2-A3 is as near and strands nothing.
    assert _labels(showtime, result.seat_ids) == ["A2", "A3"]
    assert result.fallback == Fallback.NONE


def test_a_single_seat_is_left_only_when_every_block_leaves_one(user, other_user):
    showtime = make_planned_showtime("A: SSS")
    result = hold_best_available(user=user, showtime_id=showtime.pk, quantity=2)
    assert result.fallback == Fallback.SINGLE_SEAT
    assert len(result.seat_ids) == 2


def test_a_party_too_big_for_any_segment_is_split_over_adjacent_rows(user):
    showtime = make_planned_showtime("A: SSS_SSS\nB: SSS_SSS")
    result = hold_best_available(user=user, showtime_id=showtime.pk, quantity=5)
    assert result.fallback == Fallback.SPLIT_ROWS
    # The focal point is the aisle (column 4): the two blocks nearest it, one behind the other.
    assert _labels(showtime, result.seat_ids) == ["A2", "A3", "B1", "B2", "B3"]


def test_nothing_fits_names_the_largest_block(user, other_user):
    showtime = make_planned_showtime("A: SSSSS")  # one row: nothing to split over
    hold_seats(user=other_user, showtime_id=showtime.pk, seat_ids=[seat_at(showtime, "A2")])

    with pytest.raises(NoBlock) as refusal:
        hold_best_available(user=user, showtime_id=showtime.pk, quantity=4)

    assert refusal.value.extra == {"largest_block": 3}
    assert _held_by(user, showtime) == set()


def test_accessible_seats_only_when_asked_for(user, other_user):
    showtime = make_planned_showtime(HALL)
    plain = hold_best_available(user=user, showtime_id=showtime.pk, quantity=2)
    assert not {"A1", "A2", "A9", "A10"} & set(_labels(showtime, plain.seat_ids))

    accessible = hold_best_available(user=other_user, showtime_id=showtime.pk, quantity=2, accessible=True)
    assert _labels(showtime, accessible.seat_ids) in (["A1", "A2"], ["A9", "A10"])


def test_a_category_asked_for_and_unsold_ones_never(user):
    showtime = make_planned_showtime(HALL)
    premium = SeatCategory.objects.create(
        hall=showtime.hall, name="Premium", colour="#aa00ff", sort_order=1, default_price="14.00"
    )
    recategorise_rows(hall=showtime.hall, rows=["B"], category=premium)

    result = hold_best_available(user=user, showtime_id=showtime.pk, quantity=2, category_id=premium.pk)

    assert {label[0] for label in _labels(showtime, result.seat_ids)} == {"B"}
