"""The layout board (booking/layout_board.py): its rules on a board of its own, then its watcher against
the real database: a committed change from another connection reaches it within the staleness bound (a
seat write by the version check, a header change by NOTIFY), and a watcher whose connection is killed
turns the board off until it is back."""

import os
import time
from datetime import timedelta

import psycopg
import pytest
from django.utils import timezone

from booking.layout_board import APPLICATION_NAME, STALE_AFTER, LayoutBoard, LayoutHeader
from booking.models import LayoutVersion
from booking.tests.conftest import make_showtime
from booking.tests.faults.helpers import test_database_url, wait_until


def header(**changes) -> LayoutHeader:
    values = {
        "starts_at": timezone.now() + timedelta(days=1),
        "movie_title": "M",
        "hall_name": "H",
        "venue_name": "V",
        "hold_ttl_seconds": 300,
        "version": 1,
        "next_expiry": None,
        "currency": "EUR",
        "plan_revision": 0,
        "pricing_revision": 0,
        "box_office_payment": True,
        "time_zone": "UTC",
        "prevent_orphans": False,
    }
    return LayoutHeader(**{**values, **changes})


@pytest.fixture
def trusted_board():
    """A board with no listener whose last ping is 'now' (its own process, so none is started)."""
    board = LayoutBoard()
    board._pid = os.getpid()
    board._confirmed_at = time.monotonic()
    return board


def test_a_remembered_header_is_used_until_its_next_expiry(trusted_board):
    now = timezone.now()
    trusted_board.remember(7, header(next_expiry=now + timedelta(seconds=5)), read_at_generation=0)

    assert trusted_board.get(7, now) is not None
    assert trusted_board.get(7, now + timedelta(seconds=5)) is None  # a hold ran out: the map changed
    assert trusted_board.get(8, now) is None


def test_a_drop_since_the_read_began_keeps_the_read_out(trusted_board):
    generation = trusted_board.generation()
    trusted_board.drop(7)  # a write committed while the query ran
    trusted_board.remember(7, header(), read_at_generation=generation)

    assert trusted_board.get(7, timezone.now()) is None


def test_drop_one_or_all(trusted_board):
    for showtime_id in (1, 2):
        trusted_board.remember(showtime_id, header(), read_at_generation=trusted_board.generation())
    trusted_board.drop(1)
    assert (trusted_board.get(1, timezone.now()), trusted_board.get(2, timezone.now()) is not None) == (None, True)
    trusted_board.drop()
    assert trusted_board.get(2, timezone.now()) is None


def test_a_board_not_confirmed_lately_is_not_used(trusted_board):
    trusted_board.remember(7, header(), read_at_generation=0)
    trusted_board._confirmed_at = time.monotonic() - STALE_AFTER - 0.1

    assert trusted_board.get(7, timezone.now()) is None


def test_switched_off_by_the_setting(trusted_board, settings):
    settings.LAYOUT_LISTEN = False
    trusted_board.remember(7, header(), read_at_generation=0)

    assert trusted_board.get(7, timezone.now()) is None


# --- the listener, on the real database ------------------------------------------------------------------


@pytest.fixture
def listening_board(transactional_db):
    board = LayoutBoard()
    board.get(0, timezone.now())  # starts its listener
    wait_until(lambda: time.monotonic() - board._confirmed_at < STALE_AFTER, timeout=10, message="the listener")
    yield board
    board.stop()


def _known(board, showtime_id) -> bool:
    return board.get(showtime_id, timezone.now()) is not None


def _remember(board, showtime_id) -> None:
    # First let the board apply what the fixtures committed (a new showtime notifies '*'); then store the
    # header at the showtime's real version, as a read would (the watcher drops one at another version).
    since = time.monotonic()
    wait_until(lambda: board._confirmed_at > since, timeout=5, interval=0.01, message="a fresh check")
    version = sum(LayoutVersion.objects.filter(showtime_id=showtime_id).values_list("version", flat=True))
    board.remember(showtime_id, header(version=version), read_at_generation=board.generation())
    assert _known(board, showtime_id)
    # It survives the watcher's next check.
    since = time.monotonic()
    wait_until(lambda: board._confirmed_at > since, timeout=5, interval=0.01, message="a check after storing")
    assert _known(board, showtime_id)


@pytest.mark.parametrize(
    ("statement", "drops"),
    [
        ("UPDATE booking_layoutversion SET version = version + 1 WHERE showtime_id = %(id)s AND slot = 0", "one"),
        (
            "UPDATE booking_movie SET title = title || '!' WHERE id = (SELECT movie_id FROM booking_showtime"
            " WHERE id = %(id)s)",
            "all",
        ),
        ("UPDATE booking_showtime SET hold_ttl_seconds = 60 WHERE id = %(id)s", "all"),
        (
            "UPDATE booking_seatcategory SET default_price = default_price + 1 WHERE hall_id = (SELECT hall_id"
            " FROM booking_showtime WHERE id = %(id)s)",
            "all",
        ),
        ("UPDATE booking_tickettype SET name = name || '!'", "all"),
        (
            "INSERT INTO booking_showtimeprice (showtime_id, category_id, ticket_type_id, amount) SELECT st.id, c.id,"
            " t.id, 7 FROM booking_showtime st JOIN booking_seatcategory c ON c.hall_id = st.hall_id"
            " JOIN booking_tickettype t ON t.is_default WHERE st.id = %(id)s",
            "all",
        ),
        (
            "UPDATE booking_seat SET number = number + 100 WHERE hall_id = (SELECT hall_id FROM booking_showtime"
            " WHERE id = %(id)s)",
            "all",
        ),
    ],
    ids=[
        "seat-write",
        "movie-renamed",
        "showtime-edited",
        "default-price",
        "ticket-type-renamed",
        "price-list",
        "seats-renumbered",
    ],
)
def test_a_change_committed_elsewhere_reaches_the_board_within_the_bound(listening_board, showtime, statement, drops):
    other = make_showtime(rows=1, seats_per_row=1).pk
    _remember(listening_board, showtime.pk)
    _remember(listening_board, other)

    with psycopg.connect(test_database_url(), autocommit=True) as conn:
        conn.execute(statement, {"id": showtime.pk})
        committed = time.monotonic()

    wait_until(lambda: not _known(listening_board, showtime.pk), timeout=STALE_AFTER, interval=0.005)
    assert time.monotonic() - committed < STALE_AFTER
    assert _known(listening_board, other) == (drops == "one")


def test_a_rolled_back_change_drops_nothing(listening_board, showtime):
    _remember(listening_board, showtime.pk)
    with psycopg.connect(test_database_url()) as conn:
        conn.execute("UPDATE booking_layoutversion SET version = version + 1 WHERE showtime_id = %s", [showtime.pk])
        conn.rollback()
    time.sleep(0.5)

    assert _known(listening_board, showtime.pk)


def test_a_killed_listener_connection_turns_the_board_off_until_it_is_back(listening_board, showtime):
    _remember(listening_board, showtime.pk)
    with psycopg.connect(test_database_url(), autocommit=True) as conn:
        killed = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE application_name = %s AND datname = current_database()",
            [APPLICATION_NAME],
        ).fetchall()
    assert killed

    wait_until(lambda: not _known(listening_board, showtime.pk), timeout=STALE_AFTER + 0.5, interval=0.01)
    # Back after its retry, and empty: nothing learned before the gap is trusted.
    wait_until(lambda: time.monotonic() - listening_board._confirmed_at < STALE_AFTER, timeout=10, message="reconnect")
    assert not _known(listening_board, showtime.pk)


# --- what the seat services tell it -------------------------------------------------------------------------


def test_a_seat_write_drops_its_showtime_and_a_refusal_drops_nothing(showtime, seats):
    from booking.exceptions import SeatUnavailable
    from booking.layout_board import board
    from booking.services.holds import hold_seats
    from booking.tests.factories import UserFactory

    winner, loser = UserFactory(), UserFactory()
    before = board.generation()
    hold_seats(user=winner, showtime_id=showtime.pk, seat_ids=[seats[0]])
    after_write = board.generation()
    with pytest.raises(SeatUnavailable):
        hold_seats(user=loser, showtime_id=showtime.pk, seat_ids=[seats[0]])

    assert after_write > before
    assert board.generation() == after_write  # a hot seat's losers leave every cached layout alone


def test_a_showtime_that_is_gone_leaves_the_board(listening_board):
    gone = make_showtime(rows=1, seats_per_row=1)
    _remember(listening_board, gone.pk)
    with psycopg.connect(test_database_url(), autocommit=True) as conn:
        # Its version rows gone, with no '*' notification (that table has no trigger): only the check notices.
        conn.execute("DELETE FROM booking_layoutversion WHERE showtime_id = %s", [gone.pk])

    wait_until(lambda: not _known(listening_board, gone.pk), timeout=STALE_AFTER, interval=0.005)


def test_a_seat_write_sends_no_notification(transactional_db, showtime, seats):
    """A NOTIFY would serialise every seat write's commit (migration 0008); the version check finds them."""
    from booking.services.holds import hold_seats
    from booking.tests.factories import UserFactory

    with psycopg.connect(test_database_url(), autocommit=True) as conn:
        conn.execute("LISTEN boxoffice_layout")
        hold_seats(user=UserFactory(), showtime_id=showtime.pk, seat_ids=[seats[0]])
        conn.execute("SELECT 1")
        assert list(conn.notifies(timeout=0.2)) == []
