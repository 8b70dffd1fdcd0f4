"""Responses against their one declaration (booking/api/shapes.py): the pre-encoded hall layout, which
is the deliberate exception to "views render shapes", must still match the shape it declares, key for
key, including the caller's own holds, someone else's, and booked seats."""

import copy

import jsonschema
import pytest

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


def test_hot_shapes_render_without_sharing_fields_between_calls():
    """Shape copies declared fields shallowly: two renders must not see each other's data."""
    first = shapes.ReleaseResult.render({"detail": "a", "seat_ids": [1]})
    second = shapes.ReleaseResult.render({"detail": "b", "seat_ids": [2, 3]})
    assert (first, second) == ({"detail": "a", "seat_ids": [1]}, {"detail": "b", "seat_ids": [2, 3]})
