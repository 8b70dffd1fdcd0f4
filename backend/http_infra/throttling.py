"""Rate limits that hold across every app process: fixed-window counters in a shared cache.

Why not DRF's SimpleRateThrottle: it keeps a list of request timestamps per client and rewrites the
whole list on every request (get + set, racy between processes). Here each client gets one integer
per window, counted where every app process sees it:
  * Redis (`REDIS_URL` set): `cache.add(key, 1)` opens the window, `cache.incr(key)` counts the rest,
    both atomic;
  * otherwise PostgreSQL: `boxoffice_count_hit` (booking/services/seat_writes.sql), one
    `INSERT ... ON CONFLICT DO UPDATE ... RETURNING` on an UNLOGGED table (`RateCounter`): atomic, one
    round trip, no WAL flush. The sweeper deletes expired windows. A deliberate exception to "every write
    goes through booking/services/": the counter is HTTP bookkeeping, not a business write.
    The seat writes (hold, book; `SeatWriteThrottle`) do not pay that round trip: their seat function
    counts the request first, in its own statement, from the window this module works out.

A fixed window lets a client spend up to twice its rate across a window boundary (the end of one
minute and the start of the next); the rates are set with that in mind.

Settings (read on every request, so tests and `override_settings` change them live):
  THROTTLES_ENABLED  False lifts every limit (tests, `make bench`, the stress run).
  THROTTLE_RATES     {"hold": "120/min", ...}: the scope's rate, "N/period" (period s, min, h, day).
  THROTTLE_CACHE     the CACHES alias of the Redis counters (used only when REDIS_URL is set).
Clients are told when to come back: DRF's Throttled -> 429 `throttled` with `Retry-After`.
"""

import logging
import time
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from rest_framework.throttling import BaseThrottle

from booking.services.seat_requests import COUNT_HIT_SQL, RateWindow
from http_infra.rates import parse_rate

logger = logging.getLogger(__name__)


class FixedWindowThrottle(BaseThrottle):
    """One counter per (scope, client, window) in the shared throttle cache."""

    scope: str | None = None

    def get_scope(self, request, view) -> str | None:
        return self.scope

    def get_ident_for(self, request) -> str | None:
        """Who is counted: the user when signed in, else the client IP (REST_FRAMEWORK NUM_PROXIES)."""
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return f"user:{user.pk}"
        return f"ip:{self.get_ident(request)}"

    def window(self, request, view) -> RateWindow | None:
        """The request's rate-limit window, or None when nothing limits it."""
        if not getattr(settings, "THROTTLES_ENABLED", True):
            return None
        scope = self.get_scope(request, view)
        if scope is None:
            return None
        limit = parse_rate(getattr(settings, "THROTTLE_RATES", {}).get(scope))
        if limit is None:
            return None
        ident = self.get_ident_for(request)
        if ident is None:
            return None
        num, duration = limit
        now = time.time()
        window = int(now // duration)
        ends = (window + 1) * duration
        return RateWindow(
            key=f"throttle:{scope}:{ident}:{duration}:{window}",
            limit=num,
            # The row outlives its window by a second, so a late hit never reopens an expired window.
            expires_at=datetime.fromtimestamp(ends + 1, tz=UTC),
            retry_after=max(1, int(ends - now + 0.999)),
        )

    def allow_request(self, request, view) -> bool:
        self.wait_seconds = None
        window = self.window(request, view)
        if window is None:
            return True
        try:
            count = self._count(window)
        except Exception:  # the cache is down: serve the request rather than fail it (fail open)
            logger.exception("throttle cache unavailable; request not rate limited")
            return True
        if count <= window.limit:
            return True
        self.wait_seconds = window.retry_after
        return False

    @staticmethod
    def _count(window: RateWindow) -> int:
        if settings.REDIS_URL:
            timeout = max(1, int(window.expires_at.timestamp() - time.time()))
            return FixedWindowThrottle._count_in_cache(caches[settings.THROTTLE_CACHE], window.key, timeout)
        with connection.cursor() as cursor:
            cursor.execute(COUNT_HIT_SQL, [window.key, window.expires_at])
            return cursor.fetchone()[0]

    @staticmethod
    def _count_in_cache(cache, key: str, timeout: int) -> int:
        if cache.add(key, 1, timeout=timeout):
            return 1
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr: this request opens the window again
            cache.set(key, 1, timeout=timeout)
            return 1

    def wait(self):
        return self.wait_seconds


class ScopedRateThrottle(FixedWindowThrottle):
    """The view's `throttle_scope` ("hold", "book", "login", "register"); views without one are not limited."""

    def get_scope(self, request, view):
        return getattr(view, "throttle_scope", None)


class SeatWriteThrottle(ScopedRateThrottle):
    """The hold and book scopes. With the counters in PostgreSQL the request is counted by the seat
    function, in the statement that does the write (its view passes `seat_write_window(request)` to the
    service, which raises RateLimited over the limit): one round trip per seat write instead of two, and a
    hot seat's loser costs one. With Redis the count is Redis's, here, as for every other scope."""

    def allow_request(self, request, view) -> bool:
        if settings.REDIS_URL:
            return super().allow_request(request, view)
        self.wait_seconds = None
        request.seat_write_window = self.window(request, view)
        return True


def seat_write_window(request) -> RateWindow | None:
    """The window SeatWriteThrottle left for the seat function to count in; None when it counted the
    request itself (Redis) or nothing limits it."""
    return getattr(request, "seat_write_window", None)


class UserRateThrottle(FixedWindowThrottle):
    """Every request of a signed-in user, all views together (scope "user")."""

    scope = "user"

    def get_ident_for(self, request):
        user = getattr(request, "user", None)
        return f"user:{user.pk}" if user is not None and user.is_authenticated else None


class AnonRateThrottle(FixedWindowThrottle):
    """Every anonymous request, per client IP (scope "anon")."""

    scope = "anon"

    def get_ident_for(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return None
        return f"ip:{self.get_ident(request)}"


def client_ip(request) -> str:
    """The client's address as the rate limits see it (NUM_PROXIES rules), for django-axes too."""
    return BaseThrottle().get_ident(request)
