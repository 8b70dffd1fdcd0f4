"""GET /metrics (Prometheus) and GET /api/ready/ (readiness)."""

import hmac
import ipaddress
import threading

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from http_infra.observability.metrics import scrape_registry
from http_infra.observability.middleware import ANSWERS

# --- /metrics ------------------------------------------------------------------------------------------------

PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.split("%")[0]).is_loopback
    except ValueError:
        return False


def metrics_allowed(request) -> bool:
    """Loopback callers, a valid `Authorization: Bearer $METRICS_TOKEN`, or anyone with METRICS_ALLOW_REMOTE.

    A request that came through a proxy (X-Forwarded-For, Forwarded, X-Real-IP) is not treated as local even
    when the proxy itself connects over loopback: otherwise nginx on the same host would publish /metrics.
    """
    if settings.METRICS_ALLOW_REMOTE:
        return True
    token = settings.METRICS_TOKEN
    if token:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode()):
            return True
    proxied = any(request.META.get(header) for header in PROXY_HEADERS)
    return not proxied and _is_loopback(request.META.get("REMOTE_ADDR", ""))


@require_safe
def metrics_view(request):
    if not metrics_allowed(request):
        return JsonResponse(
            {
                "detail": "Metrics are served to loopback callers only (see METRICS_TOKEN / METRICS_ALLOW_REMOTE).",
                "code": "forbidden",
            },
            status=403,
        )
    ANSWERS.flush()  # this process's requests so far; the other workers' are at most a batch late
    response = HttpResponse(generate_latest(scrape_registry()), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response


# --- /api/ready/ ---------------------------------------------------------------------------------------------

_migrations_checked = threading.Event()  # set once the database was seen fully migrated: never re-checked


def unapplied_migrations() -> list[str]:
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


@require_safe
def ready(request):
    """200 when the database answers and every migration is applied; 503 otherwise.

    Liveness is /api/health/ (database reachable). Readiness also waits for the schema: a server started
    before `migrate` finished stays out of rotation. The migration check costs a graph load, so it runs
    until it first succeeds; afterwards only `SELECT 1` is run.
    """
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        if not _migrations_checked.is_set():
            pending = unapplied_migrations()
            if pending:
                return JsonResponse(
                    {"status": "migrations_pending", "pending": pending[:20], "count": len(pending)}, status=503
                )
            _migrations_checked.set()
    except Exception:  # any failure to reach the database means "not ready"
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ready"})
