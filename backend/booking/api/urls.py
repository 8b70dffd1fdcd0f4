from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from booking.api import staff, views
from http_infra.errors import api_not_found

urlpatterns = [
    # The hot endpoints first: URL resolution tries the patterns in order.
    path("hall-layout/<int:show_id>/", views.HallLayoutView.as_view(), name="hall-layout"),
    path("hold-seat/", views.HoldSeatView.as_view(), name="hold-seat"),
    path("book-seat/", views.BookSeatView.as_view(), name="book-seat"),
    path("release-seat/", views.ReleaseSeatView.as_view(), name="release-seat"),
    path("shows/", views.ShowListView.as_view(), name="shows"),
    path("hold-best-available/", views.HoldBestAvailableView.as_view(), name="hold-best-available"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file (no inline script for the CSP);
    # its page keeps a small inline <style>, allowed here only.
    path(
        "docs/",
        csp_update({"style-src": [SELF, UNSAFE_INLINE]})(SpectacularSwaggerSplitView.as_view(url_name="schema")),
        name="docs",
    ),
    path("health/", views.HealthView.as_view(), name="health"),
    path("auth/csrf/", views.CsrfView.as_view(), name="csrf"),
    path("auth/register/", views.RegisterView.as_view(), name="register"),
    path("auth/login/", views.LoginView.as_view(), name="login"),
    path("auth/logout/", views.LogoutView.as_view(), name="logout"),
    path("auth/me/", views.MeView.as_view(), name="me"),
    path("bookings/", views.BookingListView.as_view(), name="bookings"),
    path("bookings/<str:reference>/cancel/", views.BookingCancelView.as_view(), name="booking-cancel"),
    path("orders/", views.OrderCreateView.as_view(), name="orders"),
    path("orders/<str:reference>/", views.OrderDetailView.as_view(), name="order"),
    path("orders/<str:reference>/pay/", views.OrderPayView.as_view(), name="order-pay"),
    path("payments/webhook/<str:provider>/", views.PaymentWebhookView.as_view(), name="payment-webhook"),
    path("staff/halls/", staff.StaffHallView.as_view(), name="staff-halls"),
    path("staff/showtimes/", staff.StaffShowtimeView.as_view(), name="staff-showtimes"),
    path("staff/audit/", staff.StaffAuditView.as_view(), name="staff-audit"),
    re_path(r"^[\s\S]*$", api_not_found),  # any path, newlines included
]
