"""Browser-facing controls: CSRF cookie and checks, cookie flags, CSP, no CORS, password length."""

import json
from pathlib import Path

from django.conf import settings
from rest_framework.test import APIClient

from .helpers import HOLD_URL, LOGIN_URL, ME_URL, REGISTER_URL, assert_error

PASSWORD = "s3cret-pass-123"  # the factories' password
CSRF_URL = "/api/auth/csrf/"
REPO = Path(__file__).resolve().parents[4]


def csrf_client() -> APIClient:
    """A browser-like client: Django's CSRF check is enforced, as for a real session."""
    return APIClient(enforce_csrf_checks=True)


# --- CSRF -------------------------------------------------------------------------------------------


def test_csrf_endpoint_sets_the_cookie(db):
    client = csrf_client()
    response = client.get(CSRF_URL)

    assert response.status_code == 200
    assert set(response.json()) == {"detail"}
    cookie = response.cookies["csrftoken"]
    assert cookie.value
    assert cookie["samesite"] == "Lax"
    assert not cookie["httponly"]  # the SPA must read it


def test_session_write_without_csrf_token_is_refused_as_json(user, seats, showtime):
    client = csrf_client()
    login = client.post(LOGIN_URL, {"username": user.username, "password": PASSWORD}, format="json")
    assert login.status_code == 200

    response = client.post(HOLD_URL, {"show_id": showtime.pk, "seat_id": seats[0]}, format="json")

    body = assert_error(response, 403, "permission_denied")  # DRF's SessionAuthentication CSRF check
    assert "CSRF" in body["detail"]


def test_csrf_token_rotates_at_login_and_the_new_one_works(user, seats, showtime):
    client = csrf_client()
    before = client.get(CSRF_URL).cookies["csrftoken"].value
    login = client.post(LOGIN_URL, {"username": user.username, "password": PASSWORD}, format="json")
    assert login.status_code == 200
    after = client.cookies["csrftoken"].value

    assert after != before  # Django rotates the token on login: the SPA must re-read the cookie
    stale = client.post(HOLD_URL, {"show_id": showtime.pk, "seat_id": seats[0]}, format="json", HTTP_X_CSRFTOKEN=before)
    assert stale.status_code == 403
    fresh = client.post(HOLD_URL, {"show_id": showtime.pk, "seat_id": seats[0]}, format="json", HTTP_X_CSRFTOKEN=after)
    assert fresh.status_code == 200, fresh.content


def test_spa_reads_the_csrf_cookie_at_request_time():
    """The token rotates at login, so the client must read `csrftoken` per request, never cache it."""
    source = (REPO / "frontend" / "src" / "lib" / "api-client.ts").read_text()
    assert "function getCookie" in source
    assert "getCookie('csrftoken')" in source
    assert "let csrfToken" not in source


def test_session_cookie_flags(user):
    client = csrf_client()
    client.post(LOGIN_URL, {"username": user.username, "password": PASSWORD}, format="json")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]

    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_csrf_failure_on_api_path_is_json(db):
    # Django's own CSRF middleware (not DRF) rejects this: the failure view answers in the API's shape.
    from django.test import RequestFactory

    from http_infra.errors import csrf_failure

    response = csrf_failure(RequestFactory().post("/api/auth/logout/"), reason="CSRF cookie not set.")
    assert response.status_code == 403
    assert json.loads(response.content)["code"] == "csrf_failed"


# --- passwords --------------------------------------------------------------------------------------


def test_short_password_refused_at_register(api, db):
    response = api.post(REGISTER_URL, {"username": "shorty", "password": "Xk9#pq2w!"}, format="json")  # 9 chars

    body = assert_error(response, 400, "min_length")
    assert "at least 12 characters" in body["errors"]["password"][0]


def test_twelve_character_password_accepted(api, db):
    response = api.post(REGISTER_URL, {"username": "longer", "password": "Xk9#pq2w!zR4"}, format="json")
    assert response.status_code == 201, response.content


# --- CSP and framing --------------------------------------------------------------------------------


def _csp(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in header.split(";") if part.strip()}


def test_csp_on_the_spa(client, db):
    response = client.get("/")
    policy = _csp(response)

    assert policy["default-src"] == "default-src 'self'"
    assert policy["script-src"] == "script-src 'self'"
    assert policy["frame-ancestors"] == "frame-ancestors 'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_csp_on_the_admin(client, db):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_swagger_ui_has_no_inline_script(client, db):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    policy = _csp(page)
    assert policy["script-src"] == "script-src 'self'"
    html = page.content.decode()
    assert "<script>" not in html
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200


def test_built_spa_has_no_inline_script():
    index = REPO / "frontend" / "dist" / "index.html"
    if not index.exists():
        return  # `make test` builds it first; nothing to check without a build
    html = index.read_text()
    for tag in html.split("<script")[1:]:
        assert " src=" in tag.split(">")[0], "inline <script> in the built index.html: the CSP would block it"


def test_csp_report_only_switch(client, db, settings):
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    settings.CONTENT_SECURITY_POLICY = None
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": directives}

    response = client.get("/admin/login/")

    assert "Content-Security-Policy" not in response
    assert "frame-ancestors 'none'" in response["Content-Security-Policy-Report-Only"]


# --- CORS -------------------------------------------------------------------------------------------


def test_no_cors_headers_for_other_origins(api, db):
    response = api.get("/api/shows/", HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response
    assert "Access-Control-Allow-Credentials" not in response

    preflight = api.options(
        "/api/hold-seat/", HTTP_ORIGIN="https://evil.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST"
    )
    assert "Access-Control-Allow-Origin" not in preflight


def test_me_still_sets_the_csrf_cookie(user):
    client = csrf_client()
    client.force_authenticate(user)
    assert "csrftoken" in client.get(ME_URL).cookies
