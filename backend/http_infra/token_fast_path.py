"""A shorter middleware chain for API calls that authenticate with a token.

Sessions, CSRF, Django's authentication middleware, messages, django-axes and WhiteNoise do nothing for
a request that carries `Authorization: Token ...` to an /api/ endpoint outside /api/auth/: DRF's token
authentication decides who it is (a session is never consulted once a token header is present), token
calls need no CSRF protection, and no static file or sign-in form is involved. Skipping them is about a
tenth of such a request's CPU in the web tier.

The middleware before this one (observability, security headers, the body limit) still runs for every
request; what the skipped ones would have added to a JSON answer is added here: `X-Frame-Options` and
`Content-Length` (CommonMiddleware's).
"""

from django.core.handlers.base import BaseHandler
from django.core.handlers.exception import convert_exception_to_response

# Session-based endpoints (sign-in, sign-out, CSRF cookie, "who am I" with its cookie) keep the full chain.
_FULL_CHAIN_PREFIXES = ("/api/auth/",)


class _ViewsOnly(BaseHandler):
    """Django's request core (URL resolution, the view, exception to response) with no middleware: what
    `BaseHandler.load_middleware` builds for an empty MIDDLEWARE setting."""

    def __init__(self):
        super().__init__()
        self._view_middleware, self._template_response_middleware, self._exception_middleware = [], [], []
        self._middleware_chain = convert_exception_to_response(self._get_response)


def takes_fast_path(request) -> bool:
    path = request.path_info
    return (
        path.startswith("/api/")
        and not path.startswith(_FULL_CHAIN_PREFIXES)
        and request.META.get("HTTP_AUTHORIZATION", "").startswith("Token ")
    )


class TokenApiFastPathMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.views = _ViewsOnly()

    def __call__(self, request):
        if not takes_fast_path(request):
            return self.get_response(request)
        response = self.views._middleware_chain(request)
        if not response.streaming and "Content-Length" not in response:
            response["Content-Length"] = str(len(response.content))
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response
