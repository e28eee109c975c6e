from django.urls import path

from incidents.api import datasets, districts, incidents

app_name = "incidents-api"

urlpatterns = [
    path("districts/", districts.DistrictListApi.as_view(), name="district-list"),
    path("incidents/", incidents.IncidentListApi.as_view(), name="incident-list"),
    path("incidents/stats/", incidents.IncidentStatsApi.as_view(), name="incident-stats"),
    path("incidents/export.csv", incidents.IncidentExportApi.as_view(), name="incident-export"),
    path(
        "incidents/tiles/<int:z>/<int:x>/<int:y>.mvt",
        incidents.IncidentTileApi.as_view(),
        name="incident-tile",
    ),
    path("incidents/<int:pk>/", incidents.IncidentDetailApi.as_view(), name="incident-detail"),
    path("datasets/", datasets.DatasetListApi.as_view(), name="dataset-list"),
    path("datasets/<int:pk>/", datasets.DatasetDetailApi.as_view(), name="dataset-detail"),
    path(
        "datasets/<int:pk>/errors.csv",
        datasets.DatasetErrorReportApi.as_view(),
        name="dataset-errors",
    ),
]
