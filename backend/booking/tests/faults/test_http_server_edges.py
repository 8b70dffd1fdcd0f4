"""What reaches the real HTTP server before Django does (issue 9): chunked bodies, malformed HTTP, bad
Host headers. Raw sockets against a live gunicorn (config/gunicorn.conf.py), as a careless client or
an attacker would send them; every answer is JSON, and the server log stays free of tracebacks."""

import json
import socket
from contextlib import suppress

import pytest

from booking.models import ShowSeat

LIMIT = 64 * 1024


def exchange(server, raw: bytes) -> tuple[int, dict, bytes]:
    """Send raw bytes and read the answer until the server closes (every request here ends the
    connection: `Connection: close`, or an error gunicorn closes on). Chunked answers are decoded."""
    host, port = server.base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        # The server may answer (413) and close before it has read everything we send.
        with suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(raw)
        data = b""
        with suppress(ConnectionResetError):
            while chunk := sock.recv(65536):
                data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    if headers.get("transfer-encoding") == "chunked":
        body = dechunk(body)
    return int(lines[0].split()[1]), headers, body


def dechunk(data: bytes) -> bytes:
    out = b""
    while True:
        size_line, _, data = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            return out
        out, data = out + data[:size], data[size + 2 :]


def request(method: str, path: str, headers: dict, body: bytes = b"") -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return head.encode("latin-1") + b"\r\n" + body


def chunked(body: bytes, size: int = 7) -> bytes:
    parts = [body[i : i + size] for i in range(0, len(body), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in parts) + b"0\r\n\r\n"


def assert_json_error(status: int, headers: dict, body: bytes, expected_status: int) -> dict:
    assert status == expected_status, (status, body[:300])
    assert headers["content-type"].startswith("application/json"), headers
    payload = json.loads(body)
    assert isinstance(payload["detail"], str)
    assert isinstance(payload["code"], str)
    assert payload["detail"]
    assert payload["code"]
    return payload


def test_a_chunked_body_is_read_not_dropped(server, showtime, seats, make_user):
    _, auth = make_user()
    body = json.dumps({"show_id": showtime.pk, "seat_ids": seats[:2]}).encode()
    headers = {**auth, "Content-Type": "application/json", "Transfer-Encoding": "chunked"}

    status, _, answer = exchange(server, request("POST", "/api/hold-seat/", headers, chunked(body)))

    assert status == 200, answer
    assert json.loads(answer)["seat_ids"] == seats[:2]
    assert ShowSeat.objects.filter(showtime=showtime, status="held").count() == 2


def test_a_chunked_body_over_the_limit_is_a_413(server, showtime, make_user):
    _, auth = make_user()
    headers = {**auth, "Content-Type": "application/json", "Transfer-Encoding": "chunked"}
    body = b'{"show_id": 1, "pad": "' + b"x" * LIMIT + b'"}'

    status, headers, answer = exchange(server, request("POST", "/api/hold-seat/", headers, chunked(body, 8192)))

    assert assert_json_error(status, headers, answer, 413)["code"] == "request_too_large"
    assert not ShowSeat.objects.filter(status="held").exists()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"GET /api/shows/" + b"a" * 5000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 414),  # request line
        (b"GET /api/shows/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n", 431),  # header size
        (b"GET /api/shows/ HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"X-A: 1\r\n" * 120 + b"\r\n", 431),  # header count
        (b"GET /api/shows/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Ctl: a\x01b\r\n\r\n", 400),  # control character
        (b"POST /api/hold-seat/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 12x\r\n\r\n{}", 400),
        (b"POST /api/hold-seat/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -1\r\n\r\n{}", 400),
        (b"GARBAGE\r\n\r\n", 400),
    ],
    ids=[
        "long-request-line",
        "long-header",
        "too-many-headers",
        "control-char",
        "bad-length",
        "negative-length",
        "garbage",
    ],
)
def test_malformed_http_refused_by_the_server_itself_is_json(server, raw, expected):
    status, headers, body = exchange(server, raw)

    assert_json_error(status, headers, body, expected)
    assert "Traceback" not in server.log_tail(20000)


def test_a_host_not_allowed_is_a_json_400_without_a_traceback(server):
    raw = b"GET /api/shows/ HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n"

    status, headers, body = exchange(server, raw)

    assert assert_json_error(status, headers, body, 400)["code"] == "bad_host"
    assert "Traceback" not in server.log_tail(20000)
