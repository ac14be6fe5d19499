from django.urls import path

from registry.returns import views

app_name = "returns"
urlpatterns = [
    path("", views.return_list, name="list"),
    path("new/", views.return_new, name="new"),
    path("late-filers/", views.late_filers, name="late-filers"),
    path("template.csv", views.return_template, {"extension": "csv"}, name="template-csv"),
    path("template.xlsx", views.return_template, {"extension": "xlsx"}, name="template-xlsx"),
    path("<int:pk>/", views.return_detail, name="detail"),
    path("<int:pk>/versions/<int:number>/", views.return_version, name="version"),
    path("<int:pk>/diff/", views.return_diff, name="diff"),
    path("<int:pk>/lines/check/", views.line_check, name="line-check"),
    path("<int:pk>/lines/new/", views.line_edit, name="line-new"),
    path("<int:pk>/lines/<int:position>/", views.line_row, name="line-row"),
    path("<int:pk>/lines/<int:position>/edit/", views.line_edit, name="line-edit"),
    path("<int:pk>/lines/<int:position>/delete/", views.line_delete, name="line-delete"),
    path("<int:pk>/upload/", views.return_upload, name="upload"),
    path("<int:pk>/submit/", views.return_submit, name="submit"),
    path("<int:pk>/accept/", views.return_accept, name="accept"),
    path("<int:pk>/return/", views.return_send_back, name="send-back"),
    path("<int:pk>/correct/", views.return_correct, name="correct"),
]
