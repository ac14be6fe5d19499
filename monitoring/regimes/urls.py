from django.urls import path

from monitoring.regimes import verdict_views, views

app_name = "regimes"
urlpatterns = [
    path("", views.regime_list, name="list"),
    path("new/", views.regime_new, name="new"),
    path("<int:pk>/", views.regime_detail, name="detail"),
    path("<int:pk>/edit/", views.regime_edit, name="edit"),
    path("<int:pk>/end/", views.regime_end, name="end"),
    path("cities/<slug:code>/", views.city_detail, name="city"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/new/", views.plan_new, name="plan-new"),
    path("plans/upload/", views.plan_upload, name="plan-upload"),
    path("plans/<int:pk>/delete/", views.plan_delete, name="plan-delete"),
    # The verdicts of the verification (verdict_views): an enterprise's, and the rate behind a verdict's chart.
    path("enterprises/<int:pk>/", verdict_views.enterprise_verdicts, name="enterprise-verdicts"),
    path("verdicts/<int:pk>/series/", verdict_views.verdict_series, name="verdict-series"),
]
