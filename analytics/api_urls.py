from django.urls import URLPattern, URLResolver, path

from analytics import api

app_name = "analytics-api"

urlpatterns: list[URLPattern | URLResolver] = [
    path("temporal/", api.TemporalApi.as_view(), name="temporal"),
    path("hotspots/", api.HotspotsApi.as_view(), name="hotspots"),
    path("near-repeat/", api.NearRepeatApi.as_view(), name="near-repeat"),
    path("kpis/", api.KpiApi.as_view(), name="kpis"),
    path("runs/<int:pk>/", api.RunDetailApi.as_view(), name="run-detail"),
]
