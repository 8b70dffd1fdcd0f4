"""Input an attacker or a careless client sends (issue 9): every answer a clear JSON 4xx, nothing changed."""

import logging

import pytest

from booking.tests.invariants import assert_booking_invariants

from .helpers import BOOK_URL, HOLD_URL, LOGIN_URL, REGISTER_URL, RELEASE_URL, assert_error, snapshot

STAFF_URLS = ["/api/staff/halls/", "/api/staff/showtimes/"]


def nested(depth: int, inner: str = "") -> bytes:
    return ("[" * depth + inner + "]" * depth).encode()


@pytest.fixture
def roomy_body_limit(settings):
    """100,000 levels take 200 KB: raise the body limit so the parser, not the 413, is what answers."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024


def post_raw(client, url: str, body: bytes):
    return client.generic("POST", url, body, content_type="application/json")


@pytest.mark.parametrize("depth", [1_000, 100_000])
@pytest.mark.parametrize("url", [LOGIN_URL, REGISTER_URL])
def test_deeply_nested_json_is_a_400_without_signing_in(api, db, roomy_body_limit, url, depth):
    assert_error(post_raw(api, url, nested(depth)), 400, "parse_error")


@pytest.mark.parametrize("depth", [1_000, 100_000])
@pytest.mark.parametrize("url", [HOLD_URL, BOOK_URL, RELEASE_URL])
def test_deeply_nested_json_is_a_400_when_signed_in(user_api, showtime, seats, roomy_body_limit, url, depth):
    before = snapshot()

    assert_error(post_raw(user_api, url, nested(depth)), 400, "parse_error")

    assert snapshot() == before


@pytest.mark.parametrize("depth", [1_000, 100_000])
@pytest.mark.parametrize("url", STAFF_URLS)
def test_deeply_nested_json_is_a_400_for_staff(staff_api, roomy_body_limit, url, depth):
    assert_error(post_raw(staff_api, url, nested(depth)), 400, "parse_error")


def test_nesting_inside_a_valid_object_is_refused_too(user_api, showtime, seats):
    body = b'{"show_id": %d, "seat_ids": %s}' % (showtime.pk, nested(500, "1"))

    assert_error(post_raw(user_api, HOLD_URL, body), 400, "parse_error")


def test_nesting_within_the_limit_reaches_the_validators(user_api, showtime, seats):
    body = b'{"show_id": %d, "seat_ids": %s}' % (showtime.pk, nested(20, "1"))

    assert_error(post_raw(user_api, HOLD_URL, body), 400, "invalid")


@pytest.mark.parametrize(
    "body",
    [
        b'{"show_id": 1e400, "seat_id": 1}',  # overflows a double
        b'{"show_id": NaN, "seat_id": 1}',  # not JSON
        b'{"show_id": 1, "seat_id": "\\ud800"}',  # a lone surrogate
        b'{"show_id": 1, "seat_id": 1' + b"0" * 5000 + b"}",  # a 5,000-digit number
        b"\xff\xfe{}",  # not UTF-8
    ],
)
def test_numbers_and_strings_no_parser_can_hold_are_a_400(user_api, showtime, seats, body):
    before = snapshot()

    assert_error(post_raw(user_api, HOLD_URL, body), 400, "parse_error")

    assert snapshot() == before


def test_huge_integers_are_a_400_not_a_database_error(user_api, showtime, seats):
    body = b'{"show_id": %d, "seat_id": 18446744073709551616}' % showtime.pk

    assert_error(post_raw(user_api, HOLD_URL, body), 400, "invalid")
    assert_booking_invariants()


# --- Host header ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/shows/", "/api/auth/login/", "/api/nope/"])
def test_a_host_not_allowed_gets_a_json_400_and_a_log_line_without_traceback(api, db, caplog, path):
    with caplog.at_level(logging.WARNING, logger="django.security"):
        response = api.get(path, HTTP_HOST="evil.example")

    assert_error(response, 400, "bad_host")
    records = [r for r in caplog.records if r.name.startswith("django.security")]
    assert records, "the refusal is still logged"
    assert all(r.levelno == logging.WARNING and not r.exc_info for r in records)


def test_a_host_not_allowed_outside_the_api_keeps_django_s_page(api, db):
    response = api.get("/admin/login/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert not response["Content-Type"].startswith("application/json")
