from django.urls import path

from incidents import api

app_name = "incidents-api"

urlpatterns = [
    path("districts/", api.DistrictListApi.as_view(), name="district-list"),
]
