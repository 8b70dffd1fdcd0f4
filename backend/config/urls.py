from django.contrib import admin
from django.urls import include, path, re_path

from http_infra.observability.views import metrics_view, ready
from http_infra.spa import spa_index

urlpatterns = [
    # Before the API's include: its catch-all would answer /api/ready/ with a JSON 404.
    path("api/ready/", ready, name="ready"),
    path("api/", include("booking.api.urls")),
    path("admin/", admin.site.urls),
    re_path(r"^metrics/?$", metrics_view, name="metrics"),
    re_path(r"^(?!api/|admin/|static/|assets/).*$", spa_index, name="spa"),
]

handler400 = "http_infra.errors.bad_request"
handler500 = "http_infra.errors.server_error"
