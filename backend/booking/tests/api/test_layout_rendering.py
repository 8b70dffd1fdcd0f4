"""booking/api/layout_rendering.py, called directly: the layout's ETag, the conditional answer (with and
without the process's layout board) and the exact JSON bytes, with the per-process caches behind them."""

import dataclasses
import re
import time

import orjson
import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from booking.api import layout_rendering
from booking.api.layout_rendering import conditional_layout, hall_layout_json, layout_etag
from booking.api.serializers import isoformat_utc
from booking.exceptions import ShowtimeNotFound
from booking.layout_board import STALE_AFTER, board
from booking.models import ShowSeat
from booking.selectors.layout import layout_state
from booking.services.bookings import confirm_booking
from booking.services.holds import hold_seats
from booking.services.pricing import default_ticket_type
from booking.services.showtimes import generate_seats
from booking.tests.conftest import make_showtime
from booking.tests.factories import HallFactory
from booking.tests.faults.helpers import wait_until

pytestmark = pytest.mark.django_db


def _state(showtime, user):
    return layout_state(showtime_id=showtime.pk, user=user, now=timezone.now())


# --- the ETag --------------------------------------------------------------------------------------------


def test_the_etag_is_a_quoted_strong_tag_that_depends_only_on_the_state(showtime, user):
    state = _state(showtime, user)

    assert re.fullmatch(r'"[0-9a-f]{24}"', layout_etag(state))
    assert layout_etag(_state(showtime, user)) == layout_etag(state)


@pytest.mark.parametrize(
    "change",
    [
        {"user_id": None},
        {"showtime_id": 0},
        {"header": {"version": 10**6}},
        {"header": {"next_expiry": "soon"}},
        {"header": {"movie_title": "Renamed"}},
        {"header": {"hall_name": "Renamed"}},
        {"header": {"venue_name": "Renamed"}},
        {"header": {"hold_ttl_seconds": 1}},
        {"header": {"starts_at": "later"}},
    ],
    ids=lambda change: "-".join(change.get("header", change)),
)
def test_the_etag_moves_with_every_part_of_the_state(showtime, user, change):
    state = _state(showtime, user)
    if "header" in change:
        changed = dataclasses.replace(state, header=dataclasses.replace(state.header, **change["header"]))
    else:
        changed = dataclasses.replace(state, **change)

    assert layout_etag(changed) != layout_etag(state)


def test_the_etag_moves_with_the_hold_limit(showtime, user, settings):
    state = _state(showtime, user)
    before = layout_etag(state)
    settings.MAX_SEATS_PER_HOLD += 1

    assert layout_etag(state) != before


# --- the conditional answer -----------------------------------------------------------------------------------


def _answer(showtime, user, if_none_match=()):
    return conditional_layout(showtime_id=showtime.pk, user=user, now=timezone.now(), if_none_match=set(if_none_match))


def test_without_if_none_match_the_answer_is_the_body_and_its_etag(showtime, user):
    answer = _answer(showtime, user)

    state = _state(showtime, user)
    assert (answer.etag, answer.body) == (layout_etag(state), hall_layout_json(state=state, now=timezone.now()))


def test_a_stale_tag_gets_the_body_and_a_current_one_in_the_list_gets_none(showtime, user):
    etag = _answer(showtime, user).etag

    assert _answer(showtime, user, {'"stale"'}).body is not None
    assert _answer(showtime, user, {'"stale"', etag}) == layout_rendering.LayoutAnswer(etag=etag, body=None)


def test_another_callers_tag_is_not_current(showtime, user, other_user):
    theirs = _answer(showtime, other_user).etag

    answer = _answer(showtime, user, {theirs})

    assert answer.body is not None
    assert answer.etag != theirs


def test_a_current_tag_costs_one_query_without_the_board(showtime, user, settings, django_assert_num_queries):
    settings.LAYOUT_LISTEN = False
    etag = _answer(showtime, user).etag

    with django_assert_num_queries(1):
        assert _answer(showtime, user, {etag}).body is None


def test_a_current_tag_costs_no_query_while_the_board_knows_the_showtime(showtime, user, django_assert_num_queries):
    board.get(showtime.pk, timezone.now())  # starts this process's listener
    wait_until(lambda: time.monotonic() - board._confirmed_at < STALE_AFTER, timeout=10, message="the listener")
    etag = _answer(showtime, user).etag  # leaves the showtime's header on the board

    with django_assert_num_queries(0):
        answer = _answer(showtime, user, {etag})

    assert (answer.etag, answer.body) == (etag, None)


def test_a_write_makes_the_tag_stale_even_with_the_board(showtime, seats, user, other_user):
    board.get(showtime.pk, timezone.now())
    wait_until(lambda: time.monotonic() - board._confirmed_at < STALE_AFTER, timeout=10, message="the listener")
    etag = _answer(showtime, user).etag

    hold_seats(user=other_user, showtime_id=showtime.pk, seat_ids=[seats[0]])
    answer = _answer(showtime, user, {etag})

    assert answer.body is not None
    assert answer.etag != etag


def test_an_unknown_showtime(db, user):
    with pytest.raises(ShowtimeNotFound):
        conditional_layout(showtime_id=2**63 - 1, user=user, now=timezone.now(), if_none_match={'"x"'})


# --- the body ----------------------------------------------------------------------------------------------


@pytest.fixture
def small_show(db):
    """Two rows of two whose ids are not in display order (the hall's second column was added later)."""
    hall = HallFactory()
    generate_seats(hall=hall, rows=2, seats_per_row=1)
    generate_seats(hall=hall, rows=2, seats_per_row=2)
    showtime = make_showtime(hall=hall)
    ids = {(seat.row, seat.number): seat.pk for seat in hall.seats.all()}
    return showtime, [ids["A", 1], ids["A", 2], ids["B", 1], ids["B", 2]]  # display order


def test_the_body_is_these_exact_bytes(small_show, user, other_user, settings):
    showtime, (a1, a2, b1, b2) = small_show
    assert a2 > b1  # ids: A1, B1, A2, B2
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=[a1, b2])
    confirm_booking(user=user, showtime_id=showtime.pk, seat_ids=[a1])
    hold_seats(user=other_user, showtime_id=showtime.pk, seat_ids=[a2])
    mine_until, theirs_until = (
        isoformat_utc(ShowSeat.objects.get(showtime=showtime, seat_id=seat_id).held_until) for seat_id in (b2, a2)
    )

    standard = showtime.hall.categories.get()

    def seat(seat_id, row, number, status, held_until=None, booked_by_me=False):
        held = {"held_by_me": held_until is not None, "held_until": held_until, "booked_by_me": booked_by_me}
        place = {"column": number, "segment": 1, "kind": "standard"}
        return {"id": seat_id, "row": row, "number": number, **place, "category": standard.pk, "status": status, **held}

    header = {
        "show_id": showtime.pk,
        "hall_name": showtime.hall.name,
        "venue_name": showtime.hall.venue.name,
        "movie_title": showtime.movie.title,
        "starts_at": isoformat_utc(showtime.starts_at),
        "hold_ttl_seconds": settings.HOLD_TTL_SECONDS,
        "max_seats_per_hold": settings.MAX_SEATS_PER_HOLD,
        "box_office_payment": True,
        "time_zone": "UTC",
        "prevent_orphans": False,
        "counts": {"available": 1, "held": 2, "booked": 1},
        "currency": "EUR",
        "categories": [
            {
                "id": standard.pk,
                "name": "Standard",
                "colour": standard.colour,
                "price": "10.00",
                "prices": [{"ticket_type_id": default_ticket_type().pk, "ticket_type": "Adult", "amount": "10.00"}],
            }
        ],
    }
    public = [seat(a1, "A", 1, "booked"), seat(a2, "A", 2, "held")]
    public += [seat(b1, "B", 1, "available"), seat(b2, "B", 2, "held")]
    mine = [seat(a1, "A", 1, "booked", booked_by_me=True), *public[1:3], seat(b2, "B", 2, "held", mine_until)]
    theirs = [public[0], seat(a2, "A", 2, "held", theirs_until), *public[2:]]

    assert _answer(showtime, user).body == orjson.dumps({**header, "seats": mine})
    assert _answer(showtime, other_user).body == orjson.dumps({**header, "seats": theirs})
    assert _answer(showtime, AnonymousUser()).body == orjson.dumps({**header, "seats": public})


def test_the_public_seats_are_read_once_per_version_and_expiry(small_show, user, other_user, django_assert_num_queries):
    showtime, seats = small_show
    with django_assert_num_queries(4):  # the state, the seat states, the seat plan, the price list
        _answer(showtime, user)
    with django_assert_num_queries(1):  # another caller, same version: the state only
        _answer(showtime, other_user)

    hold_seats(user=other_user, showtime_id=showtime.pk, seat_ids=[seats[0]])
    with django_assert_num_queries(2):  # a new version: the seat states again; the plan and prices are kept
        body = orjson.loads(_answer(showtime, user).body)
    assert body["seats"][0]["status"] == "held"


def test_callers_who_hold_nothing_share_one_body_until_the_header_moves(small_show, user, other_user, settings):
    showtime, seats = small_show
    first = _answer(showtime, user).body
    assert _answer(showtime, AnonymousUser()).body is first  # built once, not joined again per caller

    state = _state(showtime, other_user)
    renamed = dataclasses.replace(state, header=dataclasses.replace(state.header, movie_title="Renamed"))
    assert orjson.loads(hall_layout_json(state=renamed, now=timezone.now()))["movie_title"] == "Renamed"
    settings.MAX_SEATS_PER_HOLD = 3
    assert orjson.loads(_answer(showtime, user).body)["max_seats_per_hold"] == 3

    hold_seats(user=other_user, showtime_id=showtime.pk, seat_ids=[seats[0]])
    public = orjson.loads(_answer(showtime, user).body)["seats"]
    own = orjson.loads(_answer(showtime, other_user).body)["seats"]  # a holder's body is their own
    assert (public[0]["held_by_me"], own[0]["held_by_me"]) == (False, True)
    assert orjson.loads(_answer(showtime, user).body)["seats"] == public  # the holder's did not replace it


def test_a_hall_that_gained_seats_has_its_plan_read_again(small_show, user):
    showtime, _ = small_show
    assert len(orjson.loads(_answer(showtime, user).body)["seats"]) == 4

    generate_seats(hall=showtime.hall, rows=2, seats_per_row=3)  # upcoming showtimes get the new seats

    body = orjson.loads(_answer(showtime, user).body)
    assert [(s["row"], s["number"]) for s in body["seats"]] == [
        ("A", 1),
        ("A", 2),
        ("A", 3),
        ("B", 1),
        ("B", 2),
        ("B", 3),
    ]


def test_the_price_list_is_read_once_per_pricing_revision(small_show, user, django_assert_num_queries):
    from decimal import Decimal

    from booking.services.pricing import set_showtime_prices

    showtime, _ = small_show
    _answer(showtime, user)
    standard = showtime.hall.categories.get()

    set_showtime_prices(showtime=showtime, prices={(standard, default_ticket_type()): Decimal("7.25")})

    with django_assert_num_queries(2):  # the state (a new pricing revision), then the price list again
        body = orjson.loads(_answer(showtime, user).body)
    assert body["categories"][0]["price"] == "7.25"
