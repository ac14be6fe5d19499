from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from portal import views as portal_views
from portal.api.auth import ObtainTokenView
from registry import views as registry_views

api_v1: list[URLPattern | URLResolver] = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("registry/", include("registry.api.urls")),
    path("returns/", include("registry.returns.api.urls")),
    path("monitoring/", include("monitoring.api.urls")),
    path("stats/", include("reports.api.urls")),
]

urlpatterns = [
    path("", registry_views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("registry/", include("registry.urls")),
    path("returns/", include("registry.returns.urls")),
    path("monitoring/", include("monitoring.urls")),
    path("statistics/", include("reports.urls")),
    path("audit/", portal_views.audit_log, name="audit-log"),
]
