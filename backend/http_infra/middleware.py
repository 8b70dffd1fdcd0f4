import io

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.handlers.wsgi import LimitedStream

from http_infra.errors import json_error


class RequestBodyLimitMiddleware:
    """Refuse bodies over DATA_UPLOAD_MAX_MEMORY_SIZE with a JSON 413 before anything reads them, and
    read a chunked body (no Content-Length) within the same limit.

    Django only enforces that limit when `request.body` is read; DRF's parsers read the stream, so
    without this a large JSON body would be parsed in full. Django also reads a request without a
    Content-Length as empty: a valid `Transfer-Encoding: chunked` body would be silently dropped.
    The HTTP server has already de-chunked it (and the proxy usually has), so reading it here
    is reading at most `limit + 1` bytes from the WSGI input.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        meta = request.META
        raw_length = meta.get("CONTENT_LENGTH")
        if not raw_length and "chunked" in meta.get("HTTP_TRANSFER_ENCODING", "").lower():
            return self._with_chunked_body(request, limit)
        try:
            length = int(raw_length or 0)
        except ValueError:
            return json_error(400, "Malformed Content-Length header.", "bad_request")
        if limit is not None and length > limit:
            return json_error(413, f"Request body over {limit} bytes.", "request_too_large")
        return self.get_response(request)

    def _with_chunked_body(self, request, limit):
        body = request.META["wsgi.input"].read(-1 if limit is None else limit + 1)
        if limit is not None and len(body) > limit:
            return json_error(413, f"Request body over {limit} bytes.", "request_too_large")
        request.META["CONTENT_LENGTH"] = str(len(body))
        request._stream = LimitedStream(io.BytesIO(body), len(body))
        return self.get_response(request)


class DocumentCSPMiddleware(CSPMiddleware):
    """django-csp's policy on documents only: a JSON API response is never rendered by a browser, and
    building the header for every seat-map poll and hold is work for nothing."""

    def process_response(self, request, response):
        if response.get("Content-Type", "").startswith("application/json") or response.status_code == 304:
            return response
        return super().process_response(request, response)
