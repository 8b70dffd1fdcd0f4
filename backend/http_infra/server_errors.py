"""JSON for the errors gunicorn answers itself, before Django sees the request.

Malformed HTTP (a bad request line or Content-Length, control characters in a header, an over-long
request line or header block) is refused by gunicorn's parser with a small HTML page. Every API client
expects `{"detail", "code"}`, so gunicorn.conf.py swaps gunicorn's one error writer for this one
(`gunicorn.util.write_error`; its only caller is the worker's error handler). What gunicorn answers
and why is listed in docs/security.md.
"""

import orjson
from gunicorn import util

CODES = {
    400: "bad_request",
    403: "forbidden",
    414: "uri_too_long",
    417: "expectation_failed",
    431: "header_fields_too_large",
    500: "server_error",
    501: "not_implemented",
}


def write_json_error(sock, status_int: int, reason: str, mesg: str) -> None:
    # The message quotes the client's own bytes (a 4 KB request line): keep the first part only.
    detail = f"{reason}: {mesg[:200]}" if mesg else reason
    body = orjson.dumps({"detail": detail, "code": CODES.get(status_int, "bad_request")})
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\n"
        "Connection: close\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    util.write_nonblock(sock, head.encode("latin-1") + body)


def install() -> None:
    util.write_error = write_json_error
