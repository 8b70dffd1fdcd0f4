import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from booking.models import ShowSeat
from booking.tests.factories import UserFactory
from booking.tests.invariants import assert_booking_invariants

from .helpers import (
    BOOK_URL,
    BOOKINGS_URL,
    HOLD_URL,
    LOGIN_URL,
    LOGOUT_URL,
    ME_URL,
    REGISTER_URL,
    RELEASE_URL,
    assert_error,
    hold,
    seat_state,
    snapshot,
)

PASSWORD = "s3cret-pass-123"  # the factories' password
User = get_user_model()


# --- register -------------------------------------------------------------------------------------


def test_register_creates_user_token_and_session(api, db):
    response = api.post(REGISTER_URL, {"username": "alice", "password": "Tr1cky-Passw0rd"}, format="json")

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "username", "token"}
    user = User.objects.get(username="alice")
    assert body["id"] == user.pk
    assert body["username"] == "alice"
    assert body["token"] == Token.objects.get(user=user).key
    assert user.check_password("Tr1cky-Passw0rd")
    # Registering signs the user in: the same client is now authenticated by session.
    me = api.get(ME_URL)
    assert me.status_code == 200
    assert me.json() == {"id": user.pk, "username": "alice"}


def test_register_token_authenticates(api, db):
    token = api.post(REGISTER_URL, {"username": "bob", "password": "Tr1cky-Passw0rd"}, format="json").json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(ME_URL).json()["username"] == "bob"


@pytest.mark.parametrize("spelling", [str.lower, str.upper, str.title])
def test_register_duplicate_username_in_any_case(api, db, spelling):
    user = UserFactory(username="Qa_Alice")
    response = api.post(
        REGISTER_URL, {"username": spelling(user.username), "password": "Tr1cky-Passw0rd"}, format="json"
    )

    body = assert_error(response, 409, "username_taken")
    assert "username" in body["errors"]
    assert all(isinstance(message, str) for message in body["errors"]["username"])
    assert User.objects.filter(username__iexact=user.username).count() == 1


def test_usernames_differing_only_in_case_are_refused_by_the_database_itself(db):
    UserFactory(username="admin")

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="Admin")


def test_register_short_password_is_refused_by_the_documented_rule(api, db):
    response = api.post(REGISTER_URL, {"username": "carol", "password": "Sh0rt-pass!"}, format="json")  # 11

    body = assert_error(response, 400, "min_length")
    assert body["errors"]["password"]
    assert not User.objects.filter(username="carol").exists()


def test_register_weak_password(api, db):
    response = api.post(REGISTER_URL, {"username": "carol", "password": "123456789012"}, format="json")

    body = assert_error(response, 400, "invalid")
    assert body["errors"]["password"]
    assert all(isinstance(message, str) for message in body["errors"]["password"])
    assert not User.objects.filter(username="carol").exists()


def test_register_password_like_username_is_weak(api, db):
    response = api.post(REGISTER_URL, {"username": "dramaqueen", "password": "dramaqueen12"}, format="json")

    assert_error(response, 400, "invalid")
    assert not User.objects.filter(username="dramaqueen").exists()


def test_register_invalid_username(api, db):
    response = api.post(REGISTER_URL, {"username": "no spaces!", "password": "Tr1cky-Passw0rd"}, format="json")

    body = assert_error(response, 400, "invalid")
    assert "username" in body["errors"]
    assert not User.objects.exists()


def test_register_missing_fields(api, db):
    body = assert_error(api.post(REGISTER_URL, {}, format="json"), 400, "required")
    assert set(body["errors"]) == {"username", "password"}


# --- login / logout / me --------------------------------------------------------------------------


def test_login_returns_token_and_starts_session(api, user):
    response = api.post(LOGIN_URL, {"username": user.username, "password": PASSWORD}, format="json")

    assert response.status_code == 200
    assert response.json() == {"id": user.pk, "username": user.username, "token": Token.objects.get(user=user).key}
    assert response.cookies["sessionid"].value
    assert api.get(ME_URL).json() == {"id": user.pk, "username": user.username}


def test_login_returns_the_same_token_each_time(api, user):
    first = api.post(LOGIN_URL, {"username": user.username, "password": PASSWORD}, format="json").json()["token"]
    second = APIClient().post(LOGIN_URL, {"username": user.username, "password": PASSWORD}, format="json")
    assert second.json()["token"] == first
    assert Token.objects.filter(user=user).count() == 1


def test_login_wrong_password(api, user):
    response = api.post(LOGIN_URL, {"username": user.username, "password": "wrong-password"}, format="json")

    assert_error(response, 401, "invalid_credentials")
    assert "sessionid" not in response.cookies
    assert api.get(ME_URL).status_code == 401


@pytest.mark.parametrize("spelling", [str.lower, str.upper, str.swapcase])
def test_login_matches_the_username_ignoring_case(api, db, spelling):
    user = UserFactory(username="Qa_Alice")

    response = api.post(LOGIN_URL, {"username": spelling("Qa_Alice"), "password": PASSWORD}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["id"] == user.pk
    assert api.get(ME_URL).json()["username"] == "Qa_Alice"


def test_login_unknown_user(api, db):
    response = api.post(LOGIN_URL, {"username": "nobody", "password": "whatever-123"}, format="json")
    assert_error(response, 401, "invalid_credentials")


def test_login_inactive_user(api, db):
    UserFactory(username="gone", is_active=False)
    response = api.post(LOGIN_URL, {"username": "gone", "password": PASSWORD}, format="json")
    assert_error(response, 401, "invalid_credentials")


def test_login_missing_password(api, user):
    body = assert_error(api.post(LOGIN_URL, {"username": user.username}, format="json"), 400, "required")
    assert "password" in body["errors"]


def test_logout_ends_the_session(api, user):
    api.post(LOGIN_URL, {"username": user.username, "password": PASSWORD}, format="json")
    assert api.get(ME_URL).status_code == 200

    response = api.post(LOGOUT_URL)

    assert response.status_code == 200
    assert isinstance(response.json()["detail"], str)
    assert_error(api.get(ME_URL), 401, "not_authenticated")


def test_logout_when_anonymous_is_harmless(api, db):
    assert api.post(LOGOUT_URL).status_code == 200


def test_me_authenticated(user_api, user):
    response = user_api.get(ME_URL)
    assert response.status_code == 200
    assert response.json() == {"id": user.pk, "username": user.username}


def test_me_anonymous(api, db):
    response = api.get(ME_URL)
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"


# --- token and session authentication -------------------------------------------------------------


def test_token_auth_on_hold(showtime, seats, user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")

    response = hold(client, showtime, [seats[0]])

    assert response.status_code == 200
    row = seat_state(showtime, seats[0])
    assert row.status == ShowSeat.Status.HELD
    assert row.held_by_id == user.pk
    assert_booking_invariants()


def test_bad_token_is_401(showtime, seats):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    before = snapshot()

    assert_error(hold(client, showtime, [seats[0]]), 401, "authentication_failed")
    assert snapshot() == before


def test_session_auth_enforces_csrf(showtime, seats, user):
    client = APIClient(enforce_csrf_checks=True)
    login = client.post(LOGIN_URL, {"username": user.username, "password": PASSWORD}, format="json")
    assert login.status_code == 200
    csrf_token = client.cookies["csrftoken"].value
    before = snapshot()

    without = hold(client, showtime, [seats[0]])
    assert_error(without, 403, "permission_denied")
    assert "CSRF" in without.json()["detail"]
    assert snapshot() == before

    with_token = client.post(
        HOLD_URL, {"show_id": showtime.pk, "seat_id": seats[0]}, format="json", headers={"X-CSRFToken": csrf_token}
    )
    assert with_token.status_code == 200
    assert seat_state(showtime, seats[0]).held_by_id == user.pk
    assert_booking_invariants()


def test_session_auth_rejects_a_wrong_csrf_token(showtime, seats, user):
    client = APIClient(enforce_csrf_checks=True)
    client.post(LOGIN_URL, {"username": user.username, "password": PASSWORD}, format="json")
    before = snapshot()

    response = client.post(
        HOLD_URL, {"show_id": showtime.pk, "seat_id": seats[0]}, format="json", headers={"X-CSRFToken": "x" * 32}
    )

    assert_error(response, 403, "permission_denied")
    assert snapshot() == before


def test_me_sets_csrf_cookie(user):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.get(ME_URL)
    assert response.status_code == 200
    assert response.cookies["csrftoken"].value


def test_logout_with_session_needs_csrf(user):
    client = APIClient(enforce_csrf_checks=True)
    client.post(LOGIN_URL, {"username": user.username, "password": PASSWORD}, format="json")

    assert_error(client.post(LOGOUT_URL), 403, "permission_denied")
    assert client.get(ME_URL).status_code == 200  # still signed in

    response = client.post(LOGOUT_URL, headers={"X-CSRFToken": client.cookies["csrftoken"].value})
    assert response.status_code == 200
    assert client.get(ME_URL).status_code == 401


# --- anonymous writes ---------------------------------------------------------------------------


def test_anonymous_seat_writes_are_401(api, showtime, seats, user):
    ShowSeat.objects.filter(showtime=showtime, seat_id=seats[1]).update(
        status=ShowSeat.Status.HELD, held_by=user, held_until=showtime.starts_at
    )
    before = snapshot()

    for url in (HOLD_URL, BOOK_URL, RELEASE_URL):
        for seat_id in (seats[0], seats[1]):
            response = api.post(url, {"show_id": showtime.pk, "seat_id": seat_id}, format="json")
            assert_error(response, 401, "not_authenticated")
            assert set(response.json()) == {"detail", "code"}

    assert snapshot() == before


def test_anonymous_bookings_list_is_401(api, db):
    assert_error(api.get(BOOKINGS_URL), 401, "not_authenticated")


# --- identity comes from authentication, never from the body --------------------------------------


def test_user_fields_in_hold_body_are_ignored(user_api, user, other_user, showtime, seats):
    response = user_api.post(
        HOLD_URL,
        {"show_id": showtime.pk, "seat_id": seats[0], "user_id": other_user.pk, "user": other_user.pk},
        format="json",
    )

    assert response.status_code == 200
    assert seat_state(showtime, seats[0]).held_by_id == user.pk
    assert_booking_invariants()


def test_user_fields_in_book_body_are_ignored(user_api, user, other_user, showtime, seats):
    hold(user_api, showtime, [seats[0]])

    response = user_api.post(
        BOOK_URL,
        {"show_id": showtime.pk, "seat_id": seats[0], "user_id": other_user.pk, "user": other_user.username},
        format="json",
    )

    assert response.status_code == 201
    assert user.bookings.count() == 1
    assert not other_user.bookings.exists()
    assert_booking_invariants()


def test_token_lookups_are_cached_for_a_few_seconds_then_rechecked(db, settings):
    """A deleted token keeps working only within TOKEN_CACHE_SECONDS; with 0 it stops at once."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    from booking.tests.factories import UserFactory
    from http_infra import authentication

    token = Token.objects.create(user=UserFactory())
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/auth/me/").status_code == 200
    token.delete()

    settings.TOKEN_CACHE_SECONDS = 10
    assert client.get("/api/auth/me/").status_code == 200  # still cached in this process
    settings.TOKEN_CACHE_SECONDS = 0
    assert client.get("/api/auth/me/").status_code == 401
    authentication._cache.clear()
    settings.TOKEN_CACHE_SECONDS = 10
    assert client.get("/api/auth/me/").status_code == 401


def test_a_deactivated_users_token_is_401_and_holds_nothing(showtime, seats, user):
    token = Token.objects.create(user=user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    before = snapshot()

    response = hold(client, showtime, [seats[0]])

    assert_error(response, 401, "authentication_failed")
    assert response.json()["detail"] == "User inactive or deleted."
    assert snapshot() == before


def test_a_token_loads_its_whole_user(db):
    """The one-statement lookup fills every field the ORM would, so nothing downstream lazily re-queries."""
    from booking.tests.factories import UserFactory
    from http_infra.authentication import user_for_token

    user = UserFactory(is_staff=True, first_name="Ada")
    token = Token.objects.create(user=user)

    loaded = user_for_token(token.key)

    assert user_for_token("not-a-real-token") is None
    assert loaded.get_deferred_fields() == set()
    assert (loaded.pk, loaded.username, loaded.is_staff, loaded.first_name, loaded.password) == (
        user.pk,
        user.username,
        True,
        "Ada",
        user.password,
    )
    assert loaded._state.adding is False
