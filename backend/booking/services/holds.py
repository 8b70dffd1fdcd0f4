"""Holding and releasing seats."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from booking.exceptions import HoldLimitReached, NotHeld, SeatNotFound, SeatUnavailable
from booking.models import ShowSeat
from booking.services.locking import bump_layout_version, seat_transaction
from booking.services.seat_requests import ensure_not_started, get_showtime, normalise_seat_ids

Status = ShowSeat.Status


@dataclass(frozen=True)
class HoldResult:
    seat_ids: list[int]
    held_until: datetime  # the earliest expiry among the requested seats


def _raise_missing(*, showtime_id: int, missing: set[int], error: type) -> None:
    """Requested seats the locking query did not return: unknown to this showtime (404) or `error`."""
    existing = set(
        ShowSeat.objects.filter(showtime_id=showtime_id, seat_id__in=missing).values_list("seat_id", flat=True)
    )
    if missing - existing:
        raise SeatNotFound(seat_ids=missing - existing)
    raise error(seat_ids=missing)


def hold_seats(*, user, showtime_id: int, seat_ids: list[int]) -> HoldResult:
    """Hold every requested seat for `user`, or none of them.

    Seats the user already holds stay held with their original expiry (a re-hold never extends one).
    """
    seat_ids = normalise_seat_ids(seat_ids)
    showtime = get_showtime(showtime_id)
    ensure_not_started(showtime)
    now = timezone.now()

    with seat_transaction(seat_ids=seat_ids, user_id=user.pk):
        # Only rows this user may take are locked; a seat visibly taken by someone else is not
        # waited for at all, which is what keeps a hot seat's losers fast.
        claimable = Q(status=Status.AVAILABLE) | Q(status=Status.HELD, held_until__lte=now) | Q(held_by=user)
        rows = list(
            ShowSeat.objects.select_for_update()
            .filter(claimable, showtime_id=showtime_id, seat_id__in=seat_ids)
            .order_by("pk")
            .only("pk", "seat_id", "status", "held_by_id", "held_until")
        )
        if len(rows) != len(seat_ids):
            _raise_missing(
                showtime_id=showtime_id, missing=set(seat_ids) - {r.seat_id for r in rows}, error=SeatUnavailable
            )

        already_mine = [r for r in rows if r.status == Status.HELD and r.held_by_id == user.pk and r.held_until > now]
        to_hold = [r for r in rows if not (r.status == Status.HELD and r.held_by_id == user.pk and r.held_until > now)]
        held_until = now + timedelta(seconds=showtime.effective_hold_ttl_seconds)
        if to_hold:
            live_holds = ShowSeat.objects.filter(
                showtime_id=showtime_id, held_by=user, status=Status.HELD, held_until__gt=now
            ).count()
            if live_holds + len(to_hold) > settings.MAX_SEATS_PER_HOLD:
                raise HoldLimitReached(
                    f"You may hold at most {settings.MAX_SEATS_PER_HOLD} seats for this showtime "
                    f"and already hold {live_holds}.",
                    seat_ids=[r.seat_id for r in to_hold],
                )
            ShowSeat.objects.filter(pk__in=[r.pk for r in to_hold]).update(
                status=Status.HELD, held_by=user, held_until=held_until
            )
            bump_layout_version(showtime_id=showtime_id, actor_id=user.pk)

    return HoldResult(seat_ids=seat_ids, held_until=min([held_until, *(r.held_until for r in already_mine)]))


def release_holds(*, user, showtime_id: int, seat_ids: list[int]) -> list[int]:
    """Release the user's own holds (live or already expired) on the requested seats, all or none."""
    seat_ids = normalise_seat_ids(seat_ids)
    get_showtime(showtime_id)

    with seat_transaction(seat_ids=seat_ids):
        rows = list(
            ShowSeat.objects.select_for_update()
            .filter(showtime_id=showtime_id, seat_id__in=seat_ids, status=Status.HELD, held_by=user)
            .order_by("pk")
            .only("pk", "seat_id")
        )
        if len(rows) != len(seat_ids):
            _raise_missing(showtime_id=showtime_id, missing=set(seat_ids) - {r.seat_id for r in rows}, error=NotHeld)
        ShowSeat.objects.filter(pk__in=[r.pk for r in rows]).update(
            status=Status.AVAILABLE, held_by=None, held_until=None
        )
        bump_layout_version(showtime_id=showtime_id, actor_id=user.pk)
    return seat_ids


def release_expired_holds(*, batch_size: int = 1000) -> int:
    """Turn expired holds back into available seats. Returns how many were released.

    Tidying only: every read and write already treats an expired hold as free. Rows locked by a
    running transaction are skipped (it is about to decide their fate) and picked up next time.
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
            released += ShowSeat.objects.filter(pk__in=pks).update(
                status=Status.AVAILABLE, held_by=None, held_until=None
            )
        if len(pks) < batch_size:
            return released


def release_holds_by_admin(*, show_seat_ids: list[int]) -> int:
    """Release the selected holds whoever holds them (admin action). Returns how many were released."""
    with seat_transaction(seat_ids=show_seat_ids):
        rows = list(
            ShowSeat.objects.select_for_update()
            .filter(pk__in=show_seat_ids, status=Status.HELD)
            .order_by("pk")
            .only("pk", "showtime_id")
        )
        ShowSeat.objects.filter(pk__in=[r.pk for r in rows]).update(
            status=Status.AVAILABLE, held_by=None, held_until=None
        )
        for showtime_id in {r.showtime_id for r in rows}:
            bump_layout_version(showtime_id=showtime_id, actor_id=0)
    return len(rows)
