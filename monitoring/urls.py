from django.urls import path

from monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("points/", views.point_map, name="point-map"),
    path("points/states/", views.point_states, name="point-states"),
    path("points/<int:pk>/latest/", views.point_latest, name="point-latest"),
    path("points/<int:pk>/<str:pollutant>/", views.point_chart, name="point-chart"),
    path("upload/", views.upload, name="upload"),
    path("template.csv", views.template_csv, name="template"),
    path("submit/", views.manual, name="manual"),
    path("submissions/", views.submission_list, name="submission-list"),
    path("submissions/<int:pk>/", views.submission, name="submission"),
    path("alerts/", views.alert_list, name="alert-list"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert-detail"),
    path("enterprises/<int:pk>/matrix/", views.enterprise_matrix, name="enterprise-matrix"),
    path("deposits/<int:pk>/matrix/", views.deposit_matrix, name="deposit-matrix"),
    path("compliance/<int:pk>/", views.compliance, name="compliance"),
]
