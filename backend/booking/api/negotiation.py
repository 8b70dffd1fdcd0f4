"""Content negotiation for a JSON-only API.

DRF's default negotiation parses the Accept header on every request to choose among the view's renderers;
every booking endpoint has one, JSON, so that choice is made before the request comes (about 5 % of a hold's
CPU in the web tier). A client that asks for something else gets JSON too, as RFC 9110 lets a server do
(no 406). Views with several renderers (the OpenAPI schema: JSON or YAML) still negotiate as before.
"""

from rest_framework.negotiation import DefaultContentNegotiation


class JSONOnlyContentNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        if len(renderers) == 1 and not format_suffix:
            return renderers[0], renderers[0].media_type
        return super().select_renderer(request, renderers, format_suffix)
