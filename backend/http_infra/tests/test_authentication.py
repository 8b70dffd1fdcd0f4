"""Token authentication with its per-process cache (http_infra/authentication.py): its header parsing gives
DRF's own answers, and every request gets a user object of its own."""

import pytest
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from booking.tests.factories import UserFactory
from http_infra.authentication import CachedTokenAuthentication


def _outcome(authentication, header: str | None):
    extra = {} if header is None else {"HTTP_AUTHORIZATION": header}
    request = Request(APIRequestFactory().get("/api/shows/", **extra))
    try:
        result = authentication.authenticate(request)
    except exceptions.AuthenticationFailed as exc:
        return "401", str(exc.detail)
    if result is None:
        return None
    user, auth = result
    return user.pk, getattr(auth, "key", auth)  # DRF's auth is the Token, ours its key (as documented)


@pytest.mark.parametrize(
    "header",
    [
        "Token {key}",
        "token {key}",  # the keyword in any case
        "Token  {key}",  # split on any whitespace
        "Token\t{key}",
        "Token {key} ",
        None,
        "",
        "Token",
        "Token ",
        "Token {key} extra",
        "Token ab\tc",
        "Token not-a-real-token",
        "Token " + "0" * 40,
        "Token ké",
        "Bearer {key}",
        "Tokens {key}",
    ],
)
def test_the_token_header_is_read_as_drf_reads_it(db, header):
    """Each header gets what DRF's TokenAuthentication gives it: the same user and key, the same 401 message,
    or no token authentication at all."""
    key = Token.objects.create(user=UserFactory()).key
    header = None if header is None else header.format(key=key)

    ours = _outcome(CachedTokenAuthentication(), header)

    assert ours == _outcome(TokenAuthentication(), header)
    assert _outcome(CachedTokenAuthentication(), header) == ours  # from the cache: the same again


def test_every_request_gets_its_own_user_object(db):
    user = UserFactory(first_name="Ada")
    key = Token.objects.create(user=user).key
    authentication = CachedTokenAuthentication()

    first, _ = authentication.authenticate_credentials(key)
    first.note = "set by a view"
    first.first_name = "changed"
    second, _ = authentication.authenticate_credentials(key)  # a cache hit

    assert second is not first
    assert not hasattr(second, "note")
    assert (second.pk, second.username, second.first_name) == (user.pk, user.username, "Ada")
    assert second._state is not first._state
    assert (second._state.adding, second._state.db) == (False, "default")
    assert second.get_deferred_fields() == set()
