from django.urls import path

from incidents import views

app_name = "incidents"

urlpatterns = [
    path("mapa/", views.DistrictMapView.as_view(), name="district-map"),
]
