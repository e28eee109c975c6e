from django.urls import URLPattern, URLResolver

app_name = "predictions"

# Filled by the predictions issue (patrol zones, accuracy, model runs).
urlpatterns: list[URLPattern | URLResolver] = []
