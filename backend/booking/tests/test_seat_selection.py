"""The seat-selection rules (booking/seat_selection.py) on random plans and seat states, against brute force."""

from decimal import Decimal
from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from booking.seat_selection import (
    Fallback,
    Plan,
    PlanSeat,
    _rank,
    _windows,
    best_block,
    can_avoid_stranding,
    hold_stranding,
    largest_block,
    stranded,
)

PRICES = {1: Decimal("9.00"), 2: Decimal("12.50")}


@st.composite
def plans_and_states(draw, max_rows: int = 6):
    """A hall of up to `max_rows` rows, each a few segments of 1..8 seats with aisles between (and a random
    left offset), a few wheelchair spaces, two categories; and which seats are free."""
    seats = []
    next_id = 1
    for row_index in range(draw(st.integers(1, max_rows))):
        column = draw(st.integers(1, 3))
        for segment in range(1, draw(st.integers(1, 3)) + 1):
            for number in range(draw(st.integers(1, 8))):
                kind = draw(st.sampled_from(["standard"] * 8 + ["wheelchair", "companion"]))
                seats.append(
                    PlanSeat(
                        id=next_id,
                        row=chr(ord("A") + row_index),
                        row_index=row_index,
                        number=number + 1,
                        column=column,
                        segment=segment,
                        kind=kind,
                        category=draw(st.sampled_from([1, 2])),
                    )
                )
                next_id += 1
                column += 1
            column += draw(st.integers(1, 2))  # the aisle
    order = draw(st.permutations(seats))  # a plan does not depend on the order its seats come in
    plan = Plan.of(order, focus_across=draw(st.sampled_from([0.0, 0.5, 1.0])), focus_depth=0.67)
    free = {seat.id for seat in seats if draw(st.booleans())}
    return plan, free


def _brute_force_blocks(plan: Plan, free: set[int], size: int, *, accessible=False, category=None):
    """Every block of `size` adjacent free seats best_block may choose, each with whether it strands none."""
    found = []
    for run in plan.segments.values():
        for start in range(len(run) - size + 1):
            block = run[start : start + size]
            if not all(
                s.id in free
                and s.category in PRICES
                and category in (None, s.category)
                and (s.kind != "standard") == accessible
                for s in block
            ):
                continue
            if accessible and not any(s.kind == "wheelchair" for s in block):
                continue
            flags = [s.id in free for s in run]
            found.append((block, not stranded(flags, set(range(start, start + size)))))
    return found


@given(st.lists(st.booleans(), max_size=10), st.data())
def test_taking_a_window_strands_what_the_rule_says(free, data):
    seats = [PlanSeat(i + 1, "A", 0, i + 1, i + 1, 1, "standard", 1) for i in range(len(free))]
    free_ids = {seat.id for seat, is_free in zip(seats, free, strict=True) if is_free}
    size = data.draw(st.integers(1, 4))
    for block in _windows(seats, free_ids, size, lambda seat: True):
        start = block.seats[0].column - 1
        assert block.strands_none == (not stranded(free, set(range(start, start + size))))


@given(st.lists(st.booleans(), max_size=10), st.integers(0, 6))
def test_can_avoid_stranding_agrees_with_trying_every_choice(free, k):
    positions = [i for i, is_free in enumerate(free) if is_free]
    brute = any(not stranded(free, set(choice)) for choice in combinations(positions, k))
    assert can_avoid_stranding(free, k) == brute


def test_stranding_examples():
    # _ F F F _ : taking the middle strands both ends; taking an end strands nothing.
    assert stranded([True, True, True], {1}) == [0, 2]
    assert stranded([True, True, True], {0}) == []
    # A seat already single is not the change's doing.
    assert stranded([True, False, True, True], {2}) == [3]
    assert stranded([True, False, True, True], {2, 3}) == []
    # Three seats, two taken: every choice strands one, so it is allowed (the last seats must sell).
    assert not can_avoid_stranding([True, True, True], 2)
    assert can_avoid_stranding([True, True, True, True], 2)


@settings(max_examples=300)
@given(plans_and_states(), st.integers(1, 5), st.booleans(), st.sampled_from([None, 1, 2]))
def test_best_block_is_free_adjacent_and_strands_none_when_it_can(plan_and_state, quantity, accessible, category):
    plan, free = plan_and_state
    choice = best_block(plan, free, quantity, prices=PRICES, category=category, accessible=accessible)
    candidates = _brute_force_blocks(plan, free, quantity, accessible=accessible, category=category)
    assert best_block(plan, set(free), quantity, prices=PRICES, category=category, accessible=accessible) == choice

    if not candidates:
        assert choice is None or choice.fallback == Fallback.SPLIT_ROWS
        if choice is not None:
            chosen = [plan.seats[i] for i in choice.seat_ids]
            assert len(set(choice.seat_ids)) == quantity
            assert all(i in free for i in choice.seat_ids)
            assert len({s.row_index for s in chosen}) == 2
            assert max(s.row_index for s in chosen) - min(s.row_index for s in chosen) == 1
        else:
            assert largest_block(plan, free, prices=PRICES, category=category, accessible=accessible) < quantity
        return
    assert choice is not None
    assert choice.fallback != Fallback.SPLIT_ROWS
    chosen = [plan.seats[i] for i in choice.seat_ids]
    assert all(s.id in free for s in chosen)
    assert len({s.segment_key for s in chosen}) == 1
    run = plan.segments[chosen[0].segment_key]
    start = run.index(chosen[0])
    assert tuple(run[start : start + quantity]) == tuple(chosen)  # adjacent, in order
    if any(strands_none for _, strands_none in candidates):
        assert choice.fallback == Fallback.NONE
        assert (tuple(chosen), True) in [(tuple(b), ok) for b, ok in candidates]
    else:
        assert choice.fallback == Fallback.SINGLE_SEAT


@settings(max_examples=600)
@given(plans_and_states(), st.integers(1, 3), st.sampled_from([False, False, True]), st.sampled_from([None, 1, 2]))
def test_best_block_is_the_block_that_ranks_first(plan_and_state, quantity, accessible, category):
    """best_block ranks windows from running sums; the plain way ranks each window's seats with _rank."""
    plan, free = plan_and_state
    choice = best_block(plan, free, quantity, prices=PRICES, category=category, accessible=accessible)
    if choice is None or choice.fallback == Fallback.SPLIT_ROWS:
        return
    blocks = [
        block
        for run in plan.segments.values()
        for block in _windows(run, free, quantity, _eligible(category, accessible))
        if not accessible or any(s.kind == "wheelchair" for s in block.seats)
    ]
    pool = [b for b in blocks if b.strands_none] if choice.fallback == Fallback.NONE else blocks
    first = min(pool, key=lambda b: _rank(plan, b.seats, PRICES))
    assert choice.seat_ids == tuple(s.id for s in first.seats)


def test_between_blocks_as_close_to_the_focal_point_the_cheaper_wins():
    # One row, focal point on its centre: seats 2-3 (category 2, dearer) and 5-6 (category 1) are equally far.
    seats = [
        PlanSeat(id=n, row="A", row_index=0, number=n, column=n, segment=1, kind="standard", category=cat)
        for n, cat in enumerate([2, 2, 2, 1, 1, 1, 1], start=1)
    ]
    plan = Plan.of(seats, focus_across=0.5, focus_depth=0.0)
    assert best_block(plan, {2, 3, 5, 6}, 2, prices=PRICES).seat_ids == (5, 6)


def _eligible(category, accessible):
    def eligible(seat):
        if seat.category not in PRICES or (category is not None and seat.category != category):
            return False
        return (seat.kind != "standard") if accessible else (seat.kind == "standard")

    return eligible


@settings(max_examples=300)
@given(plans_and_states(max_rows=3), st.data())
def test_hold_stranding_refuses_exactly_what_brute_force_finds_avoidable(plan_and_state, data):
    plan, free = plan_and_state
    seat_ids = data.draw(st.sets(st.sampled_from(sorted(plan.seats)), min_size=1, max_size=4))
    verdict = hold_stranding(plan, free, seat_ids)

    breaking = []
    for key, run in plan.segments.items():
        flags = [s.id in free for s in run]
        taking = {pos for pos, s in enumerate(run) if s.id in seat_ids and s.id in free}
        if not taking or not stranded(flags, taking):
            continue
        positions = [i for i, f in enumerate(flags) if f]
        if any(not stranded(flags, set(c)) for c in combinations(positions, len(taking))):
            breaking.append(key)
    assert (verdict is not None) == bool(breaking)
    if verdict is not None:
        assert plan.seats[verdict.seat_id].segment_key in breaking
        assert verdict.seat_id in free
        assert verdict.seat_id not in seat_ids
        if verdict.suggestion:  # as many seats, free, adjacent in one segment, stranding none
            assert len(verdict.suggestion) == len(seat_ids)
            assert set(verdict.suggestion) <= free
            assert hold_stranding(plan, free, verdict.suggestion) is None
            suggested = [plan.seats[i] for i in verdict.suggestion]
            run = plan.segments[suggested[0].segment_key]
            start = run.index(suggested[0])
            assert tuple(run[start : start + len(suggested)]) == tuple(suggested)
