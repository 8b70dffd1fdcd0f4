from csp.middleware import CSPMiddleware
from django.conf import settings

from booking.api.errors import json_error


class RequestBodyLimitMiddleware:
    """Refuse bodies over DATA_UPLOAD_MAX_MEMORY_SIZE with a JSON 413 before anything reads them.

    Django only enforces that limit when `request.body` is read; DRF's parsers read the stream, so
    without this a large JSON body would be parsed in full.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return json_error(400, "Malformed Content-Length header.", "bad_request")
        if limit is not None and length > limit:
            return json_error(413, f"Request body over {limit} bytes.", "request_too_large")
        return self.get_response(request)


class DocumentCSPMiddleware(CSPMiddleware):
    """django-csp's policy on documents only: a JSON API response is never rendered by a browser, and
    building the header for every seat-map poll and hold is work for nothing."""

    def process_response(self, request, response):
        if response.get("Content-Type", "").startswith("application/json") or response.status_code == 304:
            return response
        return super().process_response(request, response)
