"""URL routing of the whole portal."""

from django.contrib import admin
from django.urls import include, path

from territoria.portal import internal, manage, referents, views

admin.site.site_header = "Territoria — administration"
admin.site.site_title = "Territoria"

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("territoria.catalog.urls")),
    path("", include("territoria.ingest.urls")),
    path("", include("territoria.records.urls")),
    path("", include("territoria.viz.urls")),
    path("", include("territoria.atlas.urls")),
    path("", include("territoria.accounts.urls")),
    path("espace/", internal.space, name="space"),
    path("qui-contacter/", referents.directory, name="referents"),
    path("qui-contacter/<int:pk>/", referents.referent, name="referent"),
    path("organisations/<slug:slug>/journal/", manage.organisation_journal, name="manage-audit"),
    path(
        "organisations/<slug:slug>/journal/export.csv", manage.organisation_journal_export, name="manage-audit-export"
    ),
    path("journal/", manage.journal, name="manage-audit-all"),
    path("journal/export.csv", manage.journal_export, name="manage-audit-all-export"),
    path("api/", views.api_reference, name="api-reference"),
    path("api/openapi.json", views.openapi_json, name="openapi"),
    path("healthz", views.health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler404 = "territoria.portal.views.page_not_found"
handler500 = "territoria.portal.views.server_error"
