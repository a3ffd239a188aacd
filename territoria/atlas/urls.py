from django.urls import path

from territoria.atlas import api, bulk_views, manage, views

app_name = "atlas"

urlpatterns = [
    path("atlas/", views.explore_page, name="explore"),
    path("atlas/actions/<int:pk>/", views.action_page, name="action"),
    path("atlas/actions/<int:pk>/modifier/", manage.edit, name="edit"),
    path("atlas/actions/<int:pk>/moderer/", manage.moderate, name="moderate"),
    path("atlas/proposer/", manage.submit, name="submit"),
    path("atlas/moderation/", manage.moderation, name="moderation"),
    path("atlas/import/", bulk_views.import_page, name="import"),
    path("atlas/import/modele.xlsx", bulk_views.template_workbook, name="import-template"),
    path("atlas/thematiques/", views.atlases, name="atlases"),
    path("atlas/thematiques/enregistrer/", manage.atlas_create, name="atlas-create"),
    path("atlas/thematiques/<slug:slug>/", views.atlas_page, name="atlas"),
    path("embed/atlas/<slug:slug>/", views.embed, name="embed"),
    path("atlas/observatoire/", views.observatory_page, name="observatory"),
    path("atlas/referentiels/", views.referentials_page, name="referentials"),
    path("atlas/referentiels/importer/", manage.referential_import, name="referential-import"),
    path("atlas/referentiels/<slug:slug>/", views.referential_page, name="referential"),
    path("atlas/referentiels/<slug:slug>/export.<str:format>", views.referential_export, name="referential-export"),
    path("api/atlas/v1/actions", api.actions, name="api-actions"),
    path("api/atlas/v1/actions/<int:pk>", api.action, name="api-action"),
    path("api/atlas/v1/facets", api.facets, name="api-facets"),
    path("api/atlas/v1/map", api.map_data, name="api-map"),
    path("api/atlas/v1/exports/<str:format>", api.export, name="api-export"),
    path("api/atlas/v1/referentials", api.referential_list, name="api-referentials"),
    path("api/atlas/v1/referentials/<slug:slug>", api.referential_detail, name="api-referential"),
    path(
        "api/atlas/v1/referentials/<slug:slug>/export/<str:format>", api.referential_file, name="api-referential-export"
    ),
    path("api/atlas/v1/classify", api.classify, name="api-classify"),
    path("api/atlas/v1/observatory", api.observatory_data, name="api-observatory"),
]
