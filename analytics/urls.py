from django.urls import URLPattern, URLResolver, path

from analytics import views

app_name = "analytics"

urlpatterns: list[URLPattern | URLResolver] = [
    path("analitica/", views.index, name="index"),
    path("analitica/temporal/", views.temporal, name="temporal"),
    path("analitica/puntos-calientes/", views.hotspots, name="hotspots"),
    path("analitica/repeticion-cercana/", views.near_repeat, name="near-repeat"),
    path("analitica/tablero/", views.dashboard, name="dashboard"),
    path("analitica/tablero/tablero.xlsx", views.dashboard_export_xlsx, name="dashboard-xlsx"),
    path("analitica/tablero/tablero.pdf", views.dashboard_export_pdf, name="dashboard-pdf"),
]
