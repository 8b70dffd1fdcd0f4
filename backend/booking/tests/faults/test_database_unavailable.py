"""The API while its database is unreachable: the answer must still be an API error a client can act on.

The schema promises "Every error is `{detail, code, seat_ids?, errors?}`" (config/settings.py,
SPECTACULAR_SETTINGS) and a client doing retries needs to tell "the service is down, come back" from a
bug. This app server points at a port where nothing listens (no database at all, so this is fast and
touches nothing shared); /api/health/ says 503 as documented, and every other endpoint should answer in
the one JSON error shape too (503 with a code, like health), not Django's HTML "Server Error (500)" page.
"""

import httpx
import pytest

from booking.tests.faults.helpers import app_server, free_port


@pytest.fixture
def server_without_database(tmp_path):
    url = f"postgres://postgres@127.0.0.1:{free_port()}/nowhere"
    with app_server(database_url=url, log_path=tmp_path / "server.log", healthy=False, CONN_MAX_AGE=600) as srv:
        yield srv


def test_health_is_503_without_database(server_without_database):
    response = httpx.get(f"{server_without_database.base_url}/api/health/", timeout=5)
    assert (response.status_code, response.json()) == (503, {"status": "unavailable"})


@pytest.mark.parametrize(
    ("method", "path", "authenticated"),
    [
        ("GET", "/api/shows/", False),
        ("GET", "/api/hall-layout/1/", False),
        ("POST", "/api/hold-seat/", True),
        ("POST", "/api/book-seat/", True),
    ],
)
def test_api_error_shape_while_database_unreachable(server_without_database, method, path, authenticated):
    headers = {"Authorization": "Token 0123456789abcdef0123456789abcdef01234567"} if authenticated else {}
    headers["Idempotency-Key"] = "k-1"
    response = httpx.request(
        method,
        f"{server_without_database.base_url}{path}",
        json={"show_id": 1, "seat_ids": [1]} if method == "POST" else None,
        headers=headers,
        timeout=10,
    )
    assert response.status_code >= 500  # the client classifies it "unknown" and may retry
    assert response.headers.get("Content-Type", "").startswith("application/json"), (
        f"{method} {path}: {response.status_code} {response.headers.get('Content-Type')}: {response.text[:120]!r}"
    )
    body = response.json()
    assert isinstance(body.get("detail"), str), body
    assert isinstance(body.get("code"), str), body
    assert response.status_code == 503, (response.status_code, body)
