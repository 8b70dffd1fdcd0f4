"""The API's JSON renderer: orjson, several times faster than the standard library's encoder."""

import orjson
from django.utils.encoding import force_str
from django.utils.functional import Promise
from rest_framework.renderers import BaseRenderer


def _default(value):
    if isinstance(value, Promise):  # a lazily translated message
        return force_str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


class JSONRenderer(BaseRenderer):
    media_type = "application/json"
    format = "json"
    charset = None  # JSON is UTF-8 (RFC 8259); no charset parameter, as DRF's own JSONRenderer

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        return orjson.dumps(data, default=_default)
