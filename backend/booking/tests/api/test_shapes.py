"""Responses against their one declaration (booking/api/shapes.py): the pre-encoded hall layout, which
is the deliberate exception to "views render shapes", must still match the shape it declares, key for
key, including the caller's own holds, someone else's, and booked seats."""

import copy

import jsonschema
import pytest
from django.utils import timezone
from rest_framework import serializers

from booking.api import shapes
from booking.tests.fuzz.conftest import openapi_schema

from .helpers import book, hold, layout_url


def _strict(schema: dict, components: dict) -> dict:
    """The component with every $ref resolved and no property beyond the declared ones allowed."""
    if "$ref" in schema:
        return _strict(components[schema["$ref"].rsplit("/", 1)[1]], components)
    schema = copy.deepcopy(schema)
    if schema.pop("nullable", False):  # OpenAPI 3.0's spelling of JSON Schema's null type
        schema["type"] = [schema["type"], "null"]
    if schema.get("type") == "object" and "properties" in schema:
        schema["properties"] = {k: _strict(v, components) for k, v in schema["properties"].items()}
        schema["additionalProperties"] = False
        schema["required"] = sorted(schema["properties"])  # every declared key is always sent
    if "items" in schema:
        schema["items"] = _strict(schema["items"], components)
    for key in ("allOf", "oneOf", "anyOf"):
        if key in schema:
            schema[key] = [_strict(s, components) for s in schema[key]]
    return schema


@pytest.fixture(scope="module")
def hall_layout_schema():
    components = openapi_schema()["components"]["schemas"]
    return _strict({"$ref": "#/components/schemas/HallLayout"}, components)


def test_the_pre_encoded_layout_matches_its_declared_shape(hall_layout_schema, user_api, other_api, showtime, seats):
    assert hold(user_api, showtime, [seats[0], seats[1]]).status_code == 200
    assert hold(other_api, showtime, [seats[2], seats[3]]).status_code == 200
    assert book(other_api, showtime, [seats[3]]).status_code == 201

    for client in (user_api, other_api):
        body = client.get(layout_url(showtime.pk)).json()
        jsonschema.validate(body, hall_layout_schema, format_checker=jsonschema.FormatChecker())
        statuses = {seat["status"] for seat in body["seats"]}
        assert statuses == {"available", "held", "booked"}


def test_the_strict_check_would_catch_a_missing_or_extra_key(hall_layout_schema, api, showtime):
    body = api.get(layout_url(showtime.pk)).json()
    missing = {k: v for k, v in body.items() if k != "counts"}
    extra = {**body, "seats": [{**body["seats"][0], "price": 1}]}
    for broken in (missing, extra):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, hall_layout_schema)


def _deep(shape):
    """The same shape with DRF's own field copying (a deep copy per instance)."""
    return type(f"Deep{shape.__name__}", (shape,), {"get_fields": serializers.Serializer.get_fields})


def test_shallow_field_copies_render_what_drf_would(user, showtime, seats):
    """Shape copies declared fields shallowly for speed: the output must be DRF's, nested shapes, many=True
    and context-fed fields included, and two renders must not leak into each other."""
    from booking.selectors.schedule import upcoming_showtimes
    from booking.services.bookings import confirm_booking
    from booking.services.holds import hold_seats

    hold = hold_seats(user=user, showtime_id=showtime.pk, seat_ids=seats[:2])
    booked = confirm_booking(user=user, showtime_id=showtime.pk, seat_ids=seats[:1], idempotency_key=None)
    cases = [
        (shapes.HoldResult, {"detail": "Seats held.", "held_until": hold.held_until, "seat_ids": hold.seat_ids}, {}),
        (shapes.ReleaseResult, {"detail": "Released.", "seat_ids": [seats[1]]}, {}),
        (shapes.User, user, {}),
        (shapes.Detail, {"detail": "Signed out."}, {}),
        (
            shapes.AuditShowtime,
            {
                "id": 1,
                "hold_ttl_seconds": None,
                "capacity": 4,
                "booked": 1,
                "held": 1,
                "expired_holds": 0,
                "single_seats": 0,
                "available": 2,
            },
            {},
        ),
        (shapes.BookResult, {"detail": "Booked.", "booking": booked}, {}),
        (shapes.UserWithToken, user, {"context": {"token": "t0k"}}),
        (shapes.Showtime, upcoming_showtimes(now=timezone.now()), {"many": True}),
    ]
    for shape, instance, kwargs in cases:
        assert shape.render(instance, **kwargs) == _deep(shape)(instance, **kwargs).data, shape.__name__
    assert shapes.UserWithToken.render(user, context={"token": "other"})["token"] == "other"


def test_flat_shapes_take_the_plain_way_and_the_others_do_not():
    """The plain way must be taken by the seat writes' answers (or it saves nothing), and never by a shape
    with nested shapes, a source path or a context-fed field."""
    assert [name for name, _ in shapes._plain_fields(shapes.HoldResult)] == ["detail", "held_until", "seat_ids"]
    assert shapes._plain_fields(shapes.ReleaseResult)
    for shape in (shapes.BookResult, shapes.BookingSummary, shapes.UserWithToken, shapes.Showtime, shapes.SeatCounts):
        assert shapes._plain_fields(shape) == (), shape.__name__
    assert shapes.User.render({"id": 3, "username": "ann"}) == {"id": 3, "username": "ann"}
    assert shapes.UserWithToken.render({"id": 3, "username": "ann"}, context={"token": "t"})["token"] == "t"
