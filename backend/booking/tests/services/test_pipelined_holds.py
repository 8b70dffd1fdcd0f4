"""Holds that run with their segments locked (the no-single-seat rule, best available) in a pipelined transaction
(services/locking.py's pipelined_transaction): how many round trips they cost, counted from libpq's own trace of
the connection, and that a refusal, a lock wait that runs out or a killed backend still leave nothing half done.
In autocommit, as a request runs them."""

import threading

import psycopg
import pytest
from django.db import OperationalError, connection

from booking.exceptions import IdempotencyKeyReused, NoBlock, OrphanSeat, RateLimited, SeatsBusy
from booking.models import BestAvailableRequest, LayoutVersion, RateCounter, SeatEvent, ShowSeat, Showtime
from booking.seat_selection import best_block
from booking.services.best_available import hold_best_available
from booking.services.holds import hold_seats
from booking.services.locking import after_commit, pipelined_transaction
from booking.tests.conftest import make_planned_showtime, seat_at
from booking.tests.factories import UserFactory
from booking.tests.faults.helpers import RowBlocker, kill_while_waiting, test_database_url
from booking.tests.invariants import assert_booking_invariants
from booking.tests.round_trips import round_trips
from booking.tests.services.test_seat_functions import _window

pytestmark = pytest.mark.django_db(transaction=True)


def _seats(showtime, *labels) -> list[int]:
    return [seat_at(showtime, label) for label in labels]


def _hold(user, showtime, *labels, **kwargs):
    return hold_seats(user=user, showtime_id=showtime.pk, seat_ids=_seats(showtime, *labels), **kwargs)


def _state(showtime):
    seats = list(ShowSeat.objects.filter(showtime=showtime).order_by("pk").values_list("seat_id", "status"))
    versions = sum(LayoutVersion.objects.filter(showtime=showtime).values_list("version", flat=True))
    return seats, SeatEvent.objects.count(), versions


def test_a_hold_under_the_rule_is_two_round_trips_once_the_process_knows_the_rule():
    showtime = make_planned_showtime("A: SSSSSSSS\nB: SSSSSSSS", prevent_orphans=True)
    user = UserFactory()

    first_seats, second_seats = _seats(showtime, "A1", "A2"), _seats(showtime, "B1", "B2")

    with round_trips() as first:  # the hold function answers check_orphans, then the pipelined hold
        hold_seats(user=user, showtime_id=showtime.pk, seat_ids=first_seats)
    with round_trips() as second:
        hold_seats(user=user, showtime_id=showtime.pk, seat_ids=second_seats)

    assert (first.count, second.count) == (3 + 1, 2)  # + 1: the first hold reads the hall plan once
    assert ShowSeat.objects.filter(showtime=showtime, status="held").count() == 4
    assert_booking_invariants()


def test_a_refusal_under_the_rule_is_two_round_trips_and_still_counts_the_request():
    showtime = make_planned_showtime("A: SSSSSS", prevent_orphans=True)
    user = UserFactory()
    _hold(user, showtime, "A1", "A2")
    before = _state(showtime)

    seats = _seats(showtime, "A4", "A5")

    with round_trips() as refused, pytest.raises(OrphanSeat):
        hold_seats(user=user, showtime_id=showtime.pk, seat_ids=seats, rate_window=_window("t:hold:rule", 10))

    assert refused.count == 2
    assert _state(showtime) == before
    assert RateCounter.objects.get(key="t:hold:rule").hits == 1  # committed with the refusal


def test_a_showtime_whose_rule_is_turned_off_is_forgotten_on_its_next_hold():
    showtime = make_planned_showtime("A: SSSSSS\nB: SSSSSS", prevent_orphans=True)
    user = UserFactory()
    _hold(user, showtime, "A1", "A2")  # this process now sends the showtime's holds to the segment locks
    Showtime.objects.filter(pk=showtime.pk).update(prevent_orphans=False)

    _hold(user, showtime, "A4", "A5")  # strands A3 (and A6): allowed, the rule is off
    seats = _seats(showtime, "B2")
    with round_trips() as after:
        hold_seats(user=user, showtime_id=showtime.pk, seat_ids=seats)

    assert after.count == 1  # back to the one statement
    assert ShowSeat.objects.filter(showtime=showtime, status="held").count() == 5


def test_best_available_is_two_round_trips():
    showtime = make_planned_showtime("A: SSSSSSSS\nB: SSSSSSSS\nC: SSSSSSSS")
    user = UserFactory()
    hold_best_available(user=user, showtime_id=showtime.pk, quantity=2)  # reads the hall plan once

    with round_trips() as trips:
        result = hold_best_available(user=user, showtime_id=showtime.pk, quantity=3)
    with round_trips() as keyed:
        hold_best_available(user=user, showtime_id=showtime.pk, quantity=2, idempotency_key="two-trips")

    # BEGIN + the showtime's lock + the seat read; the hold (segment locks, check, hold) + COMMIT.
    assert trips.count == 2
    assert len(result.seat_ids) == 3
    # With a key: + the earlier request's lookup (an ORM read, before the seat read), + the hold's answer, read
    # before it is recorded, + the record.
    assert keyed.count == 5
    assert_booking_invariants()


@pytest.fixture
def blocker():
    blocker = RowBlocker(test_database_url())
    yield blocker
    blocker.close()


def test_a_lock_wait_that_runs_out_in_the_pipeline_is_seats_busy_and_changes_nothing(settings, blocker):
    settings.LOCK_TIMEOUT_MS = 200
    showtime = make_planned_showtime("A: SSSSSS", prevent_orphans=True)
    user = UserFactory()
    before = _state(showtime)
    blocker.lock_seat(showtime_id=showtime.pk, seat_id=seat_at(showtime, "A6"))  # same segment, not requested

    with pytest.raises(SeatsBusy) as busy:
        _hold(user, showtime, "A1", "A2")

    assert busy.value.seat_ids == [seat_at(showtime, "A1"), seat_at(showtime, "A2")]
    blocker.release()
    assert _state(showtime) == before
    _hold(user, showtime, "A1", "A2")  # the connection is usable: the failed transaction was rolled back
    assert_booking_invariants()


def test_a_backend_killed_mid_pipelined_hold_leaves_no_partial_change(blocker):
    showtime = make_planned_showtime("A: SSSSSS", prevent_orphans=True)
    user = UserFactory()
    before = _state(showtime)
    blocker.lock_seat(showtime_id=showtime.pk, seat_id=seat_at(showtime, "A6"))  # waited on by the segment locks

    outcome = kill_while_waiting(lambda: _hold(user, showtime, "A1", "A2"), blocker=blocker)

    assert isinstance(outcome.get("error"), OperationalError), outcome
    assert _state(showtime) == before
    assert_booking_invariants()


def test_best_available_counts_the_request_in_its_transaction_at_no_round_trip():
    showtime = make_planned_showtime("A: SSSSSSSS\nB: SSSSSSSS")
    user = UserFactory()
    hold_best_available(user=user, showtime_id=showtime.pk, quantity=2)  # reads the hall plan once
    window = _window("t:best:me", 3)

    with round_trips() as trips:
        hold_best_available(user=user, showtime_id=showtime.pk, quantity=2, rate_window=window)

    assert trips.count == 2  # as without a count
    assert RateCounter.objects.get(key="t:best:me").hits == 1


def test_a_best_available_refusal_commits_its_count_and_over_the_limit_nothing_is_held():
    showtime = make_planned_showtime("A: SSS")
    user = UserFactory()
    window = _window("t:best:refused", 3)

    with pytest.raises(NoBlock):
        hold_best_available(user=user, showtime_id=showtime.pk, quantity=4, rate_window=window)
    hold_best_available(user=user, showtime_id=showtime.pk, quantity=1, rate_window=window, idempotency_key="k")
    with pytest.raises(IdempotencyKeyReused):
        hold_best_available(user=user, showtime_id=showtime.pk, quantity=2, rate_window=window, idempotency_key="k")
    before = _state(showtime)
    with pytest.raises(RateLimited) as limited:
        hold_best_available(user=user, showtime_id=showtime.pk, quantity=1, rate_window=window)

    assert limited.value.retry_after == window.retry_after
    assert _state(showtime) == before  # over the limit: nothing chosen, nothing held
    assert RateCounter.objects.get(key="t:best:refused").hits == 4  # every request counted, refusals too
    assert_booking_invariants()


def _committed_hits(key: str):
    with psycopg.connect(test_database_url(), autocommit=True) as other:
        row = other.execute("SELECT hits FROM booking_ratecounter WHERE key = %s", [key]).fetchone()
    return row[0] if row else None


def test_work_after_commit_runs_once_a_pipelined_transaction_has_committed_and_not_after_a_rollback():
    # What a change's second drop of the cached layout state relies on (locking.layout_changed): run inside
    # best available's transaction, it must come after COMMIT, or a read meanwhile could cache the old state.
    seen = []
    with pipelined_transaction():
        with connection.cursor() as cursor:
            cursor.execute("SELECT boxoffice_count_hit('t:after', now() + interval '1 minute')")
        assert after_commit(lambda: seen.append(_committed_hits("t:after")))
        assert seen == []
    assert seen == [1]  # it ran, and saw the transaction's row from another connection
    assert not after_commit(lambda: seen.append("autocommit"))  # no transaction: nothing to wait for

    def count_then_fail():
        with pipelined_transaction():
            with connection.cursor() as cursor:
                cursor.execute("SELECT boxoffice_count_hit('t:after', now() + interval '1 minute')")
            after_commit(lambda: seen.append("rolled back"))
            raise RuntimeError("roll back")

    with pytest.raises(RuntimeError):
        count_then_fail()
    assert seen == [1]
    assert _committed_hits("t:after") == 1


def _taking_after_reads(monkeypatch, taker, seats_to_take):
    """Make best available's seat reads each followed, before its hold, by `taker` holding the next of
    `seats_to_take` on its own connection (a manual hold racing the choice); returns the reads' count."""
    from booking.services import best_available

    read = best_available.selection_state
    reads = []

    def read_then_take(**kwargs):
        state = read(**kwargs)
        if len(reads) < len(seats_to_take):
            seat = seats_to_take[len(reads)]
            taking = threading.Thread(target=_hold_elsewhere, args=(taker, kwargs["showtime_id"], seat))
            taking.start()
            taking.join(timeout=30)
        reads.append(state)
        return state

    monkeypatch.setattr(best_available, "selection_state", read_then_take)
    return reads


def _hold_elsewhere(user, showtime_id, seat_id):
    try:
        hold_seats(user=user, showtime_id=showtime_id, seat_ids=[seat_id])
    finally:
        connection.close()


def test_best_available_chooses_again_when_its_segment_changed_since_the_read(monkeypatch):
    # The party of two is chosen from row B's centre; before its hold, someone takes B1, a seat of the same
    # segment outside the block. The block is still free, but the segment is not as it was read: choose again.
    showtime = make_planned_showtime("A: SSSSSS\nB: SSSSSS\nC: SSSSSS")
    user, taker = UserFactory(), UserFactory()
    reads = _taking_after_reads(monkeypatch, taker, [seat_at(showtime, "B1")])
    window = _window("t:best:stale", 3)

    result = hold_best_available(user=user, showtime_id=showtime.pk, quantity=2, rate_window=window)

    assert len(reads) == 2
    first = best_block(reads[0].plan, reads[0].free, 2, prices=reads[0].prices)
    assert seat_at(showtime, "B1") not in first.seat_ids  # the first choice itself was untouched
    again = best_block(reads[1].plan, reads[1].free, 2, prices=reads[1].prices)
    assert set(result.seat_ids) == set(again.seat_ids)  # what the rules choose from the state after the change
    held = set(ShowSeat.objects.filter(showtime=showtime, held_by=user).values_list("seat_id", flat=True))
    assert held == set(result.seat_ids)
    assert RateCounter.objects.get(key="t:best:stale").hits == 1  # the first attempt's count was kept, once
    assert_booking_invariants()


def test_best_available_whose_segments_keep_changing_gives_up_busy_and_holds_nothing(monkeypatch, settings):
    settings.BEST_AVAILABLE_ATTEMPTS = 2
    showtime = make_planned_showtime("A: SSSSSSSS")
    user, taker = UserFactory(), UserFactory()
    reads = _taking_after_reads(monkeypatch, taker, [seat_at(showtime, "A1"), seat_at(showtime, "A8")])

    with pytest.raises(SeatsBusy):
        hold_best_available(user=user, showtime_id=showtime.pk, quantity=2, idempotency_key="busy")

    assert len(reads) == 2
    assert not ShowSeat.objects.filter(showtime=showtime, held_by=user).exists()
    assert not BestAvailableRequest.objects.filter(idempotency_key="busy").exists()
    assert_booking_invariants()


def test_a_lock_wait_that_runs_out_in_best_availables_hold_is_seats_busy_and_changes_nothing(settings, blocker):
    settings.LOCK_TIMEOUT_MS = 200
    showtime = make_planned_showtime("A: SSSSSS")
    user = UserFactory()
    before = _state(showtime)
    blocker.lock_seat(showtime_id=showtime.pk, seat_id=seat_at(showtime, "A6"))  # same segment, not chosen

    with pytest.raises(SeatsBusy):
        hold_best_available(user=user, showtime_id=showtime.pk, quantity=2, rate_window=_window("t:best:busy", 3))

    assert _state(showtime) == before
    assert _committed_hits("t:best:busy") is None  # rolled back with the rest
    blocker.release()
    assert len(hold_best_available(user=user, showtime_id=showtime.pk, quantity=2).seat_ids) == 2
    assert_booking_invariants()


def test_a_backend_killed_mid_best_available_hold_leaves_no_partial_change(blocker):
    showtime = make_planned_showtime("A: SSSSSS")
    user = UserFactory()
    before = _state(showtime)
    blocker.lock_seat(showtime_id=showtime.pk, seat_id=seat_at(showtime, "A1"))  # waited on by the segment locks

    outcome = kill_while_waiting(
        lambda: hold_best_available(user=user, showtime_id=showtime.pk, quantity=2), blocker=blocker
    )

    assert isinstance(outcome.get("error"), OperationalError), outcome
    assert _state(showtime) == before
    assert_booking_invariants()
