"""The shorter chain for token API calls (http_infra/token_fast_path.py): which requests take it, and that
their answers are the ones the full chain gives, headers included."""

import pytest
from django.test import RequestFactory
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from booking.tests.api.helpers import HOLD_URL, assert_error, layout_url
from booking.tests.factories import UserFactory
from http_infra.token_fast_path import takes_fast_path


@pytest.mark.parametrize(
    ("path", "authorization", "fast"),
    [
        ("/api/hold-seat/", "Token abc", True),
        ("/api/hall-layout/1/", "Token abc", True),
        ("/api/hold-seat/", "", False),  # a session caller: CSRF and sessions apply
        ("/api/hold-seat/", "Bearer abc", False),
        ("/api/auth/login/", "Token abc", False),  # sign-in and sign-out need the session machinery
        ("/api/auth/me/", "Token abc", False),
        ("/admin/", "Token abc", False),
    ],
)
def test_which_requests_take_the_fast_path(path, authorization, fast):
    request = (
        RequestFactory().get(path, HTTP_AUTHORIZATION=authorization) if authorization else RequestFactory().get(path)
    )
    assert takes_fast_path(request) is fast


@pytest.fixture
def token_api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_a_token_call_answers_as_the_full_chain_would(token_api, user, showtime, seats):
    response = token_api.post(HOLD_URL, {"show_id": showtime.pk, "seat_id": seats[0]}, format="json")

    assert response.status_code == 200
    assert response.json()["seat_ids"] == [seats[0]]
    assert response["Content-Length"] == str(len(response.content))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"  # SecurityMiddleware still runs
    assert "Set-Cookie" not in response  # no session, no CSRF cookie
    assert not hasattr(response.wsgi_request, "session")  # the session middleware was not on its way
    layout = token_api.get(layout_url(showtime.pk))
    assert layout.status_code == 200
    assert layout["ETag"]
    assert layout["Content-Length"] == str(len(layout.content))


def test_a_wrong_token_is_still_a_json_401(showtime, seats, db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    assert_error(
        client.post(HOLD_URL, {"show_id": showtime.pk, "seat_id": seats[0]}, format="json"),
        401,
        "authentication_failed",
    )


def test_unknown_api_paths_keep_their_json_answers(token_api, db):
    missing = token_api.get("/api/no-such-endpoint/")
    assert_error(missing, 404, "not_found")
    assert missing["Content-Length"] == str(len(missing.content))


def test_a_session_caller_still_gets_csrf_protection(showtime, seats):
    user = UserFactory()
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post(HOLD_URL, {"show_id": showtime.pk, "seat_id": seats[0]}, format="json")

    assert_error(response, 403, "permission_denied")
    assert hasattr(response.wsgi_request, "session")  # the full chain
