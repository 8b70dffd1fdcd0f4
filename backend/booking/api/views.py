"""Thin API views: validate input, call one service or selector, shape the output."""

import re

from django.contrib.auth import authenticate, login, logout
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import ensure_csrf_cookie
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers as drf_serializers
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from booking import payments
from booking.api import schema as doc
from booking.api import serializers as s
from booking.api import shapes
from booking.api.layout_rendering import conditional_layout
from booking.exceptions import InvalidCredentials, InvalidRequest
from booking.payments import Card
from booking.selectors.orders import user_order
from booking.selectors.schedule import upcoming_showtimes, user_bookings
from booking.services.accounts import api_token_for, register_user
from booking.services.best_available import hold_best_available
from booking.services.bookings import confirm_booking
from booking.services.cancellations import cancel_booking
from booking.services.holds import hold_seats, release_holds
from booking.services.orders import OrderSeat, create_order, handle_payment_webhook, pay_order
from http_infra.throttling import SeatWriteThrottle, seat_write_window


class AnonymousView(APIView):
    # An endpoint anyone may call; credentials, if sent, are not even looked at. (A comment: a view's
    # docstring is its operation's description in the schema, and subclasses would inherit this one.)
    authentication_classes = []
    permission_classes = [AllowAny]


class HealthView(AnonymousView):
    """200 only when the database answers a query. No authentication: load balancers call it."""

    throttle_classes = []  # load balancers poll it; never rate limited

    @extend_schema(
        operation_id="health",
        summary="Is the database reachable?",
        responses={200: shapes.Health, 503: shapes.Health},
    )
    def get(self, request):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except Exception:  # any failure to reach the database means "not healthy"
            return JsonResponse({"status": "unavailable"}, status=503)
        # Literal bodies (shapes.Health declares them): this is the bench's one-query floor, which the
        # reads are judged against, so it must cost no more than a request with one query has to.
        return JsonResponse({"status": "ok"})


# --- accounts -----------------------------------------------------------------------------------


@method_decorator(ensure_csrf_cookie, name="dispatch")
class CsrfView(AnonymousView):
    """Sets the `csrftoken` cookie the SPA copies into `X-CSRFToken` on every session write."""

    @extend_schema(
        operation_id="csrf",
        summary="Set the CSRF cookie (`csrftoken`)",
        responses={200: shapes.Detail, **doc.errors(429)},
        auth=[],
    )
    def get(self, request):
        return Response(shapes.Detail.render({"detail": "CSRF cookie set."}))


class RegisterView(AnonymousView):
    throttle_scope = "register"

    @extend_schema(
        operation_id="register",
        summary="Create an account and sign in (session cookie + token)",
        request=s.RegisterSerializer,
        responses={201: shapes.UserWithToken, **doc.errors(*doc.WRITE_ERRORS, 409, 429, conflict=None)},
        auth=[],
    )
    def post(self, request):
        data = s.validated_input(s.RegisterSerializer, request)
        user, token = register_user(**data)
        login(request, user, backend="booking.backends.CaseInsensitiveModelBackend")
        return Response(shapes.UserWithToken.render(user, context={"token": token}), status=status.HTTP_201_CREATED)


class LoginView(AnonymousView):
    throttle_scope = "login"

    @extend_schema(
        operation_id="login",
        summary="Sign in (session cookie + token); 401 `invalid_credentials` when wrong",
        request=s.LoginSerializer,
        responses={200: shapes.UserWithToken, **doc.errors(*doc.WRITE_ERRORS, 401, 429)},
        auth=[],
    )
    def post(self, request):
        data = s.validated_input(s.LoginSerializer, request)
        # The Django request, not DRF's wrapper: django-axes marks a locked-out attempt on it.
        user = authenticate(request._request, username=data["username"], password=data["password"])
        if user is None:
            raise InvalidCredentials()
        login(request, user)
        return Response(shapes.UserWithToken.render(user, context={"token": api_token_for(user=user)}))


class LogoutView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="logout",
        summary="Sign out (ends the session)",
        request=None,
        responses={200: shapes.Detail, **doc.errors(401, 403, 413)},
    )
    def post(self, request):
        logout(request)
        return Response(shapes.Detail.render({"detail": "Signed out."}))


@method_decorator(ensure_csrf_cookie, name="dispatch")
class MeView(APIView):
    @extend_schema(
        operation_id="me",
        summary="Who am I (also sets the CSRF cookie)",
        responses={200: shapes.User, **doc.errors(401, 403)},
    )
    def get(self, request):
        return Response(shapes.User.render(request.user))


# --- schedule and seats ---------------------------------------------------------------------------


class ShowListView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="list_shows",
        summary="Upcoming showtimes, soonest first, with live seat counts",
        responses={200: shapes.Showtime(many=True), **doc.errors(401)},
    )
    def get(self, request):
        return Response(shapes.Showtime.render(upcoming_showtimes(now=timezone.now()), many=True))


def _if_none_match(request) -> set[str]:
    """The entity tags of If-None-Match, compared weakly (RFC 9110): a proxy that compresses the
    body (nginx with gzip) turns our strong tag into W/"...", and that must still get a 304."""
    header = request.META.get("HTTP_IF_NONE_MATCH", "")  # not request.headers: it builds every header
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


class HallLayoutView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="hall_layout",
        summary="A showtime's seat map (ETag; If-None-Match gives 304)",
        parameters=[doc.IF_NONE_MATCH, doc.ETAG],
        responses={
            200: shapes.HallLayout,
            304: OpenApiResponse(description="Not modified: the `If-None-Match` tag is current. No body."),
            **doc.errors(401, 404),
        },
    )
    def get(self, request, show_id: int):
        answer = conditional_layout(
            showtime_id=show_id, user=request.user, now=timezone.now(), if_none_match=_if_none_match(request)
        )
        if answer.body is None:
            response = HttpResponse(status=status.HTTP_304_NOT_MODIFIED)
        else:
            response = HttpResponse(answer.body, content_type="application/json")
        response["ETag"] = answer.etag
        # Per caller (their own holds are in it) and always revalidated.
        response["Cache-Control"] = "private, no-cache"
        patch_vary_headers(response, ("Cookie", "Authorization"))
        return response


class HoldSeatView(APIView):
    throttle_scope = "hold"
    throttle_classes = [SeatWriteThrottle]  # counted by the seat function: one round trip

    @extend_schema(
        operation_id="hold_seat",
        summary="Hold seats, all or none (re-holding your own seat keeps its expiry)",
        request=s.SeatSelectionSerializer,
        responses={
            200: shapes.HoldResult,
            **doc.errors(
                *doc.WRITE_ERRORS,
                401,
                403,
                404,
                409,
                429,
                conflict="`seat_unavailable`, `hold_limit`, `lock_timeout`, `show_started`, `category_not_sold`, "
                "`companion_seat`, `orphan_seat` (names the seat it would strand, with a `suggestion`)",
            ),
        },
    )
    def post(self, request):
        data = s.validated_input(s.SeatSelectionSerializer, request)
        result = hold_seats(
            user=request.user,
            showtime_id=data["show_id"],
            seat_ids=data["seat_ids"],
            rate_window=seat_write_window(request),
        )
        return Response(
            shapes.HoldResult.render(
                {"detail": "Seats held.", "held_until": result.held_until, "seat_ids": result.seat_ids}
            )
        )


class HoldBestAvailableView(APIView):
    throttle_scope = "hold"  # the same budget as holding by hand
    throttle_classes = [SeatWriteThrottle]  # counted in the service's transaction: no round trip of its own

    @extend_schema(
        operation_id="hold_best_available",
        summary="Find and hold the best seats for a party, together",
        request=s.BestAvailableSerializer,
        parameters=[doc.BEST_AVAILABLE_KEY, doc.BEST_AVAILABLE_REPLAYED],
        responses={
            200: shapes.BestAvailableResult,
            **doc.errors(
                *doc.WRITE_ERRORS,
                401,
                403,
                404,
                409,
                422,
                429,
                order_conflict="`no_block` (with `largest_block`), `hold_limit`, `lock_timeout`, `show_started`",
            ),
        },
    )
    def post(self, request):
        data = s.validated_input(s.BestAvailableSerializer, request)
        result = hold_best_available(
            user=request.user,
            showtime_id=data["show_id"],
            quantity=data["quantity"],
            category_id=data.get("category"),
            accessible=data["accessible"],
            idempotency_key=_idempotency_key(request),
            rate_window=seat_write_window(request),
        )
        response = Response(shapes.BestAvailableResult.render({"detail": "Seats held.", **vars(result)}))
        if result.replayed:
            response["Idempotent-Replayed"] = "true"
        return response


# Visible ASCII, no spaces: what the schema documents (a UUID fits); anything else is 400.
_IDEMPOTENCY_KEY = re.compile(r"[!-~]{1,255}")


def _idempotency_key(request) -> str | None:
    key = request.META.get("HTTP_IDEMPOTENCY_KEY")  # not request.headers: it builds every header
    if key is not None and not _IDEMPOTENCY_KEY.fullmatch(key):
        raise InvalidRequest("Idempotency-Key must be 1 to 255 visible ASCII characters (e.g. a UUID).")
    return key


class BookSeatView(APIView):
    throttle_scope = "book"
    throttle_classes = [SeatWriteThrottle]  # counted by the seat function: one round trip

    @extend_schema(
        operation_id="book_seat",
        summary="Confirm seats you hold into one booking",
        request=s.SeatSelectionSerializer,
        parameters=[doc.IDEMPOTENCY_KEY, doc.IDEMPOTENT_REPLAYED],
        responses={
            201: shapes.BookResult,
            **doc.errors(
                *doc.WRITE_ERRORS,
                401,
                403,
                404,
                409,
                422,
                429,
                402,
                conflict="`not_held` (not yours, or the hold expired), `lock_timeout`, `show_started`, "
                "`category_not_sold` (its price list changed since the hold)",
            ),
        },
        description="Books at the listed prices (each seat's category's default ticket type) as an order paid "
        "at the box office; a showtime paid online only answers 402 `payment_required`.",
    )
    def post(self, request):
        data = s.validated_input(s.SeatSelectionSerializer, request)
        result = confirm_booking(
            user=request.user,
            showtime_id=data["show_id"],
            seat_ids=data["seat_ids"],
            idempotency_key=_idempotency_key(request),
            rate_window=seat_write_window(request),
        )
        response = Response(
            shapes.BookResult.render({"detail": "Booked.", "booking": result}), status=status.HTTP_201_CREATED
        )
        if result.replayed:
            response["Idempotent-Replayed"] = "true"
        return response


class ReleaseSeatView(APIView):
    @extend_schema(
        operation_id="release_seat",
        summary="Release your holds now, all or none",
        request=s.SeatSelectionSerializer,
        responses={
            200: shapes.ReleaseResult,
            **doc.errors(*doc.WRITE_ERRORS, 401, 403, 404, 409, conflict="`not_held`, `lock_timeout`"),
        },
    )
    def post(self, request):
        data = s.validated_input(s.SeatSelectionSerializer, request)
        seat_ids = release_holds(user=request.user, showtime_id=data["show_id"], seat_ids=data["seat_ids"])
        return Response(shapes.ReleaseResult.render({"detail": "Released.", "seat_ids": seat_ids}))


class BookingListView(APIView):
    @extend_schema(
        operation_id="my_bookings",
        summary="Your bookings, newest first",
        responses={200: shapes.BookingDetail(many=True), **doc.errors(401, 403)},
    )
    def get(self, request):
        return Response(shapes.BookingDetail.render(user_bookings(user=request.user), many=True))


# --- orders and payment -------------------------------------------------------------------------------


class OrderCreateView(APIView):
    @extend_schema(
        operation_id="create_order",
        summary="Order seats you hold: a ticket type and a price per seat, a total, an expiry",
        request=s.OrderCreateSerializer,
        responses={
            201: shapes.Order,
            **doc.errors(
                *doc.WRITE_ERRORS,
                401,
                403,
                404,
                409,
                order_conflict="`not_held`, `show_started`, `category_not_sold`, `ticket_type_not_sold` (naming the "
                "seats), `payment_in_progress` (an earlier order of these seats is being paid)",
            ),
        },
    )
    def post(self, request):
        data = s.validated_input(s.OrderCreateSerializer, request)
        seats = [OrderSeat(seat["seat_id"], seat.get("ticket_type_id")) for seat in data["seats"]]
        order = create_order(user=request.user, showtime_id=data["show_id"], seats=seats)
        shown = user_order(user=request.user, reference=order.reference, now=timezone.now())
        return Response(shapes.Order.render(shown), status=status.HTTP_201_CREATED)


class OrderDetailView(APIView):
    @extend_schema(
        operation_id="order",
        summary="One of your orders",
        responses={
            200: shapes.Order,
            **doc.errors(401, 403, 404, not_found="No such order of yours (`order_not_found`)."),
        },
    )
    def get(self, request, reference: str):
        return Response(shapes.Order.render(user_order(user=request.user, reference=reference, now=timezone.now())))


class OrderPayView(APIView):
    throttle_scope = "pay"

    @extend_schema(
        operation_id="pay_order",
        summary="Pay an order by card (the test provider's card form) or at the box office",
        request=s.PaySerializer,
        responses={
            200: OpenApiResponse(shapes.Order, description="Paid (or booked to pay at the box office): booked."),
            202: OpenApiResponse(shapes.Order, description="The provider answers later: poll the order."),
            **doc.errors(
                *doc.WRITE_ERRORS,
                401,
                402,
                403,
                404,
                409,
                429,
                503,
                not_found="No such order of yours (`order_not_found`).",
                order_conflict="`order_expired` (its holds ran out), `order_not_payable` (replaced or refunded), "
                "`payment_in_progress`, `box_office_unavailable`, `lock_timeout`",
            ),
        },
    )
    def post(self, request, reference: str):
        data = s.validated_input(s.PaySerializer, request)
        card = Card(**data["card"]) if "card" in data else None
        # Where a provider that answers later sends its webhook: this server, as the caller reached it.
        webhook_url = request.build_absolute_uri(reverse("payment-webhook", args=[payments.provider().name]))
        result = pay_order(
            user=request.user, reference=reference, method=data["method"], card=card, webhook_url=webhook_url
        )
        shown = user_order(user=request.user, reference=reference, now=timezone.now())
        return Response(
            shapes.Order.render(shown), status=status.HTTP_202_ACCEPTED if result.pending else status.HTTP_200_OK
        )


class PaymentWebhookView(AnonymousView):
    """Called by the payment provider, not by people: verified by its signature, applied once."""

    throttle_classes = []  # a provider retries; the signature, not a rate, keeps strangers out

    @extend_schema(
        operation_id="payment_webhook",
        summary="A payment provider's event (signed)",
        request=inline_serializer(
            "TestProviderEvent",
            {
                "id": drf_serializers.CharField(),
                "type": drf_serializers.ChoiceField(choices=["payment.succeeded", "payment.failed"]),
                "payment_id": drf_serializers.CharField(),
                "amount": drf_serializers.CharField(allow_null=True),
            },
        ),
        description="Its body is the provider's own event; `Boxoffice-Signature: t=<unix>,v1=<HMAC-SHA256 of "
        '"<t>.<body>">` must sign it (the test provider). A replayed event changes nothing.',
        responses={200: shapes.Detail, **doc.errors(400, 404, 413, 415)},
    )
    def post(self, request, provider: str):
        outcome = handle_payment_webhook(provider_name=provider, body=request.body, headers=request.headers)
        return Response(shapes.Detail.render({"detail": outcome}))


class BookingCancelView(APIView):
    throttle_scope = "book"

    @extend_schema(
        operation_id="cancel_booking",
        summary="Cancel your booking, or some of its seats: back on sale at once, what was paid refunded",
        request=s.CancelSerializer,
        responses={
            200: shapes.CancelResult,
            **doc.errors(
                *doc.WRITE_ERRORS,
                401,
                403,
                404,
                409,
                429,
                not_found="No such booking of yours (`booking_not_found`), or seats not part of it (`seat_not_found`).",
                order_conflict="`cancellation_closed` (the showtime is too close), `lock_timeout`",
            ),
        },
    )
    def post(self, request, reference: str):
        data = s.validated_input(s.CancelSerializer, request)
        result = cancel_booking(user=request.user, reference=reference, seat_ids=data.get("seat_ids"))
        return Response(shapes.CancelResult.render(result))
