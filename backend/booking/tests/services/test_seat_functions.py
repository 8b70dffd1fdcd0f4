"""The seat functions (seat_writes.sql) under the faults their SQL has to survive: a lock wait that runs
out, a unique violation (the database's last line of defence), a backend killed mid-hold. Real
connections and threads on real PostgreSQL; the invariants are checked after each."""

import re
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import OperationalError, connection
from django.db.models import Sum
from django.utils import timezone

from booking import services
from booking.exceptions import RateLimited, SeatsBusy, SeatUnavailable
from booking.models import Booking, BookingSeat, LayoutVersion, RateCounter, SeatEvent, ShowSeat
from booking.services.bookings import confirm_booking, new_booking_reference
from booking.services.holds import hold_seats, release_holds
from booking.services.seat_requests import RateWindow
from booking.tests.conftest import make_showtime, seat_ids_of
from booking.tests.factories import UserFactory
from booking.tests.faults.helpers import RowBlocker, kill_while_waiting, test_database_url
from booking.tests.invariants import assert_booking_invariants

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def show():
    return make_showtime(rows=1, seats_per_row=4)


@pytest.fixture
def blocker():
    blocker = RowBlocker(test_database_url())
    yield blocker
    blocker.close()


def versions(show) -> int:
    return sum(LayoutVersion.objects.filter(showtime=show).values_list("version", flat=True))


@pytest.mark.parametrize("write", ["hold", "confirm", "release"])
def test_a_lock_wait_that_runs_out_is_seats_busy_naming_the_seats(settings, show, blocker, write):
    settings.LOCK_TIMEOUT_MS = 200
    user = UserFactory()
    seats = seat_ids_of(show)[:2]
    if write != "hold":
        hold_seats(user=user, showtime_id=show.pk, seat_ids=seats)
    before = (list(ShowSeat.objects.order_by("pk").values()), SeatEvent.objects.count(), versions(show))
    blocker.lock_seat(showtime_id=show.pk, seat_id=seats[1])
    service = {"hold": hold_seats, "confirm": confirm_booking, "release": release_holds}[write]

    with pytest.raises(SeatsBusy) as busy:
        service(user=user, showtime_id=show.pk, seat_ids=list(reversed(seats)))

    assert busy.value.seat_ids == seats
    blocker.release()
    assert (list(ShowSeat.objects.order_by("pk").values()), SeatEvent.objects.count(), versions(show)) == before
    assert_booking_invariants()


def test_a_unique_violation_inside_confirm_is_seat_unavailable_and_changes_nothing(show):
    user, other = UserFactory(), UserFactory()
    seat = seat_ids_of(show)[0]
    hold_seats(user=user, showtime_id=show.pk, seat_ids=[seat])
    # Fake what the services never allow: a booking line already on the held seat.
    stray = Booking.objects.create(
        reference=new_booking_reference(), showtime=show, user=other, created_at=show.starts_at
    )
    BookingSeat.objects.create(booking=stray, show_seat=ShowSeat.objects.get(showtime=show, seat_id=seat))

    with pytest.raises(SeatUnavailable) as refused:
        confirm_booking(user=user, showtime_id=show.pk, seat_ids=[seat])

    assert refused.value.seat_ids == [seat]
    assert list(Booking.objects.values_list("pk", flat=True)) == [stray.pk]
    assert ShowSeat.objects.get(showtime=show, seat_id=seat).status == "held"


def test_a_backend_killed_mid_hold_leaves_no_partial_change(show, blocker):
    user = UserFactory()
    first, second = seat_ids_of(show)[:2]
    before = (SeatEvent.objects.count(), versions(show))
    blocker.lock_seat(showtime_id=show.pk, seat_id=second)

    # Locks `first`, then waits on `second` (the blocker's) inside the one statement.
    outcome = kill_while_waiting(
        lambda: hold_seats(user=user, showtime_id=show.pk, seat_ids=[first, second]), blocker=blocker
    )

    assert isinstance(outcome.get("error"), OperationalError), outcome
    assert not ShowSeat.objects.filter(showtime=show, status="held").exists()
    assert (SeatEvent.objects.count(), versions(show)) == before
    assert_booking_invariants()


def test_opposite_order_requests_for_the_same_seats_serialise_without_deadlock(show):
    users = [UserFactory() for _ in range(8)]
    seats = seat_ids_of(show)
    barrier = threading.Barrier(len(users))
    results = []

    def hold(user, order):
        try:
            barrier.wait(timeout=10)
            results.append(hold_seats(user=user, showtime_id=show.pk, seat_ids=order))
        except (SeatUnavailable, SeatsBusy) as exc:
            results.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=hold, args=(user, seats if i % 2 else list(reversed(seats))))
        for i, user in enumerate(users)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    winners = [r for r in results if not isinstance(r, Exception)]
    assert len(results) == len(users)
    assert len(winners) == 1  # all or nothing: one user gets the whole row, the rest a clean refusal
    assert not any(isinstance(r, SeatsBusy) for r in results), "a deadlock or a long wait happened"
    held_by = set(ShowSeat.objects.filter(showtime=show, status="held").values_list("held_by_id", flat=True))
    assert len(held_by) == len(winners)
    assert_booking_invariants()


def test_each_seat_write_is_one_statement_and_a_hot_seat_loser_too(show, django_assert_num_queries):
    user, loser = UserFactory(), UserFactory()
    seats = seat_ids_of(show)[:2]

    with django_assert_num_queries(1):
        hold_seats(user=user, showtime_id=show.pk, seat_ids=seats)
    with django_assert_num_queries(1), pytest.raises(SeatUnavailable):
        hold_seats(user=loser, showtime_id=show.pk, seat_ids=seats)
    with django_assert_num_queries(1):
        release_holds(user=user, showtime_id=show.pk, seat_ids=seats[:1])
    with django_assert_num_queries(1):
        confirm_booking(user=user, showtime_id=show.pk, seat_ids=seats[1:], idempotency_key="k-1")
    with django_assert_num_queries(1):
        assert confirm_booking(user=user, showtime_id=show.pk, seat_ids=seats[1:], idempotency_key="k-1").replayed


def test_every_seat_function_a_service_calls_keeps_its_statements_planned_once():
    """PL/pgSQL re-planned these functions' statements on every call (custom plans) unless told to keep the
    generic plan; planning was most of a hold's cost in PostgreSQL (seat_writes.sql's header)."""
    called = set()
    for module in Path(services.__file__).parent.glob("*.py"):
        called |= set(re.findall(r"FROM (boxoffice_\w+)\(", module.read_text()))
    with connection.cursor() as cursor:
        cursor.execute("SELECT proname, proconfig FROM pg_proc WHERE proname = ANY(%s)", [sorted(called)])
        settings_by_function = dict(cursor.fetchall())

    assert {"boxoffice_hold_seats", "boxoffice_release_holds", "boxoffice_confirm_booking"} <= called
    assert settings_by_function == {name: ["plan_cache_mode=force_generic_plan"] for name in called}


def _window(key: str, limit: int) -> RateWindow:
    return RateWindow(key=key, limit=limit, expires_at=timezone.now() + timedelta(minutes=2), retry_after=42)


def test_a_rate_window_is_counted_in_the_seat_write_statement(show, django_assert_num_queries):
    user, loser = UserFactory(), UserFactory()
    seats = seat_ids_of(show)[:2]

    with django_assert_num_queries(1):
        hold_seats(user=user, showtime_id=show.pk, seat_ids=seats, rate_window=_window("t:hold:me", 10))
    with django_assert_num_queries(1), pytest.raises(SeatUnavailable):  # a hot seat's loser: still one
        hold_seats(user=loser, showtime_id=show.pk, seat_ids=seats, rate_window=_window("t:hold:loser", 10))
    with django_assert_num_queries(1):
        confirm_booking(user=user, showtime_id=show.pk, seat_ids=seats, rate_window=_window("t:book:me", 10))

    hits = dict(RateCounter.objects.values_list("key", "hits"))
    assert hits == {"t:hold:me": 1, "t:hold:loser": 1, "t:book:me": 1}  # a refused request counts too


def test_over_the_limit_a_seat_write_changes_nothing_but_the_count(show):
    user = UserFactory()
    first, second = seat_ids_of(show)[:2]
    window = _window("t:hold:me", 1)
    hold_seats(user=user, showtime_id=show.pk, seat_ids=[first], rate_window=window)
    events, version = SeatEvent.objects.count(), LayoutVersion.objects.filter(showtime=show).aggregate(v=Sum("version"))

    with pytest.raises(RateLimited) as refused:
        hold_seats(user=user, showtime_id=show.pk, seat_ids=[second], rate_window=window)
    assert (refused.value.status_code, refused.value.code, refused.value.retry_after) == (429, "throttled", 42)
    with pytest.raises(RateLimited):
        confirm_booking(user=user, showtime_id=show.pk, seat_ids=[first], rate_window=_window("t:book:me", 0))

    assert ShowSeat.objects.get(showtime=show, seat_id=second).status == ShowSeat.Status.AVAILABLE
    assert ShowSeat.objects.get(showtime=show, seat_id=first).status == ShowSeat.Status.HELD
    assert not Booking.objects.exists()
    assert SeatEvent.objects.count() == events
    assert LayoutVersion.objects.filter(showtime=show).aggregate(v=Sum("version")) == version
    assert RateCounter.objects.get(key="t:hold:me").hits == 2
    assert_booking_invariants()
