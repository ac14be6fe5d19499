from django.urls import path

from registry import views

app_name = "registry"
urlpatterns = [
    path("deposits/", views.deposit_list, name="deposit-list"),
    path("deposits/new/", views.deposit_create, name="deposit-create"),
    path("deposits/<int:pk>/", views.deposit_detail, name="deposit-detail"),
    path("deposits/<int:pk>/edit/", views.deposit_edit, name="deposit-edit"),
    path("deposits/<int:pk>/surveys/new/", views.survey_add, name="survey-add"),
    path("deposits/<int:pk>/surveys/upload/", views.survey_upload, name="survey-upload"),
    path("surveys-template.csv", views.survey_template, name="survey-template"),
    path("deposits/<int:pk>/composition/new/", views.component_add, name="component-add"),
    path("deposits/<int:pk>/history/", views.deposit_history, name="deposit-history"),
    path("regions/outlines.geojson", views.region_outlines, name="region-outlines"),
    path("enterprises/", views.enterprise_list, name="enterprise-list"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise-detail"),
    path("enterprises/<int:pk>/edit/", views.enterprise_edit, name="enterprise-edit"),
    path("enterprises/<int:pk>/history/", views.enterprise_history, name="enterprise-history"),
]
