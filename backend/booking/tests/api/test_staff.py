from datetime import timedelta

import pytest
from django.utils import timezone

from booking.api.serializers import isoformat_utc
from booking.models import ShowSeat, Showtime
from booking.services.bookings import confirm_booking
from booking.services.holds import hold_seats
from booking.tests.api.helpers import assert_error
from booking.tests.conftest import seat_ids_of

pytestmark = pytest.mark.django_db


def test_staff_endpoints_refuse_non_staff(user_api, api):
    for client in (user_api, api):
        assert client.post("/api/staff/halls/", {}, format="json").status_code in (401, 403)
        assert client.post("/api/staff/showtimes/", {}, format="json").status_code in (401, 403)
        assert client.get("/api/staff/audit/").status_code in (401, 403)


def test_staff_creates_a_hall_and_a_showtime_with_its_own_hold_ttl(staff_api, user):
    hall = staff_api.post("/api/staff/halls/", {"name": "QA 1", "rows": 2, "seats_per_row": 3}, format="json")
    assert hall.status_code == 201, hall.json()
    assert hall.json()["capacity"] == 6

    starts = (timezone.now() + timedelta(days=1)).isoformat()
    show = staff_api.post(
        "/api/staff/showtimes/",
        {"hall_id": hall.json()["id"], "starts_at": starts, "hold_ttl_seconds": 7},
        format="json",
    )
    assert show.status_code == 201, show.json()
    assert show.json()["capacity"] == 6
    assert show.json()["hold_ttl_seconds"] == 7

    show_id = show.json()["id"]
    layout = staff_api.get(f"/api/hall-layout/{show_id}/").json()
    assert layout["hold_ttl_seconds"] == 7
    held = hold_seats(user=user, showtime_id=show_id, seat_ids=[layout["seats"][0]["id"]])
    assert held.held_until <= timezone.now() + timedelta(seconds=7)


def test_staff_hall_names_are_unique_per_venue_and_overlaps_are_409(staff_api):
    body = {"name": "QA 2", "rows": 1, "seats_per_row": 1}
    hall_id = staff_api.post("/api/staff/halls/", body, format="json").json()["id"]
    assert staff_api.post("/api/staff/halls/", body, format="json").status_code == 400
    starts = (timezone.now() + timedelta(days=1)).isoformat()
    show = {"hall_id": hall_id, "starts_at": starts}
    assert staff_api.post("/api/staff/showtimes/", show, format="json").status_code == 201
    clash = staff_api.post("/api/staff/showtimes/", show, format="json")
    assert (clash.status_code, clash.json()["code"]) == (409, "showtime_overlap")


def test_audit_reports_counts_seats_and_a_clean_database(staff_api, showtime, seats, user, other_user):
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=seats[:2])
    confirm_booking(user=user, showtime_id=showtime.pk, seat_ids=[seats[0]])
    hold_seats(user=other_user, showtime_id=showtime.pk, seat_ids=[seats[2]])
    ShowSeat.objects.filter(showtime=showtime, seat_id=seats[2]).update(held_until=timezone.now())

    audit = staff_api.get(f"/api/staff/audit/?show_id={showtime.pk}").json()

    assert audit["violations"] == []
    [counts] = audit["showtimes"]
    assert counts["capacity"] == len(seats)
    assert (counts["booked"], counts["held"], counts["expired_holds"]) == (1, 1, 1)
    assert counts["available"] == len(seats) - 2
    assert audit["booked_seats"][str(showtime.pk)][str(seats[0])]["username"] == user.username
    assert list(audit["held_seats"][str(showtime.pk)]) == [str(seats[1])]
    # Written as every datetime the API serves (the selector hands the renderer a datetime).
    held_until = ShowSeat.objects.get(showtime=showtime, seat_id=seats[1]).held_until
    assert audit["held_seats"][str(showtime.pk)][str(seats[1])]["held_until"] == isoformat_utc(held_until)


def test_audit_finds_a_corrupted_database(staff_api, showtime, seats):
    # Bypass the services to fake what must never happen: a booked seat with no booking behind it.
    ShowSeat.objects.filter(showtime=showtime, seat_id=seats[0]).update(status="booked", booked_at=timezone.now())
    audit = staff_api.get("/api/staff/audit/").json()
    assert any("booked seat without a booking line" in v for v in audit["violations"])


@pytest.mark.parametrize("value", ["abc", " 5 ", "\u0665", "1_0", "+5", "5\n", "99999999999999999999", ""])
def test_audit_ids_are_ascii_digits_only(staff_api, value):
    assert_error(staff_api.get("/api/staff/audit/", {"show_id": value}), 400, "invalid")


@pytest.mark.parametrize(
    "starts_at",
    [
        "9999-12-31T23:00:00Z",  # was a 500: starts_at + the running time overflowed
        "9999-12-31T23:59:59.999999Z",
        "0001-01-01T00:00:00Z",
        "2001-01-01T00:00:00Z",  # in the past
    ],
)
def test_staff_showtimes_outside_the_calendar_are_a_400(staff_api, starts_at):
    hall = staff_api.post("/api/staff/halls/", {"name": "QA 9", "rows": 1, "seats_per_row": 1}, format="json").json()

    response = staff_api.post("/api/staff/showtimes/", {"hall_id": hall["id"], "starts_at": starts_at}, format="json")

    body = assert_error(response, 400, "invalid")
    assert "starts_at" in body["errors"]
    assert not Showtime.objects.exists()


def test_staff_showtime_ending_far_after_it_starts_is_a_400(staff_api):
    hall = staff_api.post("/api/staff/halls/", {"name": "QA 9", "rows": 1, "seats_per_row": 1}, format="json").json()
    starts = timezone.now() + timedelta(days=1)
    body = {"hall_id": hall["id"], "starts_at": starts.isoformat(), "ends_at": "9999-12-31T23:00:00Z"}

    refused = assert_error(staff_api.post("/api/staff/showtimes/", body, format="json"), 400, "invalid")
    assert "ends_at" in refused["errors"]


def test_seats_of_a_showtime_match_the_layout(staff_api, showtime):
    layout = staff_api.get(f"/api/hall-layout/{showtime.pk}/").json()
    assert [s["id"] for s in layout["seats"]] == seat_ids_of(showtime)


def test_staff_creates_a_hall_from_a_plan_and_a_showtime_under_the_orphan_rule(staff_api):
    hall = staff_api.post("/api/staff/halls/", {"name": "QA plan", "plan": "A: SS_SSS\nB: .SSSS"}, format="json")
    assert hall.status_code == 201, hall.json()
    assert hall.json()["capacity"] == 9

    starts = (timezone.now() + timedelta(days=1)).isoformat()
    body = {"hall_id": hall.json()["id"], "starts_at": starts, "prevent_orphans": True}
    show = staff_api.post("/api/staff/showtimes/", body, format="json")
    assert show.status_code == 201, show.json()
    layout = staff_api.get(f"/api/hall-layout/{show.json()['id']}/").json()
    assert layout["prevent_orphans"] is True
    assert [(s["row"], s["number"], s["column"], s["segment"]) for s in layout["seats"][:3]] == [
        ("A", 1, 1, 1),
        ("A", 2, 2, 1),
        ("A", 3, 4, 2),
    ]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"name": "QA x", "plan": "A: SS", "rows": 1, "seats_per_row": 2}, "plan_or_grid"),  # both
        ({"name": "QA x", "rows": 1}, "plan_or_grid"),  # half a grid
        ({"name": "QA x", "plan": "A: SQ"}, "invalid"),  # not a plan: Q is no category's letter
    ],
)
def test_staff_hall_needs_a_plan_or_a_grid(staff_api, body, code):
    assert_error(staff_api.post("/api/staff/halls/", body, format="json"), 400, code)
