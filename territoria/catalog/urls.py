from django.urls import path

from territoria.catalog import access_api, api, sharing, views

app_name = "catalog"

urlpatterns = [
    path("datasets/", views.search, name="search"),
    path("datasets/<slug:slug>/", views.dataset, name="dataset"),
    path("datasets/<slug:slug>/acces/", sharing.sharing, name="sharing"),
    path("datasets/<slug:slug>/resources/<int:pk>/download", views.download, name="download"),
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/<slug:slug>/", views.organisation, name="organisation"),
    path("organisations/<slug:slug>/logo", views.organisation_logo, name="organisation-logo"),
    path("api/explore/v2.1/catalog/datasets", api.datasets, name="api-datasets"),
    path("api/explore/v2.1/catalog/datasets/<str:dataset_id>", api.dataset, name="api-dataset"),
    path("api/explore/v2.1/catalog/facets", api.facets, name="api-facets"),
    path("api/explore/v2.1/catalog/exports/<str:format>", api.export, name="api-exports"),
    path("api/catalog/v1/datasets/<str:dataset_id>/access", access_api.dataset_access, name="api-access"),
    path("api/catalog/v1/datasets/<str:dataset_id>/access/grants", access_api.grants, name="api-grants"),
    path("api/catalog/v1/datasets/<str:dataset_id>/access/grants/<int:grant_id>", access_api.grant, name="api-grant"),
]
