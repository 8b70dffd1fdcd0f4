"""Bugs the fuzzer found, pinned as plain tests."""

from datetime import timedelta

import pytest

from booking.tests.api.helpers import HOLD_URL, LOGIN_URL, REGISTER_URL, assert_error
from booking.tests.conftest import make_showtime, seat_ids_of


@pytest.mark.parametrize("field", ["username", "password"])
@pytest.mark.parametrize("value", [12345678901, True, 1.5])
def test_register_refuses_non_string_credentials(api, db, field, value):
    body = {"username": "newcomer", "password": "a-good-pass-123", field: value}

    assert_error(api.post(REGISTER_URL, body, format="json"), 400, "invalid")


def test_login_refuses_non_string_credentials(api, db):
    assert_error(api.post(LOGIN_URL, {"username": 5, "password": 12345678}, format="json"), 400, "invalid")


def test_show_started_conflict_names_the_seats(user_api, db):
    started = make_showtime(rows=1, seats_per_row=2, starts_in=-timedelta(minutes=1))
    seats = seat_ids_of(started)

    body = assert_error(
        user_api.post(HOLD_URL, {"show_id": started.pk, "seat_ids": seats}, format="json"), 409, "show_started"
    )

    assert body["seat_ids"] == sorted(seats)


@pytest.mark.parametrize("path", ["/api/hall-layout/1\n2/", "/api/x%0Ay/", "/api/hall-layout/%0A/"])
def test_api_paths_with_newlines_get_the_json_404(api, db, path):
    assert_error(api.get(path), 404, "not_found")


@pytest.mark.parametrize("key", ["caf\u00e9", "two words", "tab\there"])
def test_idempotency_key_must_be_visible_ascii_as_documented(user_api, showtime, seats, key):
    from booking.tests.api.helpers import book, hold

    hold(user_api, showtime, [seats[0]])

    assert_error(book(user_api, showtime, [seats[0]], key=key), 400, "invalid")
