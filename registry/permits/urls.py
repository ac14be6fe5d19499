from django.urls import path

from registry.permits import views

app_name = "permits"
urlpatterns = [
    path("", views.permit_list, name="list"),
    path("template.csv", views.permit_template, {"extension": "csv"}, name="template-csv"),
    path("template.xlsx", views.permit_template, {"extension": "xlsx"}, name="template-xlsx"),
    path("enterprises/<int:pk>/", views.enterprise_permits, name="enterprise"),
    path("enterprises/<int:pk>/new/", views.permit_new, name="new"),
    path("enterprises/<int:pk>/sources/new/", views.source_new, name="source-new"),
    path("sources/<int:pk>/edit/", views.source_edit, name="source-edit"),
    path("<int:pk>/", views.permit_detail, name="detail"),
    path("<int:pk>/edit/", views.permit_edit, name="edit"),
    path("<int:pk>/history/", views.permit_history, name="history"),
    path("<int:pk>/limits/new/", views.limit_edit, name="limit-new"),
    path("<int:pk>/limits/<int:limit_pk>/edit/", views.limit_edit, name="limit-edit"),
    path("<int:pk>/limits/<int:limit_pk>/delete/", views.limit_delete, name="limit-delete"),
    path("<int:pk>/placement/new/", views.placement_edit, name="placement-new"),
    path("<int:pk>/placement/<int:placement_pk>/edit/", views.placement_edit, name="placement-edit"),
    path("<int:pk>/placement/<int:placement_pk>/delete/", views.placement_delete, name="placement-delete"),
    path("<int:pk>/upload/", views.permit_upload, name="upload"),
    path("<int:pk>/submit/", views.permit_submit, name="submit"),
    path("<int:pk>/verify/", views.permit_verify, name="verify"),
    path("<int:pk>/return/", views.permit_send_back, name="send-back"),
]
