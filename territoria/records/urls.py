from django.urls import path

from territoria.records import api

app_name = "records"

PREFIX = "api/explore/v2.1/catalog/datasets/<str:dataset_id>/"

urlpatterns = [
    path(PREFIX + "records", api.records, name="api-records"),
    path(PREFIX + "records/<str:record_id>", api.record, name="api-record"),
    path(PREFIX + "facets", api.facets, name="api-facets"),
    path(PREFIX + "exports/<str:format>", api.export, name="api-export"),
]
