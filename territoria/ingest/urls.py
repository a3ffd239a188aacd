from django.urls import path

from territoria.ingest import api, views

app_name = "ingest"

urlpatterns = [
    path("datasets/<slug:slug>/upload", views.upload, name="upload"),
    path("ingest/jobs/<int:job_id>/", views.job, name="job"),
    path("datasets/<slug:slug>/versions/<int:number>/publish", views.publish, name="publish"),
    path(
        "datasets/<slug:slug>/versions/<int:number>/personal-data",
        views.remove_personal_data,
        name="remove-personal-data",
    ),
    path("api/ingest/v1/datasets/<str:dataset_id>/uploads", api.upload, name="api-upload"),
    path("api/ingest/v1/datasets/<str:dataset_id>/fetches", api.fetch, name="api-fetch"),
    path("api/ingest/v1/datasets/<str:dataset_id>/versions", api.versions, name="api-versions"),
    path("api/ingest/v1/datasets/<str:dataset_id>/versions/<int:number>", api.version, name="api-version"),
    path("api/ingest/v1/datasets/<str:dataset_id>/versions/<int:number>/publish", api.publish, name="api-publish"),
    path(
        "api/ingest/v1/datasets/<str:dataset_id>/versions/<int:number>/personal-data",
        api.remove_personal_data,
        name="api-remove-personal-data",
    ),
    path("api/ingest/v1/jobs/<int:job_id>", api.job, name="api-job"),
    path("api/ingest/v1/jobs/<int:job_id>/retry", api.retry, name="api-retry"),
]
