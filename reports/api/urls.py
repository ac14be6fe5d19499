from django.urls import path

from reports.api.views import MonitoringStatsView, ReleaseStatsView, WasteStatsView

urlpatterns = [
    path("waste/", WasteStatsView.as_view(), name="stats-waste"),
    path("monitoring/", MonitoringStatsView.as_view(), name="stats-monitoring"),
    path("releases/", ReleaseStatsView.as_view(), name="stats-releases"),
]
