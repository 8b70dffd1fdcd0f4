"""Holding and releasing seats."""

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from booking.exceptions import BookingError, HoldLimitReached, OrphanSeat
from booking.models import SeatEvent, ShowSeat
from booking.seat_selection import Plan, hold_stranding
from booking.selectors.seat_plans import plan_at
from booking.services.locking import (
    USER_LOCK_NAMESPACE,
    call_seat_function,
    change_seats,
    contention_as_conflicts,
    layout_changed,
    lock_timeout,
    pipelined_transaction,
    seat_transaction,
)
from booking.services.seat_requests import RateWindow, normalise_seat_ids, rate_arguments, refuse_unless_ok

Status = ShowSeat.Status


@dataclass(frozen=True)
class HoldResult:
    seat_ids: list[int]
    held_until: datetime  # the earliest expiry among the requested seats


_HOLD_SQL = (
    "SELECT * FROM boxoffice_hold_seats(%s::bigint, %s::bigint, %s::bigint[], %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)
_LOCK_SEGMENTS_SQL = (
    "SELECT * FROM boxoffice_lock_segments(%s::bigint, %s::bigint, %s::bigint[], %s, %s, %s, %s, %s, %s)"
)
_HOLD_BLOCK_SQL = (
    "SELECT * FROM boxoffice_hold_block(%s::bigint, %s::bigint, %s::bigint[], %s::bigint[], %s, %s, %s, %s, %s, %s)"
)


def _hold_settings() -> list:
    """What every hold statement is told, in its parameters' order: the TTL, the per-user cap, the lock timeout
    and the user lock's namespace."""
    return [settings.HOLD_TTL_SECONDS, settings.MAX_SEATS_PER_HOLD, lock_timeout(), USER_LOCK_NAMESPACE]


def _companion_release_seconds() -> int:
    return settings.COMPANION_RELEASE_MINUTES * 60


def _hold_arguments(user, showtime_id, seat_ids, now, rate_window, *, orphans_checked: bool) -> list:
    return [
        user.pk,
        showtime_id,
        seat_ids,
        now,
        *_hold_settings(),
        *rate_arguments(rate_window),
        orphans_checked,
        _companion_release_seconds(),
    ]


# Showtimes this process has seen under the no-single-seat rule: their holds go straight to the segment locks
# instead of first asking the hold function, which would answer `check_orphans`. The locking statement reports
# the switch, so a showtime whose rule was turned off is forgotten on its next hold (and that hold takes no
# refusal from the rule). Bounded: a busy process sees a few hundred showtimes a day.
_UNDER_RULE: dict[int, None] = {}
_UNDER_RULE_MAX = 1024
_UNDER_RULE_LOCK = threading.Lock()  # request threads; taken only to change what is remembered


def _remember_rule(showtime_id: int, under_rule: bool) -> None:
    if under_rule == (showtime_id in _UNDER_RULE):
        return
    with _UNDER_RULE_LOCK:
        if not under_rule:
            _UNDER_RULE.pop(showtime_id, None)
            return
        if len(_UNDER_RULE) >= _UNDER_RULE_MAX:
            _UNDER_RULE.pop(next(iter(_UNDER_RULE)))  # the oldest
        _UNDER_RULE[showtime_id] = None


def hold_seats(*, user, showtime_id: int, seat_ids: list[int], rate_window: RateWindow | None = None) -> HoldResult:
    """Hold every requested seat for `user`, or none of them.

    Seats the user already holds stay held with their original expiry (a re-hold never extends one).
    One statement (`boxoffice_hold_seats`, seat_writes.sql): the request counted in `rate_window` (if
    given), the unlocked snapshot that refuses a seat visibly taken before any seat lock, the user's lock,
    the seat locks in primary-key order, the per-user cap, the change with its history and layout version.
    A showtime under the no-single-seat rule answers `check_orphans` before counting or locking anything;
    the hold then runs with its segments locked (`hold_with_segments_locked`) and the rule applied, and this
    process sends the showtime's next holds there directly (two round trips in all).
    """
    seat_ids = normalise_seat_ids(seat_ids)
    if showtime_id not in _UNDER_RULE:
        row = call_seat_function(
            _HOLD_SQL,
            _hold_arguments(
                user=user,
                showtime_id=showtime_id,
                seat_ids=seat_ids,
                now=timezone.now(),
                rate_window=rate_window,
                orphans_checked=False,
            ),
            seat_ids=seat_ids,
            showtime_id=showtime_id,
        )
        if row[0] != "check_orphans":
            return _hold_result(row, seat_ids=seat_ids, rate_window=rate_window)
        _remember_rule(showtime_id, True)
    return hold_with_segments_locked(
        user=user,
        showtime_id=showtime_id,
        seat_ids=seat_ids,
        rate_window=rate_window,
        refusal=lambda plan, free: _stranding_refusal(plan, free, seat_ids),
    )


def _stranding_refusal(plan: Plan, free: frozenset[int], seat_ids: list[int]) -> OrphanSeat | None:
    stranding = hold_stranding(plan, free, seat_ids)
    if stranding is None:
        return None
    seat = plan.seats[stranding.seat_id]
    return OrphanSeat(seat_id=seat.id, label=f"{seat.row}{seat.number}", suggestion=stranding.suggestion)


def hold_with_segments_locked(
    *,
    user,
    showtime_id: int,
    seat_ids: list[int],
    rate_window: RateWindow | None,
    refusal: Callable[[Plan, frozenset[int]], BookingError | None],
) -> HoldResult:
    """Hold `seat_ids` with every seat of their segments locked, after `refusal` has looked at the hall plan and
    which of those seats are free (under the locks, so no concurrent hold can change them) and not refused.

    Two statements in one pipelined transaction (locking.pipelined_transaction: two round trips):
    `boxoffice_lock_segments` (the count, the unlocked refusal of a seat visibly taken, the user's lock, the
    segments' rows in primary-key order) and `boxoffice_hold_seats`, told the rule was applied. A refusal
    commits too: the request still counts against the rate limit. A showtime whose rule has been turned off
    meanwhile is held without asking `refusal`.
    """
    seat_ids = normalise_seat_ids(seat_ids)
    now = timezone.now()
    error: BookingError | None = None
    held = False
    with contention_as_conflicts(seat_ids=seat_ids), connection.cursor() as locking, connection.cursor() as holding:
        with pipelined_transaction():
            arguments = [user.pk, showtime_id, seat_ids, now, lock_timeout(), USER_LOCK_NAMESPACE]
            locking.execute(_LOCK_SEGMENTS_SQL, [*arguments, *rate_arguments(rate_window)])
            outcome, ids, free, revision, across, depth, under_rule = locking.fetchone()
            if outcome != "ok":
                error = _refusal(outcome, ids, rate_window)
            else:
                _remember_rule(showtime_id, under_rule)
                if under_rule:
                    error = refusal(plan_at(showtime_id, revision, across, depth), frozenset(free))
                if error is None:
                    holding.execute(
                        _HOLD_SQL,
                        _hold_arguments(
                            user=user,
                            showtime_id=showtime_id,
                            seat_ids=seat_ids,
                            now=now,
                            rate_window=None,
                            orphans_checked=True,
                        ),
                    )
                    held = True
        row = holding.fetchone() if held else None  # arrived with the COMMIT
    if error is not None:
        raise error
    if row[0] == "ok":
        layout_changed(showtime_id)
    return _hold_result(row, seat_ids=seat_ids, rate_window=rate_window)


def send_block_hold(cursor, *, user, showtime_id: int, seat_ids, expected_free: list[int], now) -> None:
    """Best available's hold, sent on `cursor` in the caller's (pipelined) transaction: the block `seat_ids`,
    held only if the free seats of its segments are still exactly `expected_free` (in seat-id order), with every
    seat of those segments locked (`boxoffice_hold_block`, seat_writes.sql). `block_hold_result` reads the answer.
    """
    seat_ids = normalise_seat_ids(seat_ids)
    cursor.execute(
        _HOLD_BLOCK_SQL,
        [user.pk, showtime_id, seat_ids, expected_free, now, *_hold_settings(), _companion_release_seconds()],
    )


def block_hold_result(row: tuple, *, showtime_id: int, seat_ids) -> HoldResult | None:
    """The answer to `send_block_hold`: None if the segments changed since the block was chosen (nothing was
    written), else the hold, or its refusal raised."""
    if row[0] == "stale":
        return None
    result = _hold_result(row, seat_ids=normalise_seat_ids(seat_ids), rate_window=None)
    layout_changed(showtime_id)
    return result


def _refusal(outcome: str, ids, rate_window) -> BookingError:
    try:
        refuse_unless_ok(outcome, ids, rate_window=rate_window)
    except BookingError as exc:
        return exc
    raise RuntimeError(f"{outcome!r} is not a refusal")


def _hold_result(row: tuple, *, seat_ids: list[int], rate_window: RateWindow | None) -> HoldResult:
    outcome, ids, held_until, live_holds = row
    if outcome == "hold_limit":
        raise HoldLimitReached(
            f"You may hold at most {settings.MAX_SEATS_PER_HOLD} seats for this showtime "
            f"and already hold {live_holds}.",
            seat_ids=ids,
        )
    refuse_unless_ok(outcome, ids, rate_window=rate_window)
    return HoldResult(seat_ids=seat_ids, held_until=held_until)


def release_holds(*, user, showtime_id: int, seat_ids: list[int]) -> list[int]:
    """Release the user's own holds (live or already expired) on the requested seats, all or none.
    One statement (`boxoffice_release_holds`, seat_writes.sql)."""
    seat_ids = normalise_seat_ids(seat_ids)
    outcome, ids = call_seat_function(
        "SELECT * FROM boxoffice_release_holds(%s::bigint, %s::bigint, %s::bigint[], %s, %s)",
        [user.pk, showtime_id, seat_ids, timezone.now(), lock_timeout()],
        seat_ids=seat_ids,
        showtime_id=showtime_id,
    )
    refuse_unless_ok(outcome, ids)
    return seat_ids


def release_expired_holds(*, batch_size: int = 1000) -> int:
    """Turn expired holds back into available seats. Returns how many were released.

    Tidying only: every read and write already treats an expired hold as free, so the layout does
    not change and its version is left alone. Rows locked by a running transaction are skipped (it
    is about to decide their fate) and picked up next time.
    """
    now = timezone.now()
    released = 0
    while True:
        with transaction.atomic():
            pks = list(
                ShowSeat.objects.select_for_update(skip_locked=True)
                .filter(status=Status.HELD, held_until__lte=now)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not pks:
                return released
            change_seats(
                show_seat_pks=pks, event=SeatEvent.Kind.EXPIRED, actor_id=None, at=now, status=Status.AVAILABLE
            )
            released += len(pks)
        if len(pks) < batch_size:
            return released


def release_holds_by_admin(*, staff_user, show_seat_ids: list[int]) -> int:
    """Release the selected holds whoever holds them (admin action). Returns how many were released."""
    with seat_transaction(seat_ids=show_seat_ids):
        rows = list(
            ShowSeat.objects.select_for_update()
            .filter(pk__in=show_seat_ids, status=Status.HELD)
            .order_by("pk")
            .only("pk", "showtime_id")
        )
        now = timezone.now()
        for showtime_id in sorted({r.showtime_id for r in rows}):
            change_seats(
                showtime_id=showtime_id,
                show_seat_pks=[r.pk for r in rows if r.showtime_id == showtime_id],
                event=SeatEvent.Kind.RELEASED,
                actor_id=staff_user.pk,
                at=now,
                status=Status.AVAILABLE,
            )
    return len(rows)
