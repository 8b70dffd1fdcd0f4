"""POST /api/hold-best-available/, and the no-single-seat refusal of POST /api/hold-seat/, over HTTP."""

import pytest

from booking.models import ShowSeat
from booking.tests.conftest import make_planned_showtime, seat_at

from .helpers import HOLD_URL, assert_error, snapshot

BEST_URL = "/api/hold-best-available/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def planned():
    return make_planned_showtime("A: SSSS_SSSSSS_SSSS\nB: SSSS_SSSSSS_SSSS\nC: SSSS_SSSSSS_SSSS", prevent_orphans=True)


def test_a_party_is_held_together(user_api, user, planned):
    response = user_api.post(BEST_URL, {"show_id": planned.pk, "quantity": 4}, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"detail", "held_until", "seat_ids", "fallback"}
    assert body["fallback"] == "none"
    assert len(body["seat_ids"]) == 4
    held = ShowSeat.objects.filter(showtime=planned, held_by=user).select_related("seat")
    assert {s.seat_id for s in held} == set(body["seat_ids"])
    assert len({(s.seat.row, s.seat.segment) for s in held}) == 1


def test_nothing_fits_is_a_409_naming_the_largest_block(user_api, planned):
    response = user_api.post(BEST_URL, {"show_id": planned.pk, "quantity": 10, "accessible": True}, format="json")
    body = assert_error(response, 409, "no_block")
    assert body["largest_block"] == 0


@pytest.mark.parametrize(
    "body",
    [
        {"quantity": 2},
        {"show_id": 1},
        {"show_id": 1, "quantity": 0},
        {"show_id": 1, "quantity": 11},
        {"show_id": 1, "quantity": "2"},
        {"show_id": 1, "quantity": 2, "accessible": "yes"},
        {"show_id": 1, "quantity": 2, "category": 0},
    ],
)
def test_bad_input_is_a_400_and_changes_nothing(user_api, planned, body):
    before = snapshot()
    response = user_api.post(BEST_URL, {**body, "show_id": planned.pk} if "show_id" in body else body, format="json")
    assert response.status_code == 400, response.content
    assert snapshot() == before


def test_unknown_showtime_is_a_404(user_api):
    assert_error(user_api.post(BEST_URL, {"show_id": 999999, "quantity": 2}, format="json"), 404, "not_found")


def test_signed_out_is_a_401(api, planned):
    assert api.post(BEST_URL, {"show_id": planned.pk, "quantity": 2}, format="json").status_code == 401


def test_a_stranding_hold_is_a_409_with_the_seat_and_a_suggestion(user_api, planned):
    seats = [seat_at(planned, "B6"), seat_at(planned, "B7")]  # B5 would be left between the aisle and B6
    before = snapshot()

    response = user_api.post(HOLD_URL, {"show_id": planned.pk, "seat_ids": seats}, format="json")

    body = assert_error(response, 409, "orphan_seat")
    assert body["seat_ids"] == [seat_at(planned, "B5")]
    assert body["suggestion"] == [seat_at(planned, "B5"), seat_at(planned, "B6")]
    assert snapshot() == before
    response = user_api.post(HOLD_URL, {"show_id": planned.pk, "seat_ids": body["suggestion"]}, format="json")
    assert response.status_code == 200


def test_a_retry_with_the_same_key_gets_the_first_answer_and_holds_nothing_more(user_api, user, planned):
    body = {"show_id": planned.pk, "quantity": 3}
    first = user_api.post(BEST_URL, body, format="json", headers={"Idempotency-Key": "party-1"})
    again = user_api.post(BEST_URL, body, format="json", headers={"Idempotency-Key": "party-1"})

    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert again.json()["seat_ids"] == first.json()["seat_ids"]
    assert ShowSeat.objects.filter(showtime=planned, held_by=user).count() == 3

    other = user_api.post(BEST_URL, {**body, "quantity": 2}, format="json", headers={"Idempotency-Key": "party-1"})
    assert_error(other, 422, "idempotency_key_reused")
    assert ShowSeat.objects.filter(showtime=planned, held_by=user).count() == 3


def test_a_malformed_key_is_a_400(user_api, planned):
    response = user_api.post(
        BEST_URL, {"show_id": planned.pk, "quantity": 2}, format="json", headers={"Idempotency-Key": "a b"}
    )
    assert_error(response, 400, "invalid")
