"""The one error shape, `{"detail", "code"}`, for what Django answers outside the API's views: unknown
/api/ paths, CSRF rejections, bad Host headers, unexpected crashes, django-axes' sign-in lockout. Web
pages outside /api/ keep Django's own pages. The API's views raise domain errors instead, which its
one exception handler (booking/api/errors.py) shapes the same way."""

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse, JsonResponse
from django.views.csrf import csrf_failure as django_csrf_failure
from django.views.decorators.csrf import csrf_exempt
from django.views.defaults import bad_request as django_bad_request
from django.views.defaults import server_error as django_server_error
from rest_framework import status


def json_error(status_code: int, detail: str, code: str) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code}, status=status_code)


@csrf_exempt  # nothing happens here, so there is nothing to protect; a POST gets the same JSON 404
def api_not_found(request, *args, **kwargs):
    """Unknown /api/ paths (and non-numeric ids) get the API's JSON 404, never an HTML page."""
    return json_error(status.HTTP_404_NOT_FOUND, "Not found.", "not_found")


def csrf_failure(request, reason=""):
    """CSRF rejections of API calls answer in the API's JSON shape; elsewhere Django's page."""
    if request.path.startswith("/api/"):
        return json_error(status.HTTP_403_FORBIDDEN, f"CSRF check failed: {reason}", "csrf_failed")
    return django_csrf_failure(request, reason=reason)


def bad_request(request, exception=None, *args, **kwargs):
    """handler400 (Django's SuspiciousOperation answers, e.g. a Host header not in ALLOWED_HOSTS)."""
    if request.path.startswith("/api/"):
        if isinstance(exception, DisallowedHost):
            return json_error(status.HTTP_400_BAD_REQUEST, "Invalid Host header.", "bad_host")
        return json_error(status.HTTP_400_BAD_REQUEST, "Bad request.", "bad_request")
    return django_bad_request(request, exception, *args, **kwargs)


def server_error(request, *args, **kwargs):
    """handler500: an API caller gets the one JSON error shape even from an unexpected failure."""
    if request.path.startswith("/api/"):
        return json_error(status.HTTP_500_INTERNAL_SERVER_ERROR, "Internal server error.", "server_error")
    return django_server_error(request, *args, **kwargs)


def signin_locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout answer: too many wrong passwords for this username from this address."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    detail = f"Too many failed sign-in attempts; try again in {minutes} minutes."
    if request.path.startswith("/api/"):
        response = json_error(status.HTTP_429_TOO_MANY_REQUESTS, detail, "signin_locked_out")
    else:
        response = HttpResponse(detail, status=status.HTTP_429_TOO_MANY_REQUESTS, content_type="text/plain")
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
