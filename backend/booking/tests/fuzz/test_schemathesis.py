"""Schemathesis fuzzes every operation of the OpenAPI schema against the in-process WSGI app.

Every check is on: no 5xx, every status/body/header/content type as documented, schema-invalid
input refused, schema-valid input accepted, auth not ignored, unsupported methods answered 405.
Bounded and deterministic so that `make test` stays fast and repeatable.
"""

import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.db import transaction
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from booking.api.serializers import MAX_ID
from booking.tests.conftest import clear_process_caches
from booking.tests.fuzz.conftest import STAFF_TOKEN, USER_TOKEN, openapi_schema
from booking.tests.fuzz.links import with_links
from booking.tests.invariants import assert_booking_invariants

MAX_EXAMPLES = 25
STATEFUL_SCENARIOS = 40

CONFIG = {
    "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
    "phases": {
        "examples": {"enabled": True},
        "coverage": {"enabled": True},
        "fuzzing": {"enabled": True},
        "stateful": {"enabled": False},  # test_booking_flow below
    },
    "checks": {"enabled": True},
    "operations": [
        {
            # The schema states the password's length; that it is not a common password, not all digits
            # and not like the username cannot be stated, so a schema-valid weak password is a 400.
            # (Wrong credentials on login are a 401 and a taken username a 409: accepted by default.)
            "include-operation-id": ["register"],
            "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "400", "409"]}},
        },
        {
            # "Each seat once" is a rule on the objects' seat_id that a schema cannot state (uniqueItems
            # compares whole objects); a card is required only for `method: card` (stated in words), a
            # schema-valid card may be declined (402), and a webhook without a valid signature is a 400.
            # A booking reference the fuzzer makes up is not one of the caller's (404).
            "include-operation-id": ["create_order", "pay_order", "payment_webhook", "cancel_booking"],
            "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "400", "402", "404", "409"]}},
        },
        {
            # Best available for a party the showtime has no room for (or a category it does not have) is a
            # 409 `no_block`; a showtime the fuzzer makes up is a 404.
            "include-operation-id": ["hold_best_available"],
            "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "404", "409"]}},
        },
        {
            # Staff set-up refuses unknown venues/halls/movies and inverted or overlapping times with 400/409.
            "include-operation-id": ["staff_create_hall", "staff_create_showtime"],
            "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "400", "409"]}},
        },
    ],
}


def load_schema(app, config: dict = CONFIG, token: str = USER_TOKEN):
    config = {**config, "auth": {"openapi": {"tokenAuth": {"api_key": f"Token {token}"}}}}
    schema = schemathesis.openapi.from_dict(with_links(openapi_schema()), config=SchemathesisConfig.from_dict(config))
    schema.app = app
    return schema


# Loaded at collection (schemathesis' lazy `from_fixture` mode does not work with pytest 9 yet).
# Requests carry the moviegoer's token, or the staff token for staff operations (load_schema sets
# Schemathesis' auth); the ignored_auth check also sends each operation without it and with a wrong one.
schema = load_schema(WSGIHandler()).exclude(operation_id_regex="^staff_")
staff_schema = load_schema(WSGIHandler(), token=STAFF_TOKEN).exclude(operation_id_regex="^(?!staff_)")
# The fixtures set up a world the examples share (the database rolls back once, after the operation).
shared_fixtures = settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@schema.parametrize()
@shared_fixtures
def test_every_operation(case, wsgi_app, fuzz_world):
    aim_at_real_objects(case, fuzz_world)
    case.call_and_validate()
    assert_booking_invariants()


@staff_schema.parametrize()
@shared_fixtures
def test_every_staff_operation(case, wsgi_app, fuzz_world):
    aim_at_real_objects(case, fuzz_world)
    case.call_and_validate()
    assert_booking_invariants()


def _pick(value, choices: list[int]):
    """Most generated ids point at nothing; send three in four of the valid ones to a real object instead.
    Invalid values (wrong type, out of range) stay as they are, so negative cases stay negative."""
    if type(value) is not int or not 1 <= value <= MAX_ID or value % 4 == 0:
        return value
    return choices[value % len(choices)]


def _small(value):
    """Staff halls of at most 3 x 3 seats: the fuzzer would otherwise ask for 702 x 999."""
    return 1 + (value - 1) % 3 if type(value) is int and 1 <= value <= 702 else value


def aim_at_real_objects(case, world) -> None:
    """Edit the generated case in place (Schemathesis re-validates an edited case before sending it)."""
    if case.path_parameters and "show_id" in case.path_parameters:
        case.path_parameters["show_id"] = _pick(case.path_parameters["show_id"], world.show_ids)
    body = case.body
    if not isinstance(body, dict):
        return
    if "show_id" in body:
        body["show_id"] = _pick(body["show_id"], world.show_ids)
    # Mostly seats of the show named (a chance to hold and book), sometimes another show's (404).
    show_id = body.get("show_id")
    seats = world.seats_by_show.get(show_id, world.seat_ids) if type(show_id) is int else world.seat_ids
    for key, choices in (
        ("seat_id", seats),
        ("hall_id", world.hall_ids),
        ("movie_id", world.movie_ids),
        ("venue_id", world.venue_ids),
    ):
        if key in body:
            body[key] = _pick(body[key], choices)
    if isinstance(body.get("seat_ids"), list):
        aimed = [_pick(value, seats) for value in body["seat_ids"]]
        if len(set(map(repr, aimed))) == len(aimed):  # keep distinct ids distinct
            body["seat_ids"] = aimed
    for key in ("rows", "seats_per_row"):
        if key in body:
            body[key] = _small(body[key])


# --- stateful: shows -> layout -> hold -> book / release, following the schema's OpenAPI links ------------


STATEFUL_CONFIG = {**CONFIG, "phases": {"stateful": {"enabled": True, "max-steps": 8}}}


class BookingFlow(load_schema(WSGIHandler(), STATEFUL_CONFIG).as_state_machine()):
    """Chains of real calls (a show's layout, holding its seats, booking or releasing them, holding again),
    each response checked against the schema; the database invariants hold after every scenario."""

    world = None  # the test's FuzzWorld

    def setup(self):
        # Every scenario starts from the same world: Hypothesis replays scenarios while it explores, and
        # a hold left by an earlier one would change what a replay draws (FlakyStrategyDefinition).
        self._savepoint = transaction.savepoint()
        clear_process_caches()

    def teardown(self):
        try:
            assert_booking_invariants()
        finally:
            transaction.savepoint_rollback(self._savepoint)
            clear_process_caches()  # layouts cached under versions the rollback is about to reuse


def test_booking_flow(wsgi_app, fuzz_world):
    BookingFlow.world = fuzz_world
    BookingFlow.run(
        settings=settings(
            max_examples=STATEFUL_SCENARIOS,
            stateful_step_count=8,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
    )
