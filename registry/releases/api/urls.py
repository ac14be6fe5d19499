"""/api/v1/releases/: the reports. Other parts of the register register their routes on `router` (or put paths
before the reports'): the reports' detail route would otherwise take their prefix for a report's id."""

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from registry.releases.api.register import DiscrepancyViewSet, PublishedReleasesView
from registry.releases.api.views import ReleaseReportViewSet

router = SimpleRouter()
# The transfers that do not reconcile (api.register).
router.register("discrepancies", DiscrepancyViewSet, basename="release-discrepancy")
reports = SimpleRouter()
reports.register("", ReleaseReportViewSet, basename="release")

urlpatterns: list[URLPattern | URLResolver] = [
    # The public register's published releases (api.register).
    path("register/", PublishedReleasesView.as_view(), name="releases-register"),
    *router.urls,
    *reports.urls,
]
