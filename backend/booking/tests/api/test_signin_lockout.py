"""Brute-force lockout (django-axes): too many wrong passwords for a username from one address -> 429."""

import pytest
from rest_framework.test import APIClient

from .helpers import LOGIN_URL, assert_error

PASSWORD = "s3cret-pass-123"  # the factories' password


@pytest.fixture
def lockout(db, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    return settings


def login(username, password, address="10.1.1.1"):
    return APIClient().post(LOGIN_URL, {"username": username, "password": password}, format="json", REMOTE_ADDR=address)


def test_wrong_passwords_lock_the_username_from_that_address_out(lockout, user):
    for _ in range(2):
        assert_error(login(user.username, "wrong-password-x"), 401, "invalid_credentials")
    assert_error(login(user.username, "wrong-password-x"), 429, "signin_locked_out")  # the limit-th failure

    locked = login(user.username, PASSWORD)  # even the right password now

    assert_error(locked, 429, "signin_locked_out")
    assert int(locked["Retry-After"]) == lockout.AXES_COOLOFF_TIME.total_seconds()
    assert login(user.username, PASSWORD, address="10.9.9.9").status_code == 200  # another address
    assert login("someone-else", "wrong-password-x").status_code == 401  # another username


def test_a_successful_sign_in_resets_the_count(lockout, user):
    for _ in range(2):
        assert login(user.username, "wrong-password-x").status_code == 401
    assert login(user.username, PASSWORD).status_code == 200
    for _ in range(2):
        assert login(user.username, "wrong-password-x").status_code == 401
    assert login(user.username, PASSWORD).status_code == 200


def test_the_admin_sign_in_is_locked_out_too(lockout, client, admin_user):
    for _ in range(3):
        client.post("/admin/login/", {"username": admin_user.username, "password": "nope"}, REMOTE_ADDR="10.2.2.2")
    response = client.post(
        "/admin/login/", {"username": admin_user.username, "password": "password"}, REMOTE_ADDR="10.2.2.2"
    )
    assert response.status_code == 429


def test_the_lockout_counts_a_username_in_any_case_as_one(lockout, user):
    for spelling in (user.username.upper(), user.username.title()):
        assert login(spelling, "wrong-password-x").status_code == 401

    assert_error(login(user.username, "wrong-password-x"), 429, "signin_locked_out")
