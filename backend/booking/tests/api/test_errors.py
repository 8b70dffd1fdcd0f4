"""The API's error contract: JSON bodies {"detail": str, "code": str} for every failure, never HTML."""

import json

import pytest
from rest_framework.test import APIClient

from booking.tests.invariants import assert_booking_invariants

from .helpers import (
    BOOK_URL,
    BOOKINGS_URL,
    HOLD_URL,
    LOGIN_URL,
    ME_URL,
    REGISTER_URL,
    RELEASE_URL,
    SEAT_WRITE_URLS,
    SHOWS_URL,
    assert_error,
    layout_url,
    snapshot,
)

LIMIT = 64 * 1024


# --- 404 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/",
        "/api/nope/",
        "/api/nope",
        "/api/shows/1/",
        "/api/shows",
        "/api/hall-layout/",
        "/api/hall-layout/abc/",
        "/api/hall-layout/-1/",
        "/api/hall-layout/1.5/",
        "/api/hall-layout/1/extra/",
        "/api/auth/",
        "/api/bookings/abc/",
    ],
)
def test_unknown_api_paths_are_json_404(path, api, db):
    assert_error(api.get(path), 404, "not_found")


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_unknown_api_paths_are_json_404_for_every_method(method, api, db):
    assert_error(getattr(api, method)("/api/nope/"), 404, "not_found")


def test_unknown_api_path_is_json_404_even_for_a_client_without_csrf_token(db):
    """A real client (CSRF checks on) posting to a mistyped API URL still gets the JSON 404, not HTML."""
    client = APIClient(enforce_csrf_checks=True)

    assert_error(client.post("/api/nope/", {"a": 1}, format="json"), 404, "not_found")


def test_layout_unknown_show_is_json_404(api, db):
    assert_error(api.get(layout_url(123456789)), 404, "not_found")


# --- 405 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", HOLD_URL),
        ("get", BOOK_URL),
        ("get", RELEASE_URL),
        ("put", HOLD_URL),
        ("delete", BOOK_URL),
        ("post", SHOWS_URL),
        ("delete", SHOWS_URL),
        ("post", BOOKINGS_URL),
        ("post", ME_URL),
        ("get", LOGIN_URL),
        ("get", REGISTER_URL),
    ],
)
def test_wrong_method_is_405(method, path, user_api, showtime):
    response = getattr(user_api, method)(path)
    body = assert_error(response, 405, "method_not_allowed")
    assert method.upper() in body["detail"]


def test_wrong_method_on_layout_is_405(user_api, showtime):
    assert_error(user_api.post(layout_url(showtime.pk), {}, format="json"), 405, "method_not_allowed")


# --- 413 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [*SEAT_WRITE_URLS, LOGIN_URL, REGISTER_URL])
def test_body_over_64_kb_is_413(url, user_api, showtime, seats):
    body = json.dumps({"show_id": showtime.pk, "seat_id": seats[0], "padding": "x" * LIMIT})
    before = snapshot()

    assert_error(user_api.post(url, body, content_type="application/json"), 413, "request_too_large")
    assert snapshot() == before


def test_body_at_exactly_64_kb_is_accepted(user_api, showtime, seats):
    prefix = json.dumps({"show_id": showtime.pk, "seat_id": seats[0], "padding": ""})[:-2]
    body = prefix + "x" * (LIMIT - len(prefix) - 2) + '"}'
    assert len(body) == LIMIT

    assert user_api.post(HOLD_URL, body, content_type="application/json").status_code == 200
    assert_booking_invariants()


def test_413_comes_before_authentication(api, db):
    assert_error(api.post(HOLD_URL, "x" * (LIMIT + 1), content_type="application/json"), 413, "request_too_large")


def test_malformed_content_length_is_400(user_api, showtime, seats):
    response = user_api.generic(
        "POST",
        HOLD_URL,
        json.dumps({"show_id": showtime.pk, "seat_id": seats[0]}),
        content_type="application/json",
        CONTENT_LENGTH="ten",
    )
    assert_error(response, 400, "bad_request")


# --- 400 malformed JSON, 415 wrong content type ---------------------------------------------------


@pytest.mark.parametrize("url", [*SEAT_WRITE_URLS, LOGIN_URL, REGISTER_URL])
def test_malformed_json_is_400(url, user_api, db):
    body = assert_error(user_api.post(url, '{"show_id": 1,', content_type="application/json"), 400, "parse_error")
    assert "JSON" in body["detail"]


@pytest.mark.parametrize("url", SEAT_WRITE_URLS)
@pytest.mark.parametrize(
    ("content_type", "payload"),
    [
        ("text/plain", '{"show_id": 1, "seat_id": 1}'),
        ("application/x-www-form-urlencoded", "show_id=1&seat_id=1"),
        ("application/xml", "<seat/>"),
    ],
)
def test_wrong_content_type_is_415(url, content_type, payload, user_api, showtime, seats):
    before = snapshot()

    response = user_api.post(url, payload, content_type=content_type)

    body = assert_error(response, 415, "unsupported_media_type")
    assert content_type in body["detail"]
    assert snapshot() == before


def test_multipart_form_is_415(user_api, showtime, seats):
    response = user_api.post(HOLD_URL, {"show_id": showtime.pk, "seat_id": seats[0]}, format="multipart")
    assert_error(response, 415, "unsupported_media_type")


def test_login_with_form_encoding_is_415(api, db):
    response = api.post(LOGIN_URL, "username=a&password=b", content_type="application/x-www-form-urlencoded")
    assert_error(response, 415, "unsupported_media_type")


# --- every error has {"detail": str, "code": str} --------------------------------------------------


def test_validation_errors_carry_field_errors(user_api, showtime):
    response = user_api.post(HOLD_URL, {"show_id": "x", "seat_ids": ["y"]}, format="json")

    body = assert_error(response, 400, "invalid")
    assert set(body) == {"detail", "code", "errors"}
    assert set(body["errors"]) == {"show_id", "seat_ids"}
    assert body["detail"].startswith("show_id: ")


def test_non_field_validation_error_shape(user_api, showtime):
    body = assert_error(user_api.post(HOLD_URL, {"show_id": showtime.pk}, format="json"), 400, "seat_id_or_seat_ids")
    assert "non_field_errors" in body["errors"]
    assert not body["detail"].startswith("non_field_errors")


def test_error_responses_are_json_everywhere(api, user_api, showtime, seats):
    responses = [
        api.get(ME_URL),
        api.get(BOOKINGS_URL),
        api.post(HOLD_URL, {}, format="json"),
        user_api.post(HOLD_URL, [], format="json"),
        user_api.post(HOLD_URL, {"show_id": 0, "seat_id": 1}, format="json"),
        user_api.post(BOOK_URL, {"show_id": showtime.pk, "seat_id": seats[0]}, format="json"),
        user_api.post(RELEASE_URL, {"show_id": showtime.pk, "seat_id": seats[0]}, format="json"),
        user_api.get(layout_url(999_999_999)),
        api.post(LOGIN_URL, {"username": "x", "password": "y"}, format="json"),
        api.get("/api/whatever/"),
    ]
    for response in responses:
        assert response.status_code >= 400
        assert response["Content-Type"].startswith("application/json")
        body = response.json()
        assert isinstance(body["detail"], str), body
        assert isinstance(body["code"], str), body
