from django.urls import URLPattern, URLResolver

app_name = "reports"

# Filled by the reports issue (public and official reports).
urlpatterns: list[URLPattern | URLResolver] = []
