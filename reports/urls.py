from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("regions/", views.regional_table, name="regional-table"),
    path("releases/", views.release_statistics, name="releases"),
    path("regions/<str:iso_code>/", views.region_page, name="region"),
    path("enterprises/<int:pk>/", views.enterprise_page, name="enterprise"),
    path("reports/", views.report_list, name="reports"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/download/", views.report_download, name="report-download"),
]
