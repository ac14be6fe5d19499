from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from portal import views as portal_views
from portal.api.auth import ObtainTokenView, TokenViewSet
from portal.throttling import login_throttled
from reports import views as reports_views

auth_router = SimpleRouter()
auth_router.register("auth/tokens", TokenViewSet, basename="api-tokens")

api_v1: list[URLPattern | URLResolver] = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    *auth_router.urls,
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI with its script from `?script` rather than inline, as the Content-Security-Policy requires.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="portal/swagger_ui.html"),
        name="api-docs",
    ),
    path("registry/", include("registry.api.urls")),
    path("returns/", include("registry.returns.api.urls")),
    path("releases/", include("registry.releases.api.urls")),
    # /api/v1/permits/ and /api/v1/sources/
    path("", include("registry.permits.api.urls")),
    path("monitoring/", include("monitoring.api.urls")),
    path("emissions/", include("monitoring.emissions.api.urls")),
    path("regimes/", include("monitoring.regimes.api.urls")),
    path("subscriptions/", include("monitoring.subscriptions.api.urls")),
    path("stats/", include("reports.api.urls")),
]

urlpatterns = [
    path("", reports_views.home, name="home"),
    path("accounts/login/", login_throttled(auth_views.LoginView.as_view()), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("registry/", include("registry.urls")),
    path("returns/", include("registry.returns.urls")),
    path("releases/", include("registry.releases.urls")),
    path("permits/", include("registry.permits.urls")),
    path("monitoring/", include("monitoring.urls")),
    path("emissions/", include("monitoring.emissions.urls")),
    path("regimes/", include("monitoring.regimes.urls")),
    path("subscriptions/", include("monitoring.subscriptions.urls")),
    path("statistics/", include("reports.urls")),
    path("audit/", portal_views.audit_log, name="audit-log"),
]

# JSON for API clients, a page made without the database for browsers; 413 for a body too large, 503 with
# Retry-After when the database, the cache or the broker cannot be reached (portal.errors).
handler400 = "portal.errors.bad_request"
handler404 = "portal.errors.not_found"
handler500 = "portal.errors.server_error"
