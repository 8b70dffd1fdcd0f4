from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from booking.api.serializers import isoformat_utc
from booking.layout_board import board
from booking.models import SeatCategory, ShowSeat, TicketType, Venue
from booking.services.holds import release_expired_holds
from booking.services.pricing import default_ticket_type, recategorise_seats, set_showtime_prices
from booking.tests.conftest import make_showtime
from booking.tests.invariants import assert_booking_invariants

from .helpers import assert_error, book, hold, layout_url, release


def _get(client, showtime, etag: str | None = None):
    headers = {"If-None-Match": etag} if etag is not None else {}
    return client.get(layout_url(showtime.pk), headers=headers)


def _seats_by_id(response) -> dict[int, dict]:
    return {seat["id"]: seat for seat in response.json()["seats"]}


def _without_status(seat: dict) -> dict:
    return {key: value for key, value in seat.items() if key != "status"}


def _expire(showtime, seat_ids) -> None:
    """Let holds run out without any service call (so no layout version bump). Rewriting held_until
    stands in for the clock passing it, which the process's layout board notices by its own rule
    (tests/test_layout_board.py): here its entries are dropped, as that clock would make them unusable."""
    ShowSeat.objects.filter(showtime=showtime, seat_id__in=seat_ids).update(
        held_until=timezone.now() - timedelta(seconds=1)
    )
    board.drop()


def test_layout_shape(api, showtime, seats, settings):
    response = _get(api, showtime)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert {
        "show_id",
        "hall_name",
        "venue_name",
        "movie_title",
        "starts_at",
        "hold_ttl_seconds",
        "counts",
        "currency",
        "categories",
        "time_zone",
        "prevent_orphans",
        "seats",
    } <= set(body)
    assert body["time_zone"] == "UTC"
    assert body["prevent_orphans"] is False
    assert body["show_id"] == showtime.pk
    assert body["hall_name"] == showtime.hall.name
    assert body["venue_name"] == showtime.hall.venue.name
    assert body["movie_title"] == showtime.movie.title
    assert body["starts_at"] == isoformat_utc(showtime.starts_at)
    assert body["hold_ttl_seconds"] == settings.HOLD_TTL_SECONDS
    assert body["counts"] == {"available": 12, "held": 0, "booked": 0}
    standard = showtime.hall.categories.get()
    assert body["currency"] == "EUR"
    assert body["categories"] == [
        {
            "id": standard.pk,
            "name": "Standard",
            "colour": standard.colour,
            "price": "10.00",
            "prices": [
                {
                    "ticket_type_id": TicketType.objects.get(is_default=True).pk,
                    "ticket_type": "Adult",
                    "amount": "10.00",
                }
            ],
        }
    ]
    assert [seat["id"] for seat in body["seats"]] == seats
    for seat in body["seats"]:
        assert set(seat) == {
            "id",
            "row",
            "number",
            "column",
            "segment",
            "kind",
            "category",
            "status",
            "held_by_me",
            "held_until",
            "booked_by_me",
        }
        # A generated grid: every seat stands where its number says, each row one segment.
        assert (seat["column"], seat["segment"], seat["kind"]) == (seat["number"], 1, "standard")
        assert seat["category"] == standard.pk
        assert seat["status"] == "available"
        assert seat["held_by_me"] is False
        assert seat["held_until"] is None
    assert [(seat["row"], seat["number"]) for seat in body["seats"][:5]] == [
        ("A", 1),
        ("A", 2),
        ("A", 3),
        ("A", 4),
        ("B", 1),
    ]


def test_layout_orders_rows_a_to_z_then_aa(api, db):
    showtime = make_showtime(rows=28, seats_per_row=1)

    rows = [seat["row"] for seat in _get(api, showtime).json()["seats"]]

    assert rows[:3] == ["A", "B", "C"]
    assert rows[-3:] == ["Z", "AA", "AB"]


def test_layout_is_private_and_always_revalidated(api, showtime):
    response = _get(api, showtime)
    assert response["Cache-Control"] == "private, no-cache"
    assert "Cookie" in response["Vary"]
    assert "Authorization" in response["Vary"]


def test_layout_own_live_hold_shows_held_until(user_api, showtime, seats):
    held_until = hold(user_api, showtime, [seats[2]]).json()["held_until"]

    seat = _seats_by_id(_get(user_api, showtime))[seats[2]]

    assert seat["status"] == "held"
    assert seat["held_by_me"] is True
    assert seat["held_until"] == held_until
    assert seat["held_until"] == isoformat_utc(ShowSeat.objects.get(showtime=showtime, seat_id=seats[2]).held_until)


def test_layout_someone_elses_hold_looks_like_an_available_seat(user_api, other_api, showtime, seats):
    before = _seats_by_id(_get(user_api, showtime))[seats[0]]
    assert before["status"] == "available"

    hold(other_api, showtime, [seats[0]])

    after = _seats_by_id(_get(user_api, showtime))[seats[0]]
    assert after["status"] == "held"
    assert _without_status(after) == _without_status(before)
    assert after["held_by_me"] is False
    assert after["held_until"] is None


def test_layout_anonymous_sees_no_holder_details(api, user_api, showtime, seats):
    hold(user_api, showtime, [seats[0]])

    response = _get(api, showtime)

    assert response.status_code == 200
    seat = _seats_by_id(response)[seats[0]]
    assert seat == {
        "id": seats[0],
        "row": "A",
        "number": 1,
        "column": 1,
        "segment": 1,
        "kind": "standard",
        "category": showtime.hall.categories.get().pk,
        "status": "held",
        "held_by_me": False,
        "held_until": None,
        "booked_by_me": False,
    }


def test_layout_booked_seat(user_api, other_api, showtime, seats):
    hold(user_api, showtime, [seats[0]])
    book(user_api, showtime, [seats[0]])

    for client in (user_api, other_api):
        body = _get(client, showtime).json()
        seat = _seats_by_id_from(body)[seats[0]]
        assert seat["status"] == "booked"
        assert seat["held_by_me"] is False
        assert seat["held_until"] is None
        assert body["counts"] == {"available": 11, "held": 0, "booked": 1}


def _seats_by_id_from(body) -> dict[int, dict]:
    return {seat["id"]: seat for seat in body["seats"]}


def test_layout_counts(user_api, other_api, showtime, seats):
    hold(user_api, showtime, seats[:3])
    book(user_api, showtime, seats[:1])
    hold(other_api, showtime, seats[6:8])

    for client in (user_api, other_api):
        assert _get(client, showtime).json()["counts"] == {"available": 7, "held": 4, "booked": 1}
    assert_booking_invariants()


def test_layout_expired_hold_shows_available(user_api, other_api, showtime, seats):
    hold(user_api, showtime, seats[:2])
    _expire(showtime, [seats[0]])

    for client in (user_api, other_api):
        body = _get(client, showtime).json()
        seat = _seats_by_id_from(body)[seats[0]]
        assert seat["status"] == "available"
        assert seat["held_by_me"] is False
        assert seat["held_until"] is None
        assert body["counts"] == {"available": 11, "held": 1, "booked": 0}


def test_layout_expired_hold_still_available_after_the_sweeper(user_api, showtime, seats):
    hold(user_api, showtime, [seats[0]])
    _expire(showtime, [seats[0]])
    before = _get(user_api, showtime)

    assert release_expired_holds() == 1

    after = _get(user_api, showtime)
    assert after.json() == before.json()
    assert _seats_by_id(after)[seats[0]]["status"] == "available"
    assert_booking_invariants()


def test_layout_unknown_show_is_404(api, db):
    assert_error(api.get(layout_url(999_999_999)), 404, "not_found")


def test_layout_huge_show_id_is_404(api, db):
    assert_error(api.get(layout_url(2**70)), 404, "not_found")


# --- ETag -----------------------------------------------------------------------------------------


def test_layout_etag_and_not_modified(user_api, showtime):
    first = _get(user_api, showtime)
    etag = first["ETag"]
    assert etag
    assert etag.startswith('"')
    assert etag.endswith('"')

    again = _get(user_api, showtime)
    assert again["ETag"] == etag

    conditional = _get(user_api, showtime, etag)
    assert conditional.status_code == 304
    assert conditional.content == b""
    assert conditional["ETag"] == etag


def test_layout_if_none_match_list_and_stale_tag(user_api, showtime):
    etag = _get(user_api, showtime)["ETag"]

    assert _get(user_api, showtime, f'"stale", {etag}').status_code == 304
    stale = _get(user_api, showtime, '"stale"')
    assert stale.status_code == 200
    assert stale.json()["show_id"] == showtime.pk


def test_layout_etag_changes_after_hold(user_api, other_api, showtime, seats):
    mine, theirs = _get(user_api, showtime)["ETag"], _get(other_api, showtime)["ETag"]

    hold(user_api, showtime, [seats[0]])

    assert _get(user_api, showtime, mine).status_code == 200
    response = _get(other_api, showtime, theirs)
    assert response.status_code == 200
    assert _seats_by_id(response)[seats[0]]["status"] == "held"


def test_layout_etag_changes_after_release(user_api, other_api, showtime, seats):
    hold(user_api, showtime, [seats[0]])
    mine, theirs = _get(user_api, showtime)["ETag"], _get(other_api, showtime)["ETag"]

    assert release(user_api, showtime, [seats[0]]).status_code == 200

    assert _get(user_api, showtime, mine).status_code == 200
    response = _get(other_api, showtime, theirs)
    assert response.status_code == 200
    assert _seats_by_id(response)[seats[0]]["status"] == "available"


def test_layout_etag_changes_after_booking_by_someone_else(api, user_api, other_api, showtime, seats):
    hold(other_api, showtime, seats[:2])
    mine, anonymous = _get(user_api, showtime)["ETag"], _get(api, showtime)["ETag"]

    assert book(other_api, showtime, seats[:2]).status_code == 201

    response = _get(user_api, showtime, mine)
    assert response.status_code == 200
    assert _seats_by_id(response)[seats[0]]["status"] == "booked"
    assert _get(api, showtime, anonymous).status_code == 200
    assert_booking_invariants()


def test_layout_etag_changes_when_a_hold_expires(user_api, other_api, showtime, seats):
    hold(user_api, showtime, [seats[0]])
    mine, theirs = _get(user_api, showtime)["ETag"], _get(other_api, showtime)["ETag"]
    assert _get(other_api, showtime, theirs).status_code == 304

    _expire(showtime, [seats[0]])

    for client, etag in ((user_api, mine), (other_api, theirs)):
        response = _get(client, showtime, etag)
        assert response.status_code == 200
        seat = _seats_by_id(response)[seats[0]]
        assert seat["status"] == "available"
        assert seat["held_until"] is None


def test_layout_etag_changes_when_the_earliest_of_several_holds_expires(other_api, user_api, showtime, seats):
    hold(user_api, showtime, seats[:2])
    ShowSeat.objects.filter(showtime=showtime, seat_id=seats[0]).update(
        held_until=timezone.now() + timedelta(seconds=30)
    )
    etag = _get(other_api, showtime)["ETag"]
    assert _get(other_api, showtime, etag).status_code == 304

    _expire(showtime, [seats[0]])

    response = _get(other_api, showtime, etag)
    assert response.status_code == 200
    by_id = _seats_by_id(response)
    assert by_id[seats[0]]["status"] == "available"
    assert by_id[seats[1]]["status"] == "held"


def test_layout_unchanged_by_a_failed_write(user_api, other_api, showtime, seats):
    hold(other_api, showtime, [seats[0]])
    etag = _get(user_api, showtime)["ETag"]

    assert hold(user_api, showtime, [seats[0], seats[1]]).status_code == 409
    assert release(user_api, showtime, [seats[0]]).status_code == 409

    assert _get(user_api, showtime, etag).status_code == 304


def test_layout_etag_differs_between_users(api, user_api, other_api, showtime):
    tags = {_get(client, showtime)["ETag"] for client in (api, user_api, other_api)}
    assert len(tags) == 3


def test_layout_etag_of_another_user_is_not_honoured(user_api, other_api, showtime, seats):
    hold(user_api, showtime, [seats[0]])
    mine = _get(user_api, showtime)["ETag"]

    response = _get(other_api, showtime, mine)

    assert response.status_code == 200
    assert _seats_by_id(response)[seats[0]]["held_by_me"] is False


def test_layout_etag_differs_between_showtimes(api, showtime):
    other = make_showtime(starts_in=timedelta(days=2))
    assert _get(api, showtime)["ETag"] != _get(api, other)["ETag"]
    assert _get(api, other, _get(api, showtime)["ETag"]).status_code == 200


def test_layout_view_of_a_showtime_is_not_mixed_with_another(user_api, showtime, seats):
    other = make_showtime(starts_in=timedelta(days=2), hall=showtime.hall)
    hold(user_api, showtime, [seats[0]])

    seat = _seats_by_id(_get(user_api, other))[seats[0]]

    assert seat["status"] == "available"
    assert seat["held_by_me"] is False


def test_a_weak_if_none_match_from_a_compressing_proxy_still_gets_304(api, showtime):
    etag = api.get(f"/api/hall-layout/{showtime.pk}/")["ETag"]
    response = api.get(f"/api/hall-layout/{showtime.pk}/", headers={"If-None-Match": f'"other", W/{etag}'})
    assert response.status_code == 304


# --- categories and prices --------------------------------------------------------------------------------


def test_layout_etag_and_body_move_when_a_price_changes(api, showtime):
    first = _get(api, showtime)
    standard = showtime.hall.categories.get()

    set_showtime_prices(showtime=showtime, prices={(standard, default_ticket_type()): Decimal("8.50")})
    board.drop()  # what the watcher does on the price list's notification (tests/test_layout_board.py)

    changed = _get(api, showtime, first["ETag"])
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]
    assert changed.json()["categories"][0]["price"] == "8.50"


def test_layout_shows_a_recategorised_seat_at_once(api, showtime, seats):
    before = _get(api, showtime)
    vip = SeatCategory.objects.create(
        hall=showtime.hall, name="VIP", colour="#AA3377", sort_order=1, default_price=Decimal("15")
    )

    recategorise_seats(hall=showtime.hall, seat_ids=[seats[0]], category=vip)
    board.drop()

    after = _get(api, showtime, before["ETag"])
    assert after.status_code == 200
    assert _seats_by_id(after)[seats[0]]["category"] == vip.pk
    assert _seats_by_id(after)[seats[1]]["category"] == _seats_by_id(before)[seats[1]]["category"]
    assert after.json()["categories"][1] == {
        "id": vip.pk,
        "name": "VIP",
        "colour": "#aa3377",
        "price": "15.00",
        "prices": [{"ticket_type_id": default_ticket_type().pk, "ticket_type": "Adult", "amount": "15.00"}],
    }


def test_layout_marks_a_category_the_showtime_does_not_sell(api, showtime):
    standard = showtime.hall.categories.get()
    vip = SeatCategory.objects.create(hall=showtime.hall, name="VIP", colour="#aa3377", default_price=Decimal(15))
    set_showtime_prices(showtime=showtime, prices={(standard, default_ticket_type()): Decimal("9")})

    categories = {category["name"]: category for category in _get(api, showtime).json()["categories"]}

    assert categories["VIP"]["price"] is None
    assert categories["VIP"]["prices"] == []
    assert categories["Standard"]["price"] == "9.00"
    assert vip.pk == categories["VIP"]["id"]


def test_layout_amounts_are_in_the_currencys_own_decimals(api, showtime):
    Venue.objects.filter(pk=showtime.hall.venue_id).update(currency="JPY")
    SeatCategory.objects.filter(hall=showtime.hall).update(default_price=Decimal(1500))
    board.drop()

    body = _get(api, showtime).json()

    assert body["currency"] == "JPY"
    assert body["categories"][0]["price"] == "1500"


def test_layout_marks_the_callers_own_booked_seats_as_theirs(user_api, other_api, api, showtime, seats):
    hold(user_api, showtime, seats[:2])
    book(user_api, showtime, seats[:2])
    hold(other_api, showtime, [seats[2]])
    book(other_api, showtime, [seats[2]])

    mine = _seats_by_id(_get(user_api, showtime))
    theirs = _seats_by_id(_get(other_api, showtime))
    anonymous = _seats_by_id(_get(api, showtime))

    assert [mine[s]["booked_by_me"] for s in seats[:3]] == [True, True, False]
    assert [theirs[s]["booked_by_me"] for s in seats[:3]] == [False, False, True]
    assert not any(seat["booked_by_me"] for seat in anonymous.values())
    assert {mine[s]["status"] for s in seats[:3]} == {"booked"}
