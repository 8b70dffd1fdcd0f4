"""The OpenAPI description of the API (drf-spectacular): response shapes, the one error shape, links.

Nothing here runs on a request. The serializers below only document what views build by hand
(`booking.api.serializers.*_payload`, `layout_rendering.hall_layout_json`); the fuzz tests
(`booking/tests/fuzz/`) check every response against them, so they cannot drift silently.
"""

from django.conf import settings
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
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
    422: "The `Idempotency-Key` was already used for a different booking request (`idempotency_key_reused`).",
    429: "Too many requests (`throttled`); see `Retry-After`.",
}


def errors(*statuses: int, conflict: str | None = None, not_found: str | None = None) -> dict:
    """OpenApiResponses for the given error statuses; 409 names the seats when `conflict` says which codes."""
    responses = {}
    for status in statuses:
        description = ERROR_DESCRIPTIONS[status]
        serializer = ErrorSerializer
        if status == 409 and conflict:
            description, serializer = f"Conflict, naming the seats (`seat_ids`): {conflict}.", SeatConflictSerializer
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


# --- response bodies ----------------------------------------------------------------------------------

User = inline_serializer("User", {"id": serializers.IntegerField(), "username": serializers.CharField()})
UserWithToken = inline_serializer(
    "UserWithToken",
    {
        "id": serializers.IntegerField(),
        "username": serializers.CharField(),
        "token": serializers.CharField(help_text="Send as `Authorization: Token <token>`."),
    },
)
Detail = inline_serializer("Detail", {"detail": serializers.CharField()})
Health = inline_serializer("Health", {"status": serializers.ChoiceField(choices=["ok", "unavailable"])})


def _counts(name: str):
    return inline_serializer(
        name,
        {
            "available": serializers.IntegerField(min_value=0),
            "held": serializers.IntegerField(min_value=0),
            "booked": serializers.IntegerField(min_value=0),
        },
    )


Showtime = inline_serializer(
    "Showtime",
    {
        "id": serializers.IntegerField(),
        "movie": inline_serializer(
            "ShowtimeMovie",
            {
                "id": serializers.IntegerField(),
                "title": serializers.CharField(),
                "duration_minutes": serializers.IntegerField(),
            },
        ),
        "hall": inline_serializer("ShowtimeHall", {"id": serializers.IntegerField(), "name": serializers.CharField()}),
        "venue": inline_serializer(
            "ShowtimeVenue",
            {"id": serializers.IntegerField(), "name": serializers.CharField(), "city": serializers.CharField()},
        ),
        "starts_at": serializers.DateTimeField(),
        "ends_at": serializers.DateTimeField(),
        "counts": _counts("SeatCounts"),
    },
    many=True,
)

LayoutSeat = inline_serializer(
    "LayoutSeat",
    {
        "id": serializers.IntegerField(help_text="The `seat_id` to hold, book or release."),
        "row": serializers.CharField(),
        "number": serializers.IntegerField(),
        "status": serializers.ChoiceField(
            choices=["available", "held", "booked"],
            help_text="An expired hold is `available`; a seat held by someone else is only `held`.",
        ),
        "held_by_me": serializers.BooleanField(),
        "held_until": serializers.DateTimeField(allow_null=True, help_text="Set on the caller's own holds only."),
    },
)
HallLayout = inline_serializer(
    "HallLayout",
    {
        "show_id": serializers.IntegerField(),
        "hall_name": serializers.CharField(),
        "venue_name": serializers.CharField(),
        "movie_title": serializers.CharField(),
        "starts_at": serializers.DateTimeField(),
        "hold_ttl_seconds": serializers.IntegerField(),
        "max_seats_per_hold": serializers.IntegerField(),
        "counts": _counts("LayoutCounts"),
        "seats": LayoutSeat.__class__(many=True),
    },
)

HoldResult = inline_serializer(
    "HoldResult",
    {
        "detail": serializers.CharField(),
        "held_until": serializers.DateTimeField(help_text="The earliest expiry among the requested seats."),
        "seat_ids": serializers.ListField(child=serializers.IntegerField()),
    },
)
ReleaseResult = inline_serializer(
    "ReleaseResult",
    {"detail": serializers.CharField(), "seat_ids": serializers.ListField(child=serializers.IntegerField())},
)
_booking_fields = {
    "reference": serializers.CharField(help_text="10 characters, Crockford base32."),
    "show_id": serializers.IntegerField(),
    "seat_ids": serializers.ListField(child=serializers.IntegerField()),
    "created_at": serializers.DateTimeField(),
}
BookingSummary = inline_serializer("BookingSummary", dict(_booking_fields))
BookResult = inline_serializer("BookResult", {"detail": serializers.CharField(), "booking": BookingSummary})
BookingDetail = inline_serializer(
    "BookingDetail",
    {
        **_booking_fields,
        "movie_title": serializers.CharField(),
        "starts_at": serializers.DateTimeField(),
        "hall_name": serializers.CharField(),
        "venue_name": serializers.CharField(),
        "seats": inline_serializer(
            "BookedSeat",
            {"id": serializers.IntegerField(), "row": serializers.CharField(), "number": serializers.IntegerField()},
            many=True,
        ),
    },
    many=True,
)

StaffHall = inline_serializer(
    "StaffHall",
    {"id": serializers.IntegerField(), "name": serializers.CharField(), "capacity": serializers.IntegerField()},
)
StaffShowtime = inline_serializer(
    "StaffShowtime",
    {
        "id": serializers.IntegerField(),
        "capacity": serializers.IntegerField(),
        "hold_ttl_seconds": serializers.IntegerField(),
    },
)
Audit = inline_serializer(
    "Audit",
    {
        "violations": serializers.ListField(child=serializers.CharField(), help_text="Empty when all is well."),
        "showtimes": inline_serializer(
            "AuditShowtime",
            {
                "id": serializers.IntegerField(),
                "hold_ttl_seconds": serializers.IntegerField(),
                "capacity": serializers.IntegerField(),
                "booked": serializers.IntegerField(),
                "held": serializers.IntegerField(),
                "expired_holds": serializers.IntegerField(),
                "available": serializers.IntegerField(),
            },
            many=True,
        ),
        "booked_seats": serializers.DictField(
            child=serializers.DictField(child=serializers.JSONField()),
            help_text="show id -> seat id -> {reference, username}",
        ),
        "held_seats": serializers.DictField(
            child=serializers.DictField(child=serializers.JSONField()),
            help_text="show id -> seat id -> {username, held_until}",
        ),
    },
)
AUDIT_SHOW_ID = OpenApiParameter(
    "show_id",
    {"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 2**63 - 1}},
    OpenApiParameter.QUERY,
    required=False,
    explode=True,
    description="Showtimes to detail (repeat the parameter). The invariants are checked database-wide.",
)


# --- links: how a client walks shows -> layout -> hold -> book (used by the stateful fuzz test) -------------


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


def add_links(result, generator, request, public):
    """drf-spectacular postprocessing hook: OpenAPI links between the booking flow's operations."""
    for (path, status), links in _links().items():
        operation = next(iter(result.get("paths", {}).get(path, {}).values()), None)
        if operation and status in operation.get("responses", {}):
            operation["responses"][status]["links"] = links
    return result
