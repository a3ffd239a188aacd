"""URL routing of the whole portal."""

from django.contrib import admin
from django.urls import include, path

from territoria.portal import views

admin.site.site_header = "Territoria — administration"
admin.site.site_title = "Territoria"

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("territoria.catalog.urls")),
    path("", include("territoria.ingest.urls")),
    path("", include("territoria.records.urls")),
    path("", include("territoria.accounts.urls")),
    path("api/", views.api_reference, name="api-reference"),
    path("api/openapi.json", views.openapi_json, name="openapi"),
    path("healthz", views.health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler404 = "territoria.portal.views.page_not_found"
handler500 = "territoria.portal.views.server_error"
