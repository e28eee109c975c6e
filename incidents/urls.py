from django.urls import path

from incidents import views

app_name = "incidents"

urlpatterns = [
    path("mapa/", views.DistrictMapView.as_view(), name="district-map"),
    path("incidentes/mapa/", views.IncidentMapView.as_view(), name="incident-map"),
    path("incidentes/categorias/", views.category_disputes, name="category-disputes"),
    path("datos/", views.dataset_list, name="dataset-list"),
    path("datos/subir/", views.dataset_upload, name="dataset-upload"),
    path("datos/<int:pk>/columnas/", views.dataset_mapping, name="dataset-mapping"),
    path("datos/<int:pk>/", views.dataset_detail, name="dataset-detail"),
]
