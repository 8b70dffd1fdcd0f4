"""Token authentication that does not cost a database round trip on every request."""

import copy
import threading
import time

from django.conf import settings
from rest_framework.authentication import TokenAuthentication

_MAX_ENTRIES = 10_000
_cache: dict[str, tuple[float, object]] = {}
_lock = threading.Lock()


class CachedTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, remembering each token's user for TOKEN_CACHE_SECONDS per process.

    Every seat-map poll and every hold is an authenticated request; looking the token up each time
    was a tenth of a hold's cost. The price: a deleted token or deactivated user keeps working for
    up to TOKEN_CACHE_SECONDS (0 turns the cache off).
    """

    def authenticate_credentials(self, key):
        ttl = settings.TOKEN_CACHE_SECONDS
        now = time.monotonic()
        hit = _cache.get(key) if ttl > 0 else None
        if hit is not None and hit[0] > now:
            # A copy per request: views may set attributes on request.user.
            return copy.copy(hit[1]), key
        user, token = super().authenticate_credentials(key)  # raises for unknown keys, inactive users
        if ttl > 0:
            with _lock:
                if len(_cache) >= _MAX_ENTRIES:
                    _cache.clear()
                _cache[key] = (now + ttl, user)
        return copy.copy(user), token
