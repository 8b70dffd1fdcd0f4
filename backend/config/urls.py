from django.contrib import admin
from django.urls import include, path, re_path

from booking.api.spa import spa_index

urlpatterns = [
    path("api/", include("booking.api.urls")),
    path("admin/", admin.site.urls),
    re_path(r"^(?!api/|admin/|static/|assets/).*$", spa_index, name="spa"),
]
