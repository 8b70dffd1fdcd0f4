"""Holding and releasing seats."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from booking.exceptions import HoldLimitReached, NotHeld, SeatUnavailable
from booking.models import SeatEvent, ShowSeat
from booking.services.locking import change_seats, seat_transaction
from booking.services.seat_requests import normalise_seat_ids, seat_snapshot

Status = ShowSeat.Status

# The user's live holds in the showtime, counted by the same query that locks the requested seats.
_LIVE_HOLDS_SQL = """
    SELECT count(*) FROM booking_showseat mine
    WHERE mine.held_by_id = %s AND mine.showtime_id = %s AND mine.status = 'held' AND mine.held_until > %s
"""


@dataclass(frozen=True)
class HoldResult:
    seat_ids: list[int]
    held_until: datetime  # the earliest expiry among the requested seats


def hold_seats(*, user, showtime_id: int, seat_ids: list[int]) -> HoldResult:
    """Hold every requested seat for `user`, or none of them.

    Seats the user already holds stay held with their original expiry (a re-hold never extends one).
    """
    seat_ids = normalise_seat_ids(seat_ids)
    snapshot = seat_snapshot(showtime_id=showtime_id, seat_ids=seat_ids)
    snapshot.ensure_not_started()
    now = timezone.now()
    # A seat visibly taken by someone else fails the request before it locks anything: this is
    # what answers a hot seat's losers in one query.
    taken = [seat_id for seat_id, state in snapshot.seats.items() if state.is_taken_from(user.pk, now)]
    if taken:
        raise SeatUnavailable(seat_ids=taken)

    with seat_transaction(seat_ids=seat_ids, user_id=user.pk):
        # Only rows this user may take are locked (the WHERE is re-checked after any lock wait), so
        # a seat taken since the snapshot is skipped, not waited for twice.
        claimable = Q(status=Status.AVAILABLE) | Q(status=Status.HELD, held_until__lte=now) | Q(held_by=user)
        rows = list(
            ShowSeat.objects.select_for_update(of=("self",))
            .filter(claimable, showtime_id=showtime_id, seat_id__in=seat_ids)
            .annotate(live_holds=RawSQL(_LIVE_HOLDS_SQL, (user.pk, showtime_id, now)))
            .order_by("pk")
            .only("pk", "seat_id", "status", "held_by_id", "held_until")
        )
        if len(rows) != len(seat_ids):
            raise SeatUnavailable(seat_ids=set(seat_ids) - {r.seat_id for r in rows})

        def already_mine(row) -> bool:
            return row.status == Status.HELD and row.held_by_id == user.pk and row.held_until > now

        to_hold = [r for r in rows if not already_mine(r)]
        held_until = now + timedelta(seconds=snapshot.hold_ttl_seconds)
        if to_hold:
            live_holds = rows[0].live_holds
            if live_holds + len(to_hold) > settings.MAX_SEATS_PER_HOLD:
                raise HoldLimitReached(
                    f"You may hold at most {settings.MAX_SEATS_PER_HOLD} seats for this showtime "
                    f"and already hold {live_holds}.",
                    seat_ids=[r.seat_id for r in to_hold],
                )
            change_seats(
                showtime_id=showtime_id,
                show_seat_pks=[r.pk for r in to_hold],
                event=SeatEvent.Kind.HELD,
                actor_id=user.pk,
                at=now,
                status=Status.HELD,
                held_by_id=user.pk,
                held_until=held_until,
            )

    return HoldResult(seat_ids=seat_ids, held_until=min([held_until, *(r.held_until for r in rows if already_mine(r))]))


def release_holds(*, user, showtime_id: int, seat_ids: list[int]) -> list[int]:
    """Release the user's own holds (live or already expired) on the requested seats, all or none."""
    seat_ids = normalise_seat_ids(seat_ids)
    snapshot = seat_snapshot(showtime_id=showtime_id, seat_ids=seat_ids)
    not_mine = [seat_id for seat_id, state in snapshot.seats.items() if state.held_by_id != user.pk]
    if not_mine:
        raise NotHeld(seat_ids=not_mine)

    with seat_transaction(seat_ids=seat_ids):
        rows = list(
            ShowSeat.objects.select_for_update()
            .filter(showtime_id=showtime_id, seat_id__in=seat_ids, status=Status.HELD, held_by=user)
            .order_by("pk")
            .only("pk", "seat_id")
        )
        if len(rows) != len(seat_ids):
            raise NotHeld(seat_ids=set(seat_ids) - {r.seat_id for r in rows})
        change_seats(
            showtime_id=showtime_id,
            show_seat_pks=[r.pk for r in rows],
            event=SeatEvent.Kind.RELEASED,
            actor_id=user.pk,
            at=timezone.now(),
            status=Status.AVAILABLE,
        )
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
