"""Best available and the no-single-seat rule under real concurrency: threads, each with its own connection,
released by a barrier; the database is audited afterwards, and every choice replayed against the rules."""

import random
from collections import defaultdict

import pytest
from django.db import connection
from django.utils import timezone

from booking.exceptions import NoBlock, OrphanSeat
from booking.models import SeatEvent, ShowSeat
from booking.seat_selection import Fallback, best_block, stranded
from booking.selectors.seat_plans import selection_state
from booking.services.best_available import hold_best_available
from booking.services.holds import hold_seats
from booking.tests.conftest import make_planned_showtime, seat_at
from booking.tests.factories import UserFactory
from booking.tests.invariants import assert_booking_invariants
from booking.tests.test_concurrency import run_together

pytestmark = pytest.mark.django_db(transaction=True)

USERS = 100
THREADS = 25  # 100 users over 25 connections: the test database allows 100 in all

HALL = "\n".join(f"{row}: SSSS_SSSSSSSS_SSSS" for row in "ABCDEFGH")  # 128 seats, far fewer than asked for


def test_a_herd_asking_for_best_available_gets_blocks_the_rules_would_choose():
    showtime = make_planned_showtime(HALL)
    rng = random.Random(13)
    parties = [(UserFactory(), rng.randint(2, 6)) for _ in range(USERS)]
    start = selection_state(showtime_id=showtime.pk, now=timezone.now())
    outcomes: dict[int, object] = {}

    def worker(batch):
        def work():
            for user, quantity in batch:
                try:
                    outcomes[user.pk] = hold_best_available(user=user, showtime_id=showtime.pk, quantity=quantity)
                except NoBlock as refusal:
                    outcomes[user.pk] = refusal
                finally:
                    connection.close()

        return work

    run_together([worker(parties[i::THREADS]) for i in range(THREADS)])

    quantities = {user.pk: quantity for user, quantity in parties}
    assert len(outcomes) == USERS
    assert all(not isinstance(o, Exception) or isinstance(o, NoBlock) for o in outcomes.values()), outcomes
    held = defaultdict(set)
    for seat_id, user_id in ShowSeat.objects.filter(showtime=showtime, status="held").values_list(
        "seat_id", "held_by_id"
    ):
        held[user_id].add(seat_id)
    successes = {pk: o for pk, o in outcomes.items() if not isinstance(o, NoBlock)}
    assert {pk: set(o.seat_ids) for pk, o in successes.items()} == dict(held)  # no seat twice, nothing else
    assert len(successes) >= 20

    # Replay: best-available choices are made one at a time (the showtime's lock), in the order their seat
    # events were written. Each must be exactly what the rules choose from the seats then free.
    order = list(
        SeatEvent.objects.filter(showtime=showtime, event="held").order_by("pk").values_list("user_id", flat=True)
    )
    first_seen = list(dict.fromkeys(order))
    free = set(start.free)
    for user_id in first_seen:
        result = successes[user_id]
        expected = best_block(start.plan, free, quantities[user_id], prices=start.prices)
        assert expected is not None
        assert (set(expected.seat_ids), expected.fallback) == (set(result.seat_ids), result.fallback)
        free -= set(result.seat_ids)
    for user_id, outcome in outcomes.items():
        if isinstance(outcome, NoBlock):  # nothing was ever released: no block then means none now
            assert best_block(start.plan, free, quantities[user_id], prices=start.prices) is None
    assert any(o.fallback == Fallback.NONE for o in successes.values())
    assert_booking_invariants()


def test_holds_side_by_side_never_strand_a_seat_between_them():
    rows = "ABCDEFGHIJKLMNOPQRST"
    showtime = make_planned_showtime("\n".join(f"{row}: SSSSSSSSSS" for row in rows), prevent_orphans=True)
    for row in rows:  # alone, either hold is fine; together they would strand seat 4
        left_user, right_user = UserFactory(), UserFactory()
        left = [seat_at(showtime, f"{row}{n}") for n in (3, 2, 1)]
        right = [seat_at(showtime, f"{row}{n}") for n in (5, 6, 7)]
        results = run_together(
            [
                lambda user=left_user, seats=left: hold_seats(user=user, showtime_id=showtime.pk, seat_ids=seats),
                lambda user=right_user, seats=right: hold_seats(user=user, showtime_id=showtime.pk, seat_ids=seats),
            ]
        )
        refused = [r for r in results if isinstance(r, Exception)]
        assert len(refused) == 1, results
        assert isinstance(refused[0], OrphanSeat)
        flags = [
            status == "available"
            for status in ShowSeat.objects.filter(showtime=showtime, seat__row=row)
            .order_by("seat__column")
            .values_list("status", flat=True)
        ]
        taken = {i for i, is_free in enumerate(flags) if not is_free}
        assert not stranded([True] * len(flags), taken), (row, flags)
    assert_booking_invariants()
