from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from accounts import api as accounts_api
from callao import views

handler400 = "callao.views.bad_request"
handler403 = "callao.views.permission_denied"
handler404 = "callao.views.page_not_found"
handler500 = "callao.views.server_error"

api_patterns: list[URLPattern | URLResolver] = [
    path("", include("incidents.api_urls")),
    path("analytics/", include("analytics.api_urls")),
    path("me/", accounts_api.MeApi.as_view(), name="me"),
    path("schema/", views.SchemaView.as_view(), name="api-schema"),
    path("docs/", views.ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
]

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("cuenta/", include("accounts.urls")),
    path("", include("incidents.urls")),
    path("", include("reports.urls")),
    path("", include("predictions.urls")),
    path("", include("analytics.urls")),
    path("api/", include(api_patterns)),
    path("admin/", admin.site.urls),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("livez", views.livez, name="livez"),
    path("readyz", views.readyz, name="readyz"),
    path("healthz", views.healthz, name="healthz"),
    path("metrics", views.metrics, name="metrics"),
]
