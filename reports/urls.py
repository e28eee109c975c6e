from django.urls import URLPattern, URLResolver, path

from reports import api, views

app_name = "reports"

urlpatterns: list[URLPattern | URLResolver] = [
    path("reportes/", views.public_report_list, name="public-list"),
    path("reportes/<int:pk>/", views.public_report_detail, name="public-detail"),
    path("reportes/<int:pk>/pdf/", views.public_report_pdf, name="public-pdf"),
    path("reportes/oficiales/", views.official_report_list, name="official-list"),
    path("reportes/oficiales/<int:pk>/", views.official_report_detail, name="official-detail"),
    path("reportes/oficiales/<int:pk>/pdf/", views.official_report_pdf, name="official-pdf"),
    path("reportes/narrativas/", views.narrative_themes_page, name="narrative-themes"),
    path("api/reports/", api.PublicReportListApi.as_view(), name="api-public-list"),
    path("api/reports/<int:pk>/", api.PublicReportDetailApi.as_view(), name="api-public-detail"),
    path("api/reports/official/", api.OfficialReportListApi.as_view(), name="api-official-list"),
    path(
        "api/reports/official/<int:pk>/",
        api.OfficialReportDetailApi.as_view(),
        name="api-official-detail",
    ),
    path(
        "api/reports/narrative-themes/",
        api.NarrativeThemesApi.as_view(),
        name="api-narrative-themes",
    ),
]
