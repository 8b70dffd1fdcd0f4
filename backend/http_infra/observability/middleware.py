"""One middleware for the request log line and the per-request metrics.

It is the outermost middleware, so its clock covers every other middleware (the 413 of the body limit and
WhiteNoise's static files included). Per request it reads what the request and response already carry —
the resolved URL's name, the status, DRF's `response.data["code"]`, the user the authentication set — and
touches the database never.
"""

import functools
import logging
import re
import time

import orjson
from django.conf import settings
from django.utils.functional import SimpleLazyObject, empty

from http_infra.observability import metrics

logger = logging.getLogger("boxoffice.request")

# Probes and scrapes: logged at DEBUG when they succeed, so they do not drown the INFO log.
QUIET_ENDPOINTS = frozenset({"health", "ready", "metrics"})
SEAT_WRITES = {"hold-seat": "held", "book-seat": "booked", "release-seat": "released"}


def endpoint_of(request, response) -> str:
    """A bounded label for the request: the URL pattern's name, never the raw path."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        # Answered before (or without) URL routing: WhiteNoise's files, a path no pattern matches, or a
        # middleware's own answer (413 body limit, HTTPS redirect).
        if response.streaming or response.status_code == 304:
            return "static"
        return "unresolved" if response.status_code == 404 else "middleware"
    if match.app_name == "admin" or "admin" in match.namespaces:
        return "admin"
    return match.url_name or ("api-not-found" if request.path.startswith("/api/") else "unnamed")


def user_id_of(request) -> int | None:
    """The authenticated user's id, only if something already looked the user up (no query here)."""
    user = request.__dict__.get("user")  # DRF's token authentication sets it on the Django request too
    if isinstance(user, SimpleLazyObject):
        user = user._wrapped
        if user is empty:
            return None
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.pk


def error_code_of(response) -> str:
    """The API error code of a 4xx: DRF responses keep `.data`; JsonResponse errors are parsed (small)."""
    data = getattr(response, "data", None)
    if data is None and not response.streaming and response.get("Content-Type", "").startswith("application/json"):
        try:
            data = orjson.loads(response.content)
        except orjson.JSONDecodeError:
            data = None
    code = data.get("code") if isinstance(data, dict) else None
    return str(code)[:64] if code else "none"


_LOGFMT_BARE = re.compile(r"[A-Za-z0-9_\-./:]+")


def _logfmt_value(value) -> str:
    text = str(value)
    if _LOGFMT_BARE.fullmatch(text):
        return text
    return orjson.dumps(text).decode()  # quoted and escaped: no newline or quote can forge a field


@functools.lru_cache(maxsize=4096)
def _request_metrics(endpoint: str, method: str, status: int):
    """The labelled children one kind of answer updates, looked up once per process (labels are bounded:
    route names, methods, statuses), not per request."""
    return metrics.REQUESTS.labels(endpoint, method, str(status)), metrics.LATENCY.labels(
        endpoint, method, f"{status // 100}xx"
    )


# The open-connections gauge changes only when a thread connects or a connection is closed: counting
# them once a second per process is as current as a scrape every few seconds can tell.
_CONNECTIONS_EVERY = 1.0


class ObservabilityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.log_requests = getattr(settings, "REQUEST_LOG", True)
        self.connections_counted_at = float("-inf")

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        duration = time.perf_counter() - started
        try:
            self.observe(request, response, duration)
        except Exception:  # observing must never turn an answer into a 500
            logger.exception("request metrics failed")
        return response

    def observe(self, request, response, duration: float) -> None:
        status = response.status_code
        endpoint = endpoint_of(request, response)
        method = request.method if request.method in {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"} else "other"
        requests, latency = _request_metrics(endpoint, method, status)
        requests.inc()
        latency.observe(duration)

        code = None
        if 400 <= status < 500:
            code = error_code_of(response)
            if status == 409:
                metrics.CONFLICTS.labels(endpoint, code).inc()
                if code == "lock_timeout":
                    metrics.LOCK_TIMEOUTS.labels(endpoint).inc()
            else:
                metrics.REJECTIONS.labels(endpoint, str(status), code).inc()
        elif status < 300 and endpoint in SEAT_WRITES:
            self.count_seat_write(endpoint, response)
        now = time.monotonic()
        if now - self.connections_counted_at >= _CONNECTIONS_EVERY:
            self.connections_counted_at = now
            metrics.DB_CONNECTIONS.set(metrics.open_connections())

        if self.log_requests:
            self.log(request, response, endpoint, status, code, duration)

    @staticmethod
    def count_seat_write(endpoint: str, response) -> None:
        data = getattr(response, "data", None) or {}
        if endpoint == "hold-seat":
            metrics.HOLDS.inc()
            seats = data.get("seat_ids")
        elif endpoint == "release-seat":
            metrics.RELEASES.inc()
            seats = data.get("seat_ids")
        else:
            replayed = response.get("Idempotent-Replayed") == "true"
            metrics.BOOKINGS.labels("true" if replayed else "false").inc()
            seats = None if replayed else (data.get("booking") or {}).get("seat_ids")
        if seats:
            metrics.SEATS.labels(SEAT_WRITES[endpoint]).inc(len(seats))

    @staticmethod
    def log(request, response, endpoint: str, status: int, code: str | None, duration: float) -> None:
        # A 5xx is a bug: ERROR (what the stress run's server-log check looks for). Everything else is INFO,
        # successful probes and scrapes DEBUG.
        if status >= 500:
            level = logging.ERROR
        elif endpoint in QUIET_ENDPOINTS and status < 400:
            level = logging.DEBUG
        else:
            level = logging.INFO
        if not logger.isEnabledFor(level):
            return
        fields = [
            ("method", request.method),
            ("path", request.path[:200]),
            ("endpoint", endpoint),
            ("status", status),
            ("duration_ms", f"{duration * 1000:.1f}"),
        ]
        user_id = user_id_of(request)
        if user_id is not None:
            fields.append(("user", user_id))
        if code is not None:
            fields.append(("code", code))
        line = " ".join(f"{key}={_logfmt_value(value)}" for key, value in fields)
        # The record made directly: Logger.log would walk the stack for a caller that is always this line.
        logger.handle(logger.makeRecord(logger.name, level, __file__, 0, line, None, None))
