"""The seat-selection rules, written once: a hall plan's segments, the no-single-seat rule and best available.

Pure functions of a hall plan and a set of free seats (no database), so that every caller applies the same
rule and the property tests can try it on any plan:
  * services/holds.py applies `hold_stranding` to a manual hold under the segment locks of the showtime's
    no-single-seat switch;
  * services/best_available.py ranks blocks with `best_block` and checks its choice again under the locks;
  * selectors/audit.py counts stranded seats with `stranded`.

Terms. A *segment* is a run of seats of one row between aisles or walls (Seat.segment); its seats, left to
right, are its positions. A seat is *free* when it can be held (available, or a hold that ran out). Taking
seats *strands* a free seat when it leaves it with no free neighbour in its segment although it had one
before: a seat no one will buy. A seat already single is not the change's doing.
"""

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from math import hypot

# How far apart two rows are, in seat widths: a row back costs more distance than a seat across.
ROW_DEPTH = 1.8


@dataclass(frozen=True)
class PlanSeat:
    id: int
    row: str
    row_index: int  # the row's place in display order, 0 = the front row
    number: int
    column: int
    segment: int
    kind: str  # Seat.Kind
    category: int

    @property
    def segment_key(self) -> tuple[int, int]:
        return (self.row_index, self.segment)


@dataclass(frozen=True)
class Plan:
    """A hall's seats grouped into segments, with the focal point best available aims at."""

    seats: Mapping[int, PlanSeat]  # by id
    segments: Mapping[tuple[int, int], tuple[PlanSeat, ...]]  # (row index, segment) -> seats left to right
    focus: tuple[float, float]  # (column, row index) of the focal point, in plan coordinates

    @classmethod
    def of(cls, seats: Iterable[PlanSeat], *, focus_across: float = 0.5, focus_depth: float = 0.67) -> "Plan":
        by_id = {seat.id: seat for seat in seats}
        segments: dict[tuple[int, int], list[PlanSeat]] = {}
        for seat in by_id.values():
            segments.setdefault(seat.segment_key, []).append(seat)
        ordered = {key: tuple(sorted(run, key=lambda s: s.column)) for key, run in sorted(segments.items())}
        if by_id:
            columns = [s.column for s in by_id.values()]
            rows = max(s.row_index for s in by_id.values())
            focus = (min(columns) + focus_across * (max(columns) - min(columns)), focus_depth * rows)
        else:
            focus = (0.0, 0.0)
        return cls(seats=by_id, segments=ordered, focus=focus)

    @cached_property
    def segments_nearest_first(self) -> tuple[tuple[float, tuple[PlanSeat, ...]], ...]:
        """Each segment with the least distance from the focal point that a block in it can have (its centre
        lies within the segment's columns, in its row), nearest first."""
        fx, fy = self.focus
        bounds = [
            (hypot(max(run[0].column - fx, fx - run[-1].column, 0.0), (run[0].row_index - fy) * ROW_DEPTH), run)
            for run in self.segments.values()
        ]
        return tuple(sorted(bounds, key=lambda bound: bound[0]))


# --- the no-single-seat rule ---------------------------------------------------------------------------------


def stranded(free: Sequence[bool], taking: Collection[int]) -> list[int]:
    """The positions of one segment (`free`: each position free before the change, left to right) that taking
    the positions `taking` would strand."""
    n = len(free)
    after = [is_free and i not in taking for i, is_free in enumerate(free)]
    return [
        i
        for i in range(n)
        if after[i]
        and not (i > 0 and after[i - 1])
        and not (i < n - 1 and after[i + 1])
        and ((i > 0 and free[i - 1]) or (i < n - 1 and free[i + 1]))
    ]


def can_avoid_stranding(free: Sequence[bool], k: int) -> bool:
    """Whether some k free positions of the segment could be taken without stranding a seat.

    A scan over the positions keeping, per reachable state, how many were taken and whether the last two
    positions are free afterwards: a position is judged once both its neighbours are decided.
    """
    n = len(free)
    if k > sum(free):
        return False
    if n == 0:
        return k == 0

    def fine(i: int, left: bool, here: bool, right: bool) -> bool:  # position i is not stranded
        had_neighbour = (i > 0 and free[i - 1]) or (i < n - 1 and free[i + 1])
        return not here or left or right or not had_neighbour

    # States after deciding position i: (taken so far, position i-1 free afterwards, position i free afterwards).
    states = {(taken, False, after) for taken, after in _choices(free, 0)}
    for i in range(1, n):
        states = {
            (taken + took, here, next_free)
            for taken, left, here in states
            for took, next_free in _choices(free, i)
            if taken + took <= k and fine(i - 1, left, here, next_free)
        }
    return any(taken == k and fine(n - 1, left, here, False) for taken, left, here in states)


def _choices(free: Sequence[bool], i: int) -> list[tuple[int, bool]]:
    """(taken, free afterwards) for position i: a free seat may be taken or left, any other stays taken."""
    return [(0, True), (1, False)] if free[i] else [(0, False)]


@dataclass(frozen=True)
class Stranding:
    seat_id: int  # a seat the hold would strand
    suggestion: tuple[int, ...]  # a block of as many seats nearby that strands none; () when there is none


def hold_stranding(plan: Plan, free: Collection[int], seat_ids: Collection[int]) -> Stranding | None:
    """Whether holding `seat_ids` (given the `free` seat ids) breaks the rule: in some segment the free seats
    it takes strand a seat, although another choice of as many free seats of that segment would strand none
    (when none would, the hold is allowed: the last seats must always be sellable)."""
    wanted = set(seat_ids)
    for key in sorted({plan.seats[i].segment_key for i in wanted if i in plan.seats}):
        run = plan.segments[key]
        flags = [seat.id in free for seat in run]
        taking = {pos for pos, seat in enumerate(run) if seat.id in wanted and flags[pos]}
        left_single = stranded(flags, taking)
        if left_single and can_avoid_stranding(flags, len(taking)):
            return Stranding(seat_id=run[left_single[0]].id, suggestion=_nearby_block(plan, free, wanted))
    return None


def _nearby_block(plan: Plan, free: Collection[int], wanted: set[int]) -> tuple[int, ...]:
    """The block of len(wanted) free seats in the wanted seats' segments that strands none, closest to them."""
    seats = [plan.seats[i] for i in wanted if i in plan.seats]
    centre = sum(s.column for s in seats) / len(seats)
    rows = {s.row_index for s in seats}
    blocks = [
        block
        for key in {s.segment_key for s in seats}
        for block in _windows(plan.segments[key], free, len(wanted), lambda seat: True)
        if block.strands_none
    ]
    best = min(
        blocks,
        key=lambda b: (
            b.seats[0].row_index not in rows,
            abs(b.centre - centre),
            b.seats[0].row_index,
            b.seats[0].column,
        ),
        default=None,
    )
    return tuple(s.id for s in best.seats) if best else ()


def single_seats(plan: Plan, free: Collection[int]) -> list[int]:
    """The free seats with no free neighbour in their segment (of more than one seat): what the rule exists to
    prevent, for the audit to count."""
    return [
        run[i].id
        for run in plan.segments.values()
        if len(run) > 1
        for i in range(len(run))
        if run[i].id in free
        and not (i > 0 and run[i - 1].id in free)
        and not (i + 1 < len(run) and run[i + 1].id in free)
    ]


# --- best available --------------------------------------------------------------------------------------------


class Fallback(StrEnum):
    NONE = "none"  # adjacent seats in one segment, stranding none
    SINGLE_SEAT = "single_seat"  # adjacent seats in one segment, but stranding a seat: no better block existed
    SPLIT_ROWS = "split_rows"  # two blocks in adjacent rows: no segment had that many adjacent free seats


@dataclass(frozen=True)
class Choice:
    seat_ids: tuple[int, ...]
    fallback: Fallback


@dataclass(frozen=True)
class _Block:
    seats: tuple[PlanSeat, ...]
    strands_none: bool
    centre: float = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "centre", (self.seats[0].column + self.seats[-1].column) / 2)


def _windows(run: Sequence[PlanSeat], free: Collection[int], size: int, eligible) -> Iterable[_Block]:
    """Every block of `size` adjacent free, eligible seats of one segment."""
    for start, end, strands_none in _window_spans(run, free, size, eligible):
        yield _Block(tuple(run[start : end + 1]), strands_none)


def _window_spans(
    run: Sequence[PlanSeat], free: Collection[int], size: int, eligible
) -> Iterable[tuple[int, int, bool]]:
    """(first position, last position, strands none) of every block of `size` adjacent free, eligible seats of
    one segment. Taking a contiguous block can only strand the seat just beyond each end: one free whose other
    neighbour is taken or a wall."""
    flags = [seat.id in free for seat in run]
    usable = [flags[i] and eligible(seat) for i, seat in enumerate(run)]
    n = len(run)
    streak = 0
    for end in range(n):
        streak = streak + 1 if usable[end] else 0
        if streak < size:
            continue
        start = end - size + 1
        strands_left = start >= 1 and flags[start - 1] and not (start >= 2 and flags[start - 2])
        strands_right = end + 1 < n and flags[end + 1] and not (end + 2 < n and flags[end + 2])
        yield start, end, not (strands_left or strands_right)


def best_block(
    plan: Plan,
    free: Collection[int],
    quantity: int,
    *,
    prices: Mapping[int, Decimal],
    category: int | None = None,
    accessible: bool = False,
) -> Choice | None:
    """The best seats for a party of `quantity`, or None when no two blocks in adjacent rows hold them.

    Only seats of a category the showtime sells (`prices`: category -> the price it sells at) and of the
    `category` asked for; wheelchair spaces and companion seats only when `accessible` (then the block
    includes a wheelchair space), and only then. Ranked: a block of adjacent seats in one segment that strands
    no seat; else such a block that strands one; else two blocks in adjacent rows. Within a rank: closest to
    the hall's focal point, then the cheapest, then front to back and left to right, so the same state always
    gives the same choice.
    """

    eligible = _eligibility(prices, category, accessible)

    def fits(block_seats: Sequence[PlanSeat]) -> bool:
        return not accessible or any(s.kind == "wheelchair" for s in block_seats)

    # The best block that strands none, and the best of all, in one pass. Each window is ranked as _rank ranks
    # its seats, from running sums over its segment: ranking every window's seats one by one was most of a
    # party's time under the showtime's lock (2.3 ms of Python for an empty 1,000-seat hall).
    # Segments nearest first: once one cannot hold a block as near as the best that strands none, none after it
    # can, and the rest of the hall is not looked at (a party in a 1,000-seat hall looks at a few rows).
    fx, fy = plan.focus
    best_none: tuple | None = None
    best_any: tuple | None = None
    for bound, run in plan.segments_nearest_first:
        if best_none is not None and round(bound, 6) > best_none[0][0]:
            break
        spans = list(_window_spans(run, free, quantity, eligible))
        if not spans:
            continue
        row = run[0].row_index
        across = [0]
        paid = [Decimal(0)]
        for seat in run:
            across.append(across[-1] + seat.column)
            paid.append(paid[-1] + prices.get(seat.category, 0))
        depth = (row - fy) * ROW_DEPTH
        for start, end, strands_none in spans:
            if accessible and not fits(run[start : end + 1]):
                continue
            cx = (across[end + 1] - across[start]) / quantity
            rank = (round(hypot(cx - fx, depth), 6), paid[end + 1] - paid[start], row, run[start].column)
            candidate = (rank, run, start, end)
            if best_any is None or rank < best_any[0]:
                best_any = candidate
            if strands_none and (best_none is None or rank < best_none[0]):
                best_none = candidate
    for fallback, best in ((Fallback.NONE, best_none), (Fallback.SINGLE_SEAT, best_any)):
        if best is not None:
            _, run, start, end = best
            return Choice(tuple(s.id for s in run[start : end + 1]), fallback)
    if quantity > 1:
        pair = _best_split(plan, free, quantity, eligible, fits, prices)
        if pair is not None:
            return Choice(pair, Fallback.SPLIT_ROWS)
    return None


def _eligibility(prices: Mapping[int, Decimal], category: int | None, accessible: bool):
    """Which seats a best-available request may get: a category the showtime sells (and the one asked for),
    wheelchair spaces and companion seats if and only if `accessible`."""

    def eligible(seat: PlanSeat) -> bool:
        if seat.category not in prices or (category is not None and seat.category != category):
            return False
        return (seat.kind != "standard") if accessible else (seat.kind == "standard")

    return eligible


def _rank(plan: Plan, seats: Sequence[PlanSeat], prices: Mapping[int, Decimal], offset: float = 0.0) -> tuple:
    """Distance of the seats' centre from the focal point (plus `offset`: how far a split party's two blocks
    sit apart across), then total price, then front to back, left to right."""
    fx, fy = plan.focus
    cx = sum(s.column for s in seats) / len(seats)
    cy = sum(s.row_index for s in seats) / len(seats)
    distance = hypot(cx - fx, (cy - fy) * ROW_DEPTH) + offset
    total = sum(prices[s.category] for s in seats)
    return (round(distance, 6), total, min(s.row_index for s in seats), seats[0].column)


def _best_split(plan, free, quantity, eligible, fits, prices) -> tuple[int, ...] | None:
    """The two closest blocks in adjacent rows that together seat the party: for each row and block size,
    that row's best block, paired with the best block of the rest in the next row."""
    best_in_row: dict[tuple[int, int], tuple[PlanSeat, ...]] = {}
    for size in range(1, quantity):
        for run in plan.segments.values():
            for block in _windows(run, free, size, eligible):
                key = (block.seats[0].row_index, size)
                current = best_in_row.get(key)
                if current is None or _rank(plan, block.seats, prices) < _rank(plan, current, prices):
                    best_in_row[key] = block.seats
    pairs = [
        (front, back)
        for (row, size), front in best_in_row.items()
        if (back := best_in_row.get((row + 1, quantity - size))) is not None and fits(front + back)
    ]
    best = min(pairs, key=lambda pair: _rank(plan, pair[0] + pair[1], prices, _apart(*pair)), default=None)
    return tuple(s.id for s in best[0] + best[1]) if best else None


def _apart(front: Sequence[PlanSeat], back: Sequence[PlanSeat]) -> float:
    return abs((front[0].column + front[-1].column) / 2 - (back[0].column + back[-1].column) / 2)


def largest_block(
    plan: Plan,
    free: Collection[int],
    *,
    prices: Mapping[int, Decimal],
    category: int | None = None,
    accessible: bool = False,
) -> int:
    """The most adjacent free seats of one segment that best_block could give for the same request (what a
    `no_block` refusal offers)."""
    eligible = _eligibility(prices, category, accessible)
    largest = 0
    for run in plan.segments.values():
        streak: list[PlanSeat] = []
        for seat in [*run, None]:  # None: the wall after the last seat ends the last streak
            if seat is not None and seat.id in free and eligible(seat):
                streak.append(seat)
                continue
            if not accessible or any(s.kind == "wheelchair" for s in streak):
                largest = max(largest, len(streak))
            streak = []
    return largest
