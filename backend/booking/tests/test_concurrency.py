"""Real concurrency on real PostgreSQL: threads, each with its own connection, released by a barrier."""

import random
import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection
from rest_framework.test import APIClient

from booking.models import Booking, BookingSeat, ShowSeat
from booking.services.holds import hold_seats
from booking.tests.conftest import make_showtime, seat_ids_of
from booking.tests.factories import UserFactory
from booking.tests.invariants import assert_booking_invariants

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(workers: list[Callable[[], object]]) -> list[object]:
    """Run every worker in its own thread, all starting at once; return their results in order."""
    barrier = threading.Barrier(len(workers))
    results: list[object] = [None] * len(workers)

    def run(index: int, work: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = work()
        except Exception as exc:  # the test inspects what each worker ended with
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a worker hung"
    return results


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def post(client: APIClient, path: str, body: dict, **headers):
    response = client.post(path, body, format="json", headers=headers)
    return response.status_code, response.json()


def test_fifty_users_one_seat_exactly_one_wins():
    show = make_showtime()
    seat = seat_ids_of(show)[0]
    clients = [client_for(UserFactory()) for _ in range(50)]

    results = run_together(
        [lambda c=c: post(c, "/api/hold-seat/", {"show_id": show.pk, "seat_id": seat}) for c in clients]
    )

    statuses = Counter(status for status, _ in results)
    assert statuses == {200: 1, 409: 49}
    for status, body in results:
        if status == 409:
            assert body["code"] in {"seat_unavailable", "lock_timeout"}
            assert body["seat_ids"] == [seat]
    assert ShowSeat.objects.filter(showtime=show, status=ShowSeat.Status.HELD).count() == 1
    assert_booking_invariants()


def test_opposite_order_batches_never_deadlock():
    show = make_showtime(rows=2, seats_per_row=6)
    seats = seat_ids_of(show)
    alice, bob = UserFactory(), UserFactory()
    a_client, b_client = client_for(alice), client_for(bob)

    for round_number in range(25):
        batch = random.Random(round_number).sample(seats, k=2 + round_number % 5)
        results = run_together(
            [
                lambda b=batch: post(a_client, "/api/hold-seat/", {"show_id": show.pk, "seat_ids": b}),
                lambda b=batch: post(b_client, "/api/hold-seat/", {"show_id": show.pk, "seat_ids": b[::-1]}),
            ]
        )
        statuses = sorted(status for status, _ in results)
        assert statuses in ([200, 409], [409, 409]), results  # never two winners, never a 5xx
        for status, body in results:
            if status == 409:
                assert body["code"] in {"seat_unavailable", "lock_timeout"}
        assert_booking_invariants()
        # Clear the round: whoever won releases.
        for client, (status, _) in zip((a_client, b_client), results, strict=True):
            if status == 200:
                assert post(client, "/api/release-seat/", {"show_id": show.pk, "seat_ids": batch})[0] == 200


def test_idempotent_confirm_retried_concurrently_books_once():
    show = make_showtime()
    seats = seat_ids_of(show)[:3]
    user = UserFactory()
    hold_seats(user=user, showtime_id=show.pk, seat_ids=seats)
    client = client_for(user)
    body = {"show_id": show.pk, "seat_ids": seats}

    results = run_together(
        [lambda: post(client, "/api/book-seat/", body, **{"Idempotency-Key": "retry-1"}) for _ in range(8)]
    )

    assert {status for status, _ in results} == {201}
    assert len({body["booking"]["reference"] for _, body in results}) == 1
    assert Booking.objects.count() == 1
    assert BookingSeat.objects.count() == 3
    assert_booking_invariants()


def test_greedy_user_cannot_exceed_the_cap_with_concurrent_holds(settings):
    settings.MAX_SEATS_PER_HOLD = 4
    show = make_showtime(rows=3, seats_per_row=6)
    seats = seat_ids_of(show)
    client = client_for(UserFactory())

    results = run_together(
        [lambda s=s: post(client, "/api/hold-seat/", {"show_id": show.pk, "seat_id": s}) for s in seats]
    )

    statuses = Counter(status for status, _ in results)
    assert statuses == {200: 4, 409: len(seats) - 4}
    assert {body["code"] for status, body in results if status == 409} == {"hold_limit"}
    assert ShowSeat.objects.filter(showtime=show, status=ShowSeat.Status.HELD).count() == 4


def test_more_buyers_than_seats_sell_each_seat_once():
    show = make_showtime(rows=2, seats_per_row=5)
    seats = seat_ids_of(show)
    buyers = [client_for(UserFactory()) for _ in range(24)]

    def buy(client: APIClient, rng: random.Random) -> str | None:
        for _ in range(40):
            layout = client.get(f"/api/hall-layout/{show.pk}/").json()
            free = [s["id"] for s in layout["seats"] if s["status"] == "available"]
            if not free:
                return None
            seat = rng.choice(free)
            status, body = post(client, "/api/hold-seat/", {"show_id": show.pk, "seat_id": seat})
            assert status in (200, 409), body
            if status == 200:
                status, body = post(client, "/api/book-seat/", {"show_id": show.pk, "seat_id": seat})
                assert status == 201, body
                return body["booking"]["reference"]
        return None

    results = run_together([lambda c=c, i=i: buy(c, random.Random(i)) for i, c in enumerate(buyers)])

    assert not [r for r in results if isinstance(r, Exception)], results
    references = [r for r in results if r]
    assert len(references) == len(seats)  # sold out, every seat to exactly one buyer
    assert ShowSeat.objects.filter(showtime=show, status=ShowSeat.Status.BOOKED).count() == len(seats)
    assert_booking_invariants()
