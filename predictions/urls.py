from django.urls import URLPattern, URLResolver, path

from predictions import api, views

app_name = "predictions"

urlpatterns: list[URLPattern | URLResolver] = [
    path("patrullaje/", views.patrol_map, name="patrol-map"),
    path("patrullaje/hoja/", views.patrol_sheet, name="patrol-sheet"),
    path("patrullaje/visita/", views.visit_log, name="visit-log"),
    path("precision/", views.accuracy, name="accuracy"),
    path("modelos/", views.model_runs, name="model-runs"),
    path("modelos/operaciones/", views.operations, name="operations"),
    path("api/forecasts/current/", api.CurrentForecastApi.as_view(), name="api-forecast-current"),
    path("api/model-runs/", api.ModelRunListApi.as_view(), name="api-model-runs"),
    path("api/evaluations/", api.EvaluationListApi.as_view(), name="api-evaluations"),
    path("api/patrol-visits/", api.PatrolVisitListApi.as_view(), name="api-patrol-visits"),
    path("api/jobs/", api.JobCreateApi.as_view(), name="api-jobs"),
    path("api/jobs/<str:task_id>/", api.JobDetailApi.as_view(), name="api-job-detail"),
]
