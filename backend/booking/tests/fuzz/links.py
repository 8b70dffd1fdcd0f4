"""How a client walks shows -> layout -> hold -> book, as OpenAPI links: what the stateful fuzz test
(test_schemathesis.BookingFlow) follows to chain real calls. Added to the schema it loads, not to the
schema the API serves."""


def _link(operation_id: str, *, parameters=None, body=None, description: str = "") -> dict:
    link = {"operationId": operation_id, "description": description}
    if parameters:
        link["parameters"] = parameters
    if body is not None:
        link["requestBody"] = body
        link["x-schemathesis"] = {"merge_body": False}
    return link


def _links() -> dict[tuple[str, str], dict]:
    """(path, status) -> links of that response."""
    seat_links = {
        f"HoldSeat{i}": _link(
            "hold_seat",
            body={"show_id": "$response.body#/show_id", "seat_id": f"$response.body#/seats/{i}/id"},
            description=f"Hold the layout's seat #{i}.",
        )
        for i in range(4)
    }
    seat_links["HoldTwoSeats"] = _link(
        "hold_seat",
        body={
            "show_id": "$response.body#/show_id",
            "seat_ids": ["$response.body#/seats/0/id", "$response.body#/seats/1/id"],
        },
        description="Hold the layout's first two seats.",
    )
    same_seats = {"show_id": "$request.body#/show_id", "seat_ids": "$response.body#/seat_ids"}
    return {
        ("/api/shows/", "200"): {
            "GetLayout": _link(
                "hall_layout", parameters={"show_id": "$response.body#/0/id"}, description="The first show's seat map."
            )
        },
        ("/api/hall-layout/{show_id}/", "200"): seat_links,
        ("/api/hold-seat/", "200"): {
            "BookHeldSeats": _link("book_seat", body=same_seats, description="Confirm the seats just held."),
            "ReleaseHeldSeats": _link("release_seat", body=same_seats, description="Release the seats just held."),
            "GetLayoutAgain": _link(
                "hall_layout", parameters={"show_id": "$request.body#/show_id"}, description="The updated seat map."
            ),
        },
        ("/api/book-seat/", "201"): {
            "MyBookings": _link("my_bookings", description="The booking appears in my bookings."),
            "BookAgain": _link(
                "book_seat",
                body={"show_id": "$request.body#/show_id", "seat_ids": "$response.body#/booking/seat_ids"},
                description="The same seats again: 409 `not_held` (or a replay with the same Idempotency-Key).",
            ),
        },
        ("/api/release-seat/", "200"): {
            "HoldReleasedSeats": _link(
                "hold_seat",
                body={"show_id": "$request.body#/show_id", "seat_ids": "$response.body#/seat_ids"},
                description="The released seats can be held again.",
            )
        },
    }


def with_links(result: dict) -> dict:
    """The schema with OpenAPI links between the booking flow's operations, for the stateful fuzz test."""
    for (path, status), links in _links().items():
        operation = next(iter(result.get("paths", {}).get(path, {}).values()), None)
        if operation and status in operation.get("responses", {}):
            operation["responses"][status]["links"] = links
    return result
