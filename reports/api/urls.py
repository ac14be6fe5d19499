from django.urls import path

from reports.api.views import WasteStatsView

urlpatterns = [path("waste/", WasteStatsView.as_view(), name="stats-waste")]
