"""Token authentication that does not cost a database round trip on every request, and costs one
cheap round trip when it must look."""

import threading
import time
from functools import cache

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models.base import ModelState
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

_MAX_ENTRIES = 10_000
_cache: dict[str, tuple[float, object]] = {}
_lock = threading.Lock()


@cache
def _user_by_token_sql() -> tuple[str, list[str]]:
    """One statement for a token's user: DRF's `select_related("user").get(key=...)` cost twice its
    round trip in ORM compilation alone, on every request whose token this process has not seen yet
    (most of a flash sale's first requests). The same every time, so psycopg prepares it."""
    User = get_user_model()
    fields = User._meta.concrete_fields
    columns = ", ".join(f'u."{f.column}"' for f in fields)
    sql = (
        f'SELECT {columns} FROM "{Token._meta.db_table}" t '
        f'JOIN "{User._meta.db_table}" u ON u."{User._meta.pk.column}" = t."user_id" WHERE t."key" = %s'
    )
    return sql, [f.attname for f in fields]


def user_for_token(key: str):
    """The token's user (inactive ones included), or None for an unknown token."""
    sql, attnames = _user_by_token_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, [key])
        row = cursor.fetchone()
    return None if row is None else get_user_model().from_db(connection.alias, attnames, row)


class CachedTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, remembering each token's user for TOKEN_CACHE_SECONDS per process.

    Every seat-map poll and every hold is an authenticated request; looking the token up each time
    was a tenth of a hold's cost. The price: a deleted token or deactivated user keeps working for
    up to TOKEN_CACHE_SECONDS (0 turns the cache off). `request.auth` is the token's key.
    """

    def authenticate(self, request):
        # "Token <key>" with a key of ASCII letters and digits, read straight from the WSGI environ: DRF's
        # header parsing builds `request.headers` (every header, through the Request proxy) for this one
        # value. Anything else takes DRF's path, and gets its answers and messages.
        scheme, _, key = request._request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
        if scheme == self.keyword and key.isascii() and key.isalnum():
            return self.authenticate_credentials(key)
        return super().authenticate(request)

    def authenticate_credentials(self, key):
        ttl = settings.TOKEN_CACHE_SECONDS
        now = time.monotonic()
        hit = _cache.get(key) if ttl > 0 else None
        if hit is not None and hit[0] > now:
            return _own_copy(hit[1]), key
        user = user_for_token(key)
        # DRF's messages, so a client sees the same 401 it always did.
        if user is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if ttl > 0:
            with _lock:
                if len(_cache) >= _MAX_ENTRIES:
                    _cache.clear()
                _cache[key] = (now + ttl, user)
        return _own_copy(user), key


def _own_copy(user):
    """A copy of the cached user for one request (views may set attributes on request.user): its field
    values and a fresh ModelState, as `from_db` builds them. `copy.copy` of a model goes through
    pickling's reduce protocol: ten times the cost, on every authenticated request."""
    clone = object.__new__(type(user))
    clone.__dict__ = user.__dict__.copy()
    clone._state = ModelState()
    clone._state.adding, clone._state.db = False, user._state.db
    return clone
