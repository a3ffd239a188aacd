from django.urls import path

from territoria.viz import api, views
from territoria.viz.dashboards import embeds
from territoria.viz.dashboards import views as dashboards

app_name = "viz"

urlpatterns = [
    path("datasets/<slug:slug>/tableau/", views.table, name="table"),
    path("datasets/<slug:slug>/graphique/", views.chart, name="chart"),
    path("datasets/<slug:slug>/carte/", views.map_view, name="map"),
    path("datasets/<slug:slug>/api/", views.api_page, name="api"),
    path("graphiques/<uuid:pk>/", views.saved_chart, name="saved-chart"),
    path("api/viz/v1/datasets/<str:dataset_id>/map", api.map_data, name="api-map"),
    path("tableaux-de-bord/", dashboards.dashboards, name="dashboards"),
    path("tableaux-de-bord/nouveau/", dashboards.dashboard_new, name="dashboard-new"),
    path("tableaux-de-bord/<slug:slug>/", dashboards.dashboard, name="dashboard"),
    path("tableaux-de-bord/<slug:slug>/modifier/", dashboards.dashboard_edit, name="dashboard-edit"),
    path("tableaux-de-bord/<slug:slug>/supprimer/", dashboards.dashboard_delete, name="dashboard-delete"),
    path("tableaux-de-bord/<slug:slug>/blocs/ajouter/", dashboards.block_add, name="block-add"),
    path("tableaux-de-bord/<slug:slug>/blocs/<int:pk>/modifier/", dashboards.block_edit, name="block-edit"),
    path("tableaux-de-bord/<slug:slug>/blocs/<int:pk>/deplacer/", dashboards.block_move, name="block-move"),
    path("tableaux-de-bord/<slug:slug>/blocs/<int:pk>/supprimer/", dashboards.block_delete, name="block-delete"),
    path("embed/tableaux-de-bord/<slug:slug>/", embeds.embed_dashboard, name="embed-dashboard"),
    path("embed/blocs/<int:pk>/", embeds.embed_block, name="embed-block"),
]
