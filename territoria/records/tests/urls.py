from django.urls import include, path

urlpatterns = [path("", include("territoria.records.urls"))]
