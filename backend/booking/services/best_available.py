"""Best available: find and hold, atomically, the best block of seats for a party (booking/seat_selection.py)."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import connection
from django.utils import timezone

from booking.exceptions import (
    BookingError,
    IdempotencyKeyReused,
    NoBlock,
    RateLimited,
    SeatsBusy,
    TooManySeats,
)
from booking.models import BestAvailableRequest
from booking.seat_selection import Choice, Fallback, best_block, largest_block
from booking.selectors.seat_plans import selection_state
from booking.services.holds import block_hold_result, send_block_hold
from booking.services.locking import (
    BEST_AVAILABLE_LOCK_NAMESPACE,
    contention_as_conflicts,
    lock_timeout,
    pipelined_transaction,
)
from booking.services.seat_requests import COUNT_HIT_SQL, RateWindow


@dataclass(frozen=True)
class BestAvailableResult:
    seat_ids: list[int]
    held_until: datetime
    fallback: Fallback
    replayed: bool = False  # the answer to an earlier request with the same Idempotency-Key


class _Stale(BookingError):
    """The chosen block's segments changed between the read and their locks (a concurrent manual hold, a
    release, an expiry): choose again. `counted`: the attempt committed the request's count."""

    def __init__(self, *, counted: bool):
        super().__init__()
        self.counted = counted


def hold_best_available(
    *,
    user,
    showtime_id: int,
    quantity: int,
    category_id: int | None = None,
    accessible: bool = False,
    idempotency_key: str | None = None,
    rate_window: RateWindow | None = None,
) -> BestAvailableResult:
    """Choose the best block of `quantity` seats (best_block: adjacent in one segment and stranding none if
    any such block exists, else one that strands a seat, else two blocks in adjacent rows) and hold it.

    Best-available requests for one showtime queue on one lock (lock order step 0a in locking.py) and read
    the seats after it, so a herd of parties never chooses from the same stale picture. The block is then held
    in one statement with every seat of its segments locked, only if those segments are still as they were
    read (a manual hold, a release or an expiry may have changed them since): otherwise it chooses again from
    a fresh read, up to BEST_AVAILABLE_ATTEMPTS times. Two round trips in all without an Idempotency-Key
    (the lock, count and read; the hold with COMMIT). Raises NoBlock (409 `no_block`, with the largest block)
    when nothing fits.

    The request is counted in `rate_window` (if given) once, sent with the first statements: a refusal (no
    block, the hold cap, a reused key) commits its count, and over the limit nothing is chosen or held
    (RateLimited).

    With an `idempotency_key`, a retry gets the first answer again (`replayed`) and holds nothing more; the
    key with another request is IdempotencyKeyReused (422). Looked up under the showtime's lock and written in
    the hold's transaction, so two retries at once cannot both hold.
    """
    request = {"showtime_id": showtime_id, "quantity": quantity, "category_id": category_id, "accessible": accessible}
    if not 1 <= quantity <= settings.MAX_SEATS_PER_HOLD:
        raise TooManySeats(f"Ask for 1 to {settings.MAX_SEATS_PER_HOLD} seats.")
    for _ in range(settings.BEST_AVAILABLE_ATTEMPTS):
        try:
            return _attempt(user=user, request=request, idempotency_key=idempotency_key, rate_window=rate_window)
        except _Stale as stale:
            if stale.counted:
                rate_window = None  # this request's count is committed: it counts once
    raise SeatsBusy(seat_ids=[])


def _attempt(*, user, request: dict, idempotency_key: str | None, rate_window: RateWindow | None):
    """One choice and hold, in one pipelined transaction: BEGIN, the showtime's lock, the count and the seat
    read travel together; the hold travels with COMMIT (with an Idempotency-Key, its answer is read first, to
    be recorded in the same transaction). A refusal is raised after COMMIT (its count stays)."""
    showtime_id = request["showtime_id"]
    error: BookingError | None = None
    result: BestAvailableResult | None = None
    block: Choice | None = None
    now = timezone.now()  # the read and the hold judge expiries at the same instant
    # The cursors outlive the pipeline: the count's result is read with the seat read's, the hold's after COMMIT.
    with contention_as_conflicts(seat_ids=[]), connection.cursor() as counting, connection.cursor() as holding:
        with pipelined_transaction():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('lock_timeout', %s, true), pg_advisory_xact_lock(%s, %s::integer)",
                    [lock_timeout(), BEST_AVAILABLE_LOCK_NAMESPACE, showtime_id],
                )
            if rate_window is not None:
                counting.execute(COUNT_HIT_SQL, [rate_window.key, rate_window.expires_at])
            earlier = _earlier(user, idempotency_key) if idempotency_key is not None else None
            try:
                state = selection_state(showtime_id=showtime_id, now=now)
                if rate_window is not None and counting.fetchone()[0] > rate_window.limit:
                    raise RateLimited(retry_after=rate_window.retry_after)
                if earlier is not None:
                    result = _replay(earlier, request)
                else:
                    block = _choose(request, state)
                    send_block_hold(
                        holding,
                        user=user,
                        showtime_id=showtime_id,
                        seat_ids=block.seat_ids,
                        expected_free=_free_in_segments(state, block),
                        now=now,
                    )
                    if idempotency_key is not None:
                        result = _held(holding.fetchone(), block, showtime_id, counted=False)
                        BestAvailableRequest.objects.create(
                            user=user,
                            idempotency_key=idempotency_key,
                            **request,
                            seat_ids=result.seat_ids,
                            fallback=result.fallback,
                            held_until=result.held_until,
                        )
            except _Stale:
                raise  # roll back (the count too): choose again
            except BookingError as exc:
                error = exc  # a refusal: committed with its count, then raised
        # Sent without a key and not read yet: its answer arrived with the COMMIT.
        answer = holding.fetchone() if block is not None and idempotency_key is None else None
    if error is not None:
        raise error
    if answer is not None:
        result = _held(answer, block, showtime_id, counted=rate_window is not None)
    return result


def _choose(request: dict, state) -> Choice:
    quantity, category_id, accessible = request["quantity"], request["category_id"], request["accessible"]
    choice = best_block(
        state.plan, state.free, quantity, prices=state.prices, category=category_id, accessible=accessible
    )
    if choice is None:
        largest = largest_block(
            state.plan, state.free, prices=state.prices, category=category_id, accessible=accessible
        )
        raise NoBlock(quantity=quantity, largest_block=largest)
    return choice


def _free_in_segments(state, block: Choice) -> list[int]:
    """The free seats of the block's segments as they were read, in seat-id order: what the hold checks."""
    keys = {state.plan.seats[seat_id].segment_key for seat_id in block.seat_ids}
    return sorted(seat.id for key in keys for seat in state.plan.segments[key] if seat.id in state.free)


def _held(row: tuple, block: Choice, showtime_id: int, *, counted: bool) -> BestAvailableResult:
    """The block hold's answer; _Stale if its segments changed since they were read (nothing was written)."""
    held = block_hold_result(row, showtime_id=showtime_id, seat_ids=block.seat_ids)
    if held is None:
        raise _Stale(counted=counted)
    return BestAvailableResult(seat_ids=held.seat_ids, held_until=held.held_until, fallback=block.fallback)


def _earlier(user, key: str) -> BestAvailableRequest | None:
    return BestAvailableRequest.objects.filter(user=user, idempotency_key=key).first()


def _replay(earlier: BestAvailableRequest, request: dict) -> BestAvailableResult:
    """The first answer under this key; IdempotencyKeyReused if the key came with another request."""
    if {name: getattr(earlier, name) for name in request} != request:
        raise IdempotencyKeyReused("This Idempotency-Key was already used for a different best-available request.")
    return BestAvailableResult(
        seat_ids=earlier.seat_ids, held_until=earlier.held_until, fallback=Fallback(earlier.fallback), replayed=True
    )
