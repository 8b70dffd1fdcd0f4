"""The API's one request-body parser: strict JSON (orjson), with a nesting limit.

The standard library's parser recurses once per nesting level, so a few kilobytes of `[[[[...` raise
RecursionError (a 500) long before the 64 KB body limit. orjson is iterative up to its own limit of
1,024 levels and refuses deeper input with an error of its own; our bodies are flat objects, so
anything nested deeper than MAX_DEPTH is refused too, before validators ever walk it.
"""

import orjson
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser

# `{"seat_ids": [1, 2]}` is two levels; the headroom is for clients that send extra keys we ignore.
MAX_DEPTH = 32


def _depth_exceeds(data, limit: int) -> bool:
    """True when `data` nests containers deeper than `limit`. Iterative: no recursion to overflow."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


class JSONParser(BaseParser):
    """RFC 8259 JSON in UTF-8: no NaN/Infinity, no lone surrogates, numbers that fit a double or int64."""

    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = orjson.loads(stream.read())
        except orjson.JSONDecodeError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        if _depth_exceeds(data, MAX_DEPTH):
            raise ParseError(f"JSON parse error - nested deeper than {MAX_DEPTH} levels.")
        return data
