"""The request body hold-seat, book-seat and release-seat share: {show_id, seat_id} or {show_id, seat_ids}."""

import json

import pytest

from booking.models import ShowSeat
from booking.tests.conftest import make_showtime, seat_ids_of
from booking.tests.invariants import assert_booking_invariants

from .helpers import BOOK_URL, HOLD_URL, RELEASE_URL, SEAT_WRITE_URLS, assert_error, hold, snapshot

OK_STATUS = {HOLD_URL: 200, BOOK_URL: 201, RELEASE_URL: 200}


@pytest.fixture
def held_seat(user_api, showtime, seats):
    """A seat the user holds, so that book and release have something they could (wrongly) act on."""
    assert hold(user_api, showtime, [seats[0]]).status_code == 200
    return seats[0]


def _post(client, url, body):
    return client.post(url, body, format="json")


def _assert_bad_request(response, code: str | None = None) -> dict:
    assert response.status_code == 400, (response.status_code, response.content)
    body = response.json()
    assert isinstance(body["detail"], str)
    assert isinstance(body["code"], str)
    if code is not None:
        assert body["code"] == code, body
    return body


@pytest.mark.parametrize("url", SEAT_WRITE_URLS)
def test_single_seat_id_works(url, user_api, showtime, held_seat):
    response = _post(user_api, url, {"show_id": showtime.pk, "seat_id": held_seat})

    assert response.status_code == OK_STATUS[url], response.content
    assert_booking_invariants()


@pytest.mark.parametrize("url", SEAT_WRITE_URLS)
def test_unknown_fields_are_ignored(url, user_api, showtime, held_seat):
    body = {"show_id": showtime.pk, "seat_ids": [held_seat], "colour": "red", "seats": [1, 2], "status": "booked"}

    response = _post(user_api, url, body)

    assert response.status_code == OK_STATUS[url], response.content
    assert response.json()["detail"]
    assert_booking_invariants()


@pytest.mark.parametrize("url", SEAT_WRITE_URLS)
def test_both_seat_id_and_seat_ids_is_400(url, user_api, showtime, seats, held_seat):
    before = snapshot()

    response = _post(user_api, url, {"show_id": showtime.pk, "seat_id": held_seat, "seat_ids": [seats[1]]})

    _assert_bad_request(response)
    assert snapshot() == before


@pytest.mark.parametrize("url", SEAT_WRITE_URLS)
def test_neither_seat_id_nor_seat_ids_is_400(url, user_api, showtime, held_seat):
    before = snapshot()

    _assert_bad_request(_post(user_api, url, {"show_id": showtime.pk}))
    assert snapshot() == before


@pytest.mark.parametrize("url", SEAT_WRITE_URLS)
def test_missing_show_id_is_400(url, user_api, held_seat):
    before = snapshot()

    body = _assert_bad_request(_post(user_api, url, {"seat_id": held_seat}))

    assert "show_id" in body["errors"]
    assert snapshot() == before


BAD_IDS = [
    pytest.param("5", id="string"),
    pytest.param(5.0, id="float"),
    pytest.param(5.5, id="fraction"),
    pytest.param(True, id="true"),
    pytest.param(False, id="false"),
    pytest.param(None, id="null"),
    pytest.param(-1, id="negative"),
    pytest.param(0, id="zero"),
    pytest.param(2**63, id="over-bigint"),
    pytest.param(2**70, id="huge"),
    pytest.param([1], id="list"),
    pytest.param({"id": 1}, id="object"),
]


@pytest.mark.parametrize("url", SEAT_WRITE_URLS)
@pytest.mark.parametrize("bad", BAD_IDS)
def test_bad_seat_id_is_400(url, bad, user_api, showtime, held_seat):
    before = snapshot()

    body = _assert_bad_request(_post(user_api, url, {"show_id": showtime.pk, "seat_id": bad}))

    assert "seat_id" in body["errors"]
    assert snapshot() == before


@pytest.mark.parametrize("url", SEAT_WRITE_URLS)
@pytest.mark.parametrize("bad", BAD_IDS)
def test_bad_entry_in_seat_ids_is_400(url, bad, user_api, showtime, held_seat):
    before = snapshot()

    body = _assert_bad_request(_post(user_api, url, {"show_id": showtime.pk, "seat_ids": [held_seat, bad]}))

    assert "seat_ids" in body["errors"]
    assert snapshot() == before


@pytest.mark.parametrize("url", SEAT_WRITE_URLS)
@pytest.mark.parametrize("bad", BAD_IDS)
def test_bad_show_id_is_400(url, bad, user_api, held_seat):
    before = snapshot()

    body = _assert_bad_request(_post(user_api, url, {"show_id": bad, "seat_id": held_seat}))

    assert "show_id" in body["errors"]
    assert snapshot() == before


@pytest.mark.parametrize("url", SEAT_WRITE_URLS)
@pytest.mark.parametrize("bad", [5, "5", None, {"0": 5}], ids=["number", "string", "null", "object"])
def test_seat_ids_not_a_list_is_400(url, bad, user_api, showtime, held_seat):
    before = snapshot()

    _assert_bad_request(_post(user_api, url, {"show_id": showtime.pk, "seat_ids": bad}))
    assert snapshot() == before


@pytest.mark.parametrize("url", SEAT_WRITE_URLS)
def test_empty_seat_ids_is_400(url, user_api, showtime, held_seat):
    before = snapshot()

    _assert_bad_request(_post(user_api, url, {"show_id": showtime.pk, "seat_ids": []}))
    assert snapshot() == before


@pytest.mark.parametrize("url", SEAT_WRITE_URLS)
def test_duplicate_seat_ids_is_400(url, user_api, showtime, held_seat):
    before = snapshot()

    _assert_bad_request(_post(user_api, url, {"show_id": showtime.pk, "seat_ids": [held_seat, held_seat]}))
    assert snapshot() == before


@pytest.mark.parametrize("url", SEAT_WRITE_URLS)
def test_more_than_max_seats_per_hold_is_too_many_seats(url, user_api, settings, db):
    assert settings.MAX_SEATS_PER_HOLD == 10
    showtime = make_showtime(rows=2, seats_per_row=6)
    ids = seat_ids_of(showtime)[:11]
    before = snapshot()

    assert_error(_post(user_api, url, {"show_id": showtime.pk, "seat_ids": ids}), 400, "too_many_seats")
    assert snapshot() == before


@pytest.mark.parametrize("url", SEAT_WRITE_URLS)
def test_max_seats_per_hold_follows_the_setting(url, user_api, showtime, seats, settings):
    settings.MAX_SEATS_PER_HOLD = 3
    before = snapshot()

    assert_error(_post(user_api, url, {"show_id": showtime.pk, "seat_ids": seats[:4]}), 400, "too_many_seats")
    assert snapshot() == before


def test_exactly_max_seats_per_hold_is_allowed(user_api, showtime, seats, settings):
    settings.MAX_SEATS_PER_HOLD = 3

    assert hold(user_api, showtime, seats[:3]).status_code == 200
    assert ShowSeat.objects.filter(showtime=showtime, status="held").count() == 3
    assert_booking_invariants()


@pytest.mark.parametrize("url", SEAT_WRITE_URLS)
@pytest.mark.parametrize("raw", ["[]", "[1, 2]", '"hello"', "42", "null", "true"])
def test_body_not_an_object_is_400(url, raw, user_api, held_seat):
    before = snapshot()

    _assert_bad_request(user_api.post(url, raw, content_type="application/json"))
    assert snapshot() == before


@pytest.mark.parametrize("url", SEAT_WRITE_URLS)
@pytest.mark.parametrize("raw", ['{"show_id": 1, "seat_id": ', "{'show_id': 1}", "not json", '{"a": 1}}'])
def test_malformed_json_is_400(url, raw, user_api, held_seat):
    before = snapshot()

    assert_error(user_api.post(url, raw, content_type="application/json"), 400, "parse_error")
    assert snapshot() == before


@pytest.mark.parametrize("url", SEAT_WRITE_URLS)
def test_empty_body_is_400(url, user_api, held_seat):
    before = snapshot()

    _assert_bad_request(user_api.post(url, "", content_type="application/json"))
    assert snapshot() == before


@pytest.mark.parametrize("url", SEAT_WRITE_URLS)
def test_unknown_show_is_404(url, user_api, held_seat):
    before = snapshot()

    assert_error(_post(user_api, url, {"show_id": 999_999_999, "seat_id": held_seat}), 404, "not_found")
    assert snapshot() == before


@pytest.mark.parametrize("url", SEAT_WRITE_URLS)
def test_largest_bigint_show_id_is_404(url, user_api, held_seat):
    assert_error(_post(user_api, url, {"show_id": 2**63 - 1, "seat_id": held_seat}), 404, "not_found")


@pytest.mark.parametrize("url", SEAT_WRITE_URLS)
def test_seat_of_another_hall_is_seat_not_found(url, user_api, showtime, held_seat):
    foreign = seat_ids_of(make_showtime(rows=1, seats_per_row=2))[0]
    before = snapshot()

    response = _post(user_api, url, {"show_id": showtime.pk, "seat_ids": [held_seat, foreign]})

    body = assert_error(response, 404, "seat_not_found")
    assert body["seat_ids"] == [foreign]
    assert snapshot() == before


@pytest.mark.parametrize("url", SEAT_WRITE_URLS)
def test_nonexistent_seat_is_seat_not_found(url, user_api, showtime, held_seat):
    before = snapshot()

    body = assert_error(_post(user_api, url, {"show_id": showtime.pk, "seat_id": 2**63 - 1}), 404, "seat_not_found")

    assert body["seat_ids"] == [2**63 - 1]
    assert snapshot() == before


@pytest.mark.parametrize("url", SEAT_WRITE_URLS)
def test_seat_ids_are_plain_json_not_a_json_string(url, user_api, showtime, held_seat):
    before = snapshot()

    _assert_bad_request(_post(user_api, url, {"show_id": showtime.pk, "seat_ids": json.dumps([held_seat])}))
    assert snapshot() == before
