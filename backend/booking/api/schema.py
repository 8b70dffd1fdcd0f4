"""The OpenAPI description of the API beyond the shapes (drf-spectacular): the one error shape and which
statuses each endpoint answers, request-body details, headers and parameters. The response bodies are
declared once, in shapes.py.

Nothing here runs on a request; the fuzz tests (`booking/tests/fuzz/`) check every response against
the schema, so declarations and behaviour cannot drift silently.
"""

from django.conf import settings
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

# --- the one error shape ----------------------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    """`{detail, code, seat_ids?, errors?}`: every error the API answers, whatever its status."""

    detail = serializers.CharField(help_text="A human-readable message.")
    code = serializers.CharField(help_text="A stable, machine-readable code, e.g. `seat_unavailable`.")
    seat_ids = serializers.ListField(
        child=serializers.IntegerField(), required=False, help_text="The seats that conflicted (every seat 409)."
    )
    errors = serializers.DictField(
        child=serializers.JSONField(), required=False, help_text="Per-field messages of a validation error."
    )
    suggestion = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="`orphan_seat`: as many seats nearby that strand none (empty: there are none).",
    )
    largest_block = serializers.IntegerField(
        required=False, help_text="`no_block`: the most adjacent free seats best available could give."
    )

    class Meta:
        ref_name = "Error"


class SeatConflictSerializer(ErrorSerializer):
    """A seat write's 409: always names the seats that conflicted."""

    seat_ids = serializers.ListField(child=serializers.IntegerField(), help_text="The seats that conflicted.")

    class Meta:
        ref_name = "SeatConflict"


def _error(description: str, serializer=ErrorSerializer) -> OpenApiResponse:
    return OpenApiResponse(serializer, description=description)


# Every status an endpoint can answer with an error, described once. Views pick the ones they give.
ERROR_DESCRIPTIONS = {
    400: "Invalid input: `invalid` / a field's code with `errors` per field, `parse_error` (malformed JSON), "
    "`bad_request` (malformed Content-Length).",
    401: "Not signed in, or a wrong/expired token (`not_authenticated`, `authentication_failed`); "
    "on sign-in, a wrong username or password (`invalid_credentials`).",
    403: "Signed in but not allowed (`permission_denied`), or a session write without its CSRF token (`csrf_failed`).",
    404: "No such showtime (`not_found`) or seats not part of it (`seat_not_found`, with `seat_ids`).",
    405: "Method not allowed (`method_not_allowed`).",
    409: "Conflict (e.g. `username_taken` on register; the seat writes name their codes).",
    413: "Request body over 64 KB (`request_too_large`), refused before parsing.",
    415: "Body not sent as `application/json` (`unsupported_media_type`).",
    422: "The `Idempotency-Key` was already used for a different request (`idempotency_key_reused`).",
    429: "Too many requests (`throttled`); see `Retry-After`.",
    402: "Payment: `payment_declined` (the card was declined; the holds stay until they expire, try another card), "
    "`payment_required` (book-seat on a showtime that is paid online only: make an order and pay it).",
    503: "The payment provider could not be reached (`payment_unavailable`: nothing was charged), or the "
    "database (`database_unavailable`); see `Retry-After`.",
}


def errors(
    *statuses: int, conflict: str | None = None, not_found: str | None = None, order_conflict: str | None = None
) -> dict:
    """OpenApiResponses for the given error statuses; 409 names the seats when `conflict` says which codes,
    or lists `order_conflict`'s codes (an order's conflicts, which name seats only where seats are the cause)."""
    responses = {}
    for status in statuses:
        description = ERROR_DESCRIPTIONS[status]
        serializer = ErrorSerializer
        if status == 409 and conflict:
            description, serializer = f"Conflict, naming the seats (`seat_ids`): {conflict}.", SeatConflictSerializer
        if status == 409 and order_conflict:
            description = f"Conflict: {order_conflict}."
        if status == 404 and not_found:
            description = not_found
        responses[status] = _error(description, serializer)
    return responses


# Every endpoint's body is JSON: these can happen on any POST.
WRITE_ERRORS = (400, 413, 415)


# --- request bodies ---------------------------------------------------------------------------------


class SeatSelectionExtension(OpenApiSerializerExtension):
    """`{show_id, seat_id}` or `{show_id, seat_ids}`: exactly one of the two (oneOf)."""

    target_class = "booking.api.serializers.SeatSelectionSerializer"

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        schema["properties"]["seat_ids"].update(minItems=1, maxItems=settings.MAX_SEATS_PER_HOLD, uniqueItems=True)
        schema["description"] = (
            "Exactly one of `seat_id` (one seat) or `seat_ids` (1 to MAX_SEATS_PER_HOLD distinct seats). "
            'Ids are JSON integers: `"5"`, `5.0` and `true` are refused. Other keys are ignored.'
        )
        schema["oneOf"] = [{"required": ["seat_id"]}, {"required": ["seat_ids"]}]
        return schema


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="1 to 255 visible ASCII characters (e.g. a UUID). A retry with the same key, show and seats "
    "returns the original booking (201, `Idempotent-Replayed: true`) and changes nothing.",
    pattern=r"^[!-~]{1,255}$",
)
BEST_AVAILABLE_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="1 to 255 visible ASCII characters (e.g. a UUID). A retry with the same key and request returns "
    "the first answer (`Idempotent-Replayed: true`) and holds nothing more.",
    pattern=r"^[!-~]{1,255}$",
)
BEST_AVAILABLE_REPLAYED = OpenApiParameter(
    "Idempotent-Replayed",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200],
    enum=["true"],
    description="Present when an Idempotency-Key retry returned the first answer.",
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="The layout's last `ETag` (weak comparison): 304 while nothing changed.",
)
ETAG = OpenApiParameter(
    "ETag", OpenApiTypes.STR, OpenApiParameter.HEADER, response=[200, 304], description="The layout's version."
)
IDEMPOTENT_REPLAYED = OpenApiParameter(
    "Idempotent-Replayed",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[201],
    enum=["true"],
    description="Present when an Idempotency-Key retry returned the original booking.",
)


# --- parameters of the responses' endpoints -------------------------------------------------------------

AUDIT_SHOW_ID = OpenApiParameter(
    "show_id",
    {"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 2**63 - 1}},
    OpenApiParameter.QUERY,
    required=False,
    explode=True,
    description="Showtimes to detail (repeat the parameter). The invariants are checked database-wide.",
)
