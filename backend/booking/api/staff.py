"""Staff-only API: what QA's stress runs need to set up fresh halls and showtimes and audit the result."""

import re

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAdminUser
from rest_framework.response import Response
from rest_framework.views import APIView

from booking.api import schema as doc
from booking.api import shapes
from booking.api.serializers import MAX_ID, StrictCharField, StrictIntegerField, validated_input
from booking.exceptions import InvalidRequest
from booking.selectors.audit import audit_invariants
from booking.services.showtimes import create_hall_by_ids, create_showtime_by_ids

_ID = re.compile(r"[0-9]{1,19}")


class HallInput(serializers.Serializer):
    name = StrictCharField(max_length=120)
    rows = StrictIntegerField(min_value=1, max_value=702, required=False)
    seats_per_row = StrictIntegerField(min_value=1, max_value=999, required=False)
    # Short enough that the longest plan, whatever its characters, fits the 64 KB body limit JSON-escaped.
    plan = StrictCharField(
        max_length=5_000,
        required=False,
        help_text='A hall plan instead of a grid (README "Hall plans"): `A: SSSS_SSSS`, a line per row.',
    )
    venue_id = StrictIntegerField(min_value=1, required=False)

    def validate(self, attrs):
        if ("plan" in attrs) == ("rows" in attrs or "seats_per_row" in attrs):
            raise serializers.ValidationError("Send either a plan or rows and seats_per_row.", code="plan_or_grid")
        if "plan" not in attrs and not ("rows" in attrs and "seats_per_row" in attrs):
            raise serializers.ValidationError("Send rows and seats_per_row.", code="plan_or_grid")
        return attrs


class ShowtimeInput(serializers.Serializer):
    hall_id = StrictIntegerField(min_value=1)
    movie_id = StrictIntegerField(min_value=1, required=False)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(required=False)
    hold_ttl_seconds = StrictIntegerField(min_value=1, max_value=86400, required=False)
    prevent_orphans = serializers.BooleanField(required=False, default=False)


class StaffHallView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(
        operation_id="staff_create_hall",
        summary="Staff: a hall with a rows x seats grid or a hall plan (in the given venue, or a default one)",
        request=HallInput,
        responses={201: shapes.StaffHall, **doc.errors(*doc.WRITE_ERRORS, 401, 403)},
        tags=["staff"],
    )
    def post(self, request):
        data = validated_input(HallInput, request)
        hall = create_hall_by_ids(
            venue_id=data.get("venue_id"),
            name=data["name"],
            rows=data.get("rows"),
            seats_per_row=data.get("seats_per_row"),
            plan=data.get("plan"),
        )
        return Response(shapes.StaffHall.render(hall), status=status.HTTP_201_CREATED)


class StaffShowtimeView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(
        operation_id="staff_create_showtime",
        summary="Staff: a showtime in a hall (its seats created with it)",
        request=ShowtimeInput,
        responses={201: shapes.StaffShowtime, **doc.errors(*doc.WRITE_ERRORS, 401, 403, 409)},
        tags=["staff"],
    )
    def post(self, request):
        data = validated_input(ShowtimeInput, request)
        showtime = create_showtime_by_ids(
            hall_id=data["hall_id"],
            movie_id=data.get("movie_id"),
            starts_at=data["starts_at"],
            ends_at=data.get("ends_at"),
            hold_ttl_seconds=data.get("hold_ttl_seconds"),
            prevent_orphans=data["prevent_orphans"],
        )
        return Response(shapes.StaffShowtime.render(showtime), status=status.HTTP_201_CREATED)


class StaffAuditView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(
        operation_id="staff_audit",
        summary="Staff: audit the booking invariants",
        parameters=[doc.AUDIT_SHOW_ID],
        responses={200: shapes.Audit, **doc.errors(400, 401, 403)},
        tags=["staff"],
    )
    def get(self, request):
        values = request.query_params.getlist("show_id")
        # ASCII digits only: int() would also take " 5 ", "1_0" and other scripts' digits (U+0665).
        if not all(_ID.fullmatch(value) and int(value) <= MAX_ID for value in values):
            raise InvalidRequest("show_id must be a whole number (ASCII digits).")
        ids = [int(value) for value in values]
        return Response(shapes.Audit.render(audit_invariants(now=timezone.now(), showtime_ids=ids)))
