"""booking/selectors/layout.py, called directly on the real database: the layout state a seat map's
ETag and body depend on, the hall's seats in display order and their public states."""

import string
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.utils import timezone

from booking.exceptions import ShowtimeNotFound
from booking.layout_board import LayoutHeader, board
from booking.models import ShowSeat, Showtime
from booking.selectors.layout import STATUS_BY_CODE, layout_state, seat_plan, seat_statuses
from booking.services.bookings import confirm_booking
from booking.services.holds import hold_seats
from booking.services.showtimes import generate_seats
from booking.tests.conftest import make_showtime, seat_ids_of
from booking.tests.factories import HallFactory

pytestmark = pytest.mark.django_db


def _held_until(showtime, seat_id):
    return ShowSeat.objects.get(showtime=showtime, seat_id=seat_id).held_until


def test_layout_state_header_is_the_showtime_as_the_caller_sees_it(showtime, user, settings):
    state = layout_state(showtime_id=showtime.pk, user=user, now=timezone.now())

    assert (state.showtime_id, state.user_id, state.my_holds) == (showtime.pk, user.pk, {})
    header = state.header
    assert (header.starts_at, header.movie_title, header.hall_name, header.venue_name) == (
        showtime.starts_at,
        showtime.movie.title,
        showtime.hall.name,
        showtime.hall.venue.name,
    )
    assert (header.hold_ttl_seconds, header.next_expiry) == (settings.HOLD_TTL_SECONDS, None)


def test_layout_state_uses_the_showtimes_own_hold_ttl(showtime, user):
    Showtime.objects.filter(pk=showtime.pk).update(hold_ttl_seconds=45)

    assert layout_state(showtime_id=showtime.pk, user=user, now=timezone.now()).header.hold_ttl_seconds == 45


def test_layout_state_version_moves_with_every_seat_write(showtime, seats, user):
    def version():
        return layout_state(showtime_id=showtime.pk, user=user, now=timezone.now()).header.version

    versions = [version()]
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=seats[:2])
    versions.append(version())
    confirm_booking(user=user, showtime_id=showtime.pk, seat_ids=seats[:1])
    versions.append(version())

    assert versions == sorted(set(versions))  # strictly increasing


def test_layout_state_next_expiry_is_the_earliest_live_hold(showtime, seats, user, other_user):
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=[seats[0]])
    hold_seats(user=other_user, showtime_id=showtime.pk, seat_ids=[seats[1]])
    hold_seats(user=other_user, showtime_id=showtime.pk, seat_ids=[seats[2]])
    now = timezone.now()
    ShowSeat.objects.filter(showtime=showtime, seat_id=seats[0]).update(held_until=now)  # ran out, unswept
    ShowSeat.objects.filter(showtime=showtime, seat_id=seats[2]).update(held_until=now + timedelta(seconds=5))

    state = layout_state(showtime_id=showtime.pk, user=user, now=now)

    assert state.header.next_expiry == now + timedelta(seconds=5)


def test_layout_state_my_holds_are_the_callers_live_holds_in_this_showtime(showtime, seats, user, other_user):
    elsewhere = make_showtime()
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=[seats[3], seats[1], seats[2]])
    hold_seats(user=user, showtime_id=elsewhere.pk, seat_ids=seat_ids_of(elsewhere)[:1])
    hold_seats(user=other_user, showtime_id=showtime.pk, seat_ids=[seats[5]])
    now = timezone.now()
    ShowSeat.objects.filter(showtime=showtime, seat_id=seats[2]).update(held_until=now)  # ran out, unswept

    mine = layout_state(showtime_id=showtime.pk, user=user, now=now).my_holds

    assert mine == {seats[1]: _held_until(showtime, seats[1]), seats[3]: _held_until(showtime, seats[3])}
    assert list(mine) == [seats[1], seats[3]]  # in seat-id order


def test_layout_state_of_an_anonymous_caller_has_no_holds(showtime, seats, user):
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=[seats[0]])

    state = layout_state(showtime_id=showtime.pk, user=AnonymousUser(), now=timezone.now())

    assert (state.user_id, state.my_holds) == (None, {})
    assert state.header.next_expiry == _held_until(showtime, seats[0])


def test_layout_state_is_one_query_and_is_left_on_the_board(showtime, user, monkeypatch, django_assert_num_queries):
    remembered = []
    monkeypatch.setattr(board, "remember", lambda *args, **kwargs: remembered.append((args, kwargs)))
    before = board.generation()

    def a_write_lands_meanwhile(execute, sql, params, many, context):
        board.drop(showtime.pk)  # what a seat write committed while the query runs does
        return execute(sql, params, many, context)

    with django_assert_num_queries(1), connection.execute_wrapper(a_write_lands_meanwhile):
        state = layout_state(showtime_id=showtime.pk, user=user, now=timezone.now())

    assert isinstance(state.header, LayoutHeader)
    # Filed under the generation read before the query, which the drop has passed: the board keeps it out.
    assert remembered == [((showtime.pk, state.header), {"read_at_generation": before})]
    assert board.generation() > before


def test_layout_state_of_an_unknown_showtime(db, user):
    with pytest.raises(ShowtimeNotFound):
        layout_state(showtime_id=2**63 - 1, user=user, now=timezone.now())


def test_seat_plan_is_rows_a_to_z_then_aa_and_numbers_ascending(db):
    hall = HallFactory()
    generate_seats(hall=hall, rows=28, seats_per_row=1)
    generate_seats(hall=hall, rows=28, seats_per_row=2)  # the second seat of every row: ids after all AB1
    showtime = make_showtime(hall=hall)
    ids = {(seat.row, seat.number): seat.pk for seat in showtime.hall.seats.all()}

    plan = seat_plan(showtime_id=showtime.pk)

    labels = [(row, number) for _, row, number, *_ in plan]
    rows = [*string.ascii_uppercase, "AA", "AB"]
    assert labels == [(row, number) for row in rows for number in (1, 2)]
    assert [seat_id for seat_id, *_ in plan] == [ids[label] for label in labels]


def test_seat_statuses_are_one_code_per_seat_in_seat_id_order(showtime, seats, user, other_user):
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=[seats[0], seats[1]])
    confirm_booking(user=user, showtime_id=showtime.pk, seat_ids=[seats[1]])
    hold_seats(user=other_user, showtime_id=showtime.pk, seat_ids=[seats[4], seats[6]])
    now = timezone.now()
    ShowSeat.objects.filter(showtime=showtime, seat_id=seats[6]).update(held_until=now)  # ran out, unswept

    count, codes = seat_statuses(showtime_id=showtime.pk, now=now)

    assert (count, codes) == (12, "hb" + "aa" + "h" + "a" * 7)
    assert set(codes) <= set(STATUS_BY_CODE)


def test_seat_statuses_of_a_showtime_without_seats(db):
    assert seat_statuses(showtime_id=2**63 - 1, now=timezone.now()) == (0, "")
