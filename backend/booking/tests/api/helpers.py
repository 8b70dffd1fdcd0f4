"""Shared helpers for the API tests: URLs, error-shape checks and "nothing changed" snapshots."""

from booking.models import Booking, BookingSeat, ShowSeat

HOLD_URL = "/api/hold-seat/"
BOOK_URL = "/api/book-seat/"
RELEASE_URL = "/api/release-seat/"
SHOWS_URL = "/api/shows/"
BOOKINGS_URL = "/api/bookings/"
REGISTER_URL = "/api/auth/register/"
LOGIN_URL = "/api/auth/login/"
LOGOUT_URL = "/api/auth/logout/"
ME_URL = "/api/auth/me/"

SEAT_WRITE_URLS = [HOLD_URL, BOOK_URL, RELEASE_URL]


def layout_url(show_id) -> str:
    return f"/api/hall-layout/{show_id}/"


def assert_error(response, status: int, code: str) -> dict:
    """The response is a JSON error with the given status and code, shaped {"detail": str, "code": str, ...}."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert isinstance(body.get("detail"), str), body
    assert body["detail"]
    assert isinstance(body.get("code"), str), body
    assert body["code"] == code, body
    return body


def snapshot() -> tuple:
    """Every seat state, booking and booking line: compare before and after to prove nothing changed."""
    return (
        list(ShowSeat.objects.order_by("pk").values()),
        list(Booking.objects.order_by("pk").values()),
        list(BookingSeat.objects.order_by("pk").values()),
    )


def seat_state(showtime, seat_id: int) -> ShowSeat:
    return ShowSeat.objects.get(showtime=showtime, seat_id=seat_id)


def hold(client, showtime, seat_ids):
    return client.post(HOLD_URL, {"show_id": showtime.pk, "seat_ids": list(seat_ids)}, format="json")


def book(client, showtime, seat_ids, key: str | None = None):
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(BOOK_URL, {"show_id": showtime.pk, "seat_ids": list(seat_ids)}, format="json", headers=headers)


def release(client, showtime, seat_ids):
    return client.post(RELEASE_URL, {"show_id": showtime.pk, "seat_ids": list(seat_ids)}, format="json")
