from django.urls import path

from incidents import api

app_name = "incidents-api"

urlpatterns = [
    path("districts/", api.DistrictListApi.as_view(), name="district-list"),
    path("incidents/", api.IncidentListApi.as_view(), name="incident-list"),
    path("incidents/stats/", api.IncidentStatsApi.as_view(), name="incident-stats"),
    path("incidents/export.csv", api.IncidentExportApi.as_view(), name="incident-export"),
    path(
        "incidents/tiles/<int:z>/<int:x>/<int:y>.mvt",
        api.IncidentTileApi.as_view(),
        name="incident-tile",
    ),
    path("incidents/<int:pk>/", api.IncidentDetailApi.as_view(), name="incident-detail"),
    path("datasets/", api.DatasetListApi.as_view(), name="dataset-list"),
    path("datasets/<int:pk>/", api.DatasetDetailApi.as_view(), name="dataset-detail"),
    path(
        "datasets/<int:pk>/errors.csv", api.DatasetErrorReportApi.as_view(), name="dataset-errors"
    ),
]
