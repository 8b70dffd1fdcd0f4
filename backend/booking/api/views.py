"""Thin API views: validate input, call one service or selector, shape the output."""

from django.contrib.auth import authenticate, login, logout
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import ensure_csrf_cookie
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from booking import selectors
from booking.api import serializers as s
from booking.exceptions import InvalidCredentials, InvalidRequest
from booking.services.accounts import api_token_for, register_user
from booking.services.bookings import confirm_booking
from booking.services.holds import hold_seats, release_holds


def health(request):
    """200 only when the database answers a query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any failure to reach the database means "not healthy"
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


# --- accounts -----------------------------------------------------------------------------------


class RegisterView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def post(self, request):
        data = _validated(s.RegisterSerializer, request)
        user, token = register_user(**data)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return Response(s.user_payload(user, token), status=status.HTTP_201_CREATED)


class LoginView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def post(self, request):
        data = _validated(s.LoginSerializer, request)
        user = authenticate(request, username=data["username"], password=data["password"])
        if user is None:
            raise InvalidCredentials()
        login(request, user)
        return Response(s.user_payload(user, api_token_for(user=user)))


class LogoutView(APIView):
    permission_classes = [AllowAny]

    def post(self, request):
        logout(request)
        return Response({"detail": "Signed out."})


@method_decorator(ensure_csrf_cookie, name="dispatch")
class MeView(APIView):
    def get(self, request):
        return Response(s.user_payload(request.user))


# --- schedule and seats ---------------------------------------------------------------------------


class ShowListView(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        showtimes = selectors.upcoming_showtimes(now=timezone.now())
        return Response([s.showtime_payload(showtime) for showtime in showtimes])


def _if_none_match(request) -> set[str]:
    """The entity tags of If-None-Match, compared weakly (RFC 9110): a proxy that compresses the
    body (nginx with gzip) turns our strong tag into W/"...", and that must still get a 304."""
    header = request.headers.get("If-None-Match", "")
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


class HallLayoutView(APIView):
    permission_classes = [AllowAny]

    def get(self, request, show_id: int):
        now = timezone.now()
        state = selectors.layout_state(showtime_id=show_id, user=request.user, now=now)
        if state.etag in _if_none_match(request):
            response = HttpResponse(status=status.HTTP_304_NOT_MODIFIED)
        else:
            response = HttpResponse(selectors.hall_layout_json(state=state, now=now), content_type="application/json")
        response["ETag"] = state.etag
        # Per caller (their own holds are in it) and always revalidated.
        response["Cache-Control"] = "private, no-cache"
        patch_vary_headers(response, ("Cookie", "Authorization"))
        return response


class HoldSeatView(APIView):
    def post(self, request):
        data = _validated(s.SeatSelectionSerializer, request)
        result = hold_seats(user=request.user, showtime_id=data["show_id"], seat_ids=data["seat_ids"])
        return Response(
            {
                "detail": "Seats held.",
                "held_until": selectors.isoformat_utc(result.held_until),
                "seat_ids": result.seat_ids,
            }
        )


class BookSeatView(APIView):
    def post(self, request):
        data = _validated(s.SeatSelectionSerializer, request)
        key = request.headers.get("Idempotency-Key")
        if key is not None and not (1 <= len(key) <= 255 and key.isprintable()):
            raise InvalidRequest("Idempotency-Key must be 1 to 255 printable characters.")
        result = confirm_booking(
            user=request.user, showtime_id=data["show_id"], seat_ids=data["seat_ids"], idempotency_key=key
        )
        response = Response(
            {"detail": "Booked.", "booking": s.booking_payload(result.booking, result.seat_ids)},
            status=status.HTTP_201_CREATED,
        )
        if result.replayed:
            response["Idempotent-Replayed"] = "true"
        return response


class ReleaseSeatView(APIView):
    def post(self, request):
        data = _validated(s.SeatSelectionSerializer, request)
        seat_ids = release_holds(user=request.user, showtime_id=data["show_id"], seat_ids=data["seat_ids"])
        return Response({"detail": "Released.", "seat_ids": seat_ids})


class BookingListView(APIView):
    def get(self, request):
        return Response([s.booking_detail_payload(b) for b in selectors.user_bookings(user=request.user)])


def _validated(serializer_class, request) -> dict:
    if not isinstance(request.data, dict):
        raise InvalidRequest("Send a JSON object.")
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
