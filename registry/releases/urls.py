"""The release reports' pages under /releases/. A flat list: other parts of the register append their own entries
(the public register's pages, the transfers' discrepancies)."""

from django.urls import path, register_converter

from registry.releases.views import register, reports


class PartConverter:
    """Which list of a report a URL is about: its releases or its transfers."""

    regex = "releases|transfers"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(PartConverter, "part")

app_name = "releases"
urlpatterns = [
    path("", reports.report_list, name="list"),
    path("new/", reports.report_new, name="new"),
    path("template-<part:part>.csv", reports.report_template, {"extension": "csv"}, name="template-csv"),
    path("template-<part:part>.xlsx", reports.report_template, {"extension": "xlsx"}, name="template-xlsx"),
    path("<int:pk>/", reports.report_detail, name="detail"),
    path("<int:pk>/versions/<int:number>/", reports.report_version, name="version"),
    path("<int:pk>/diff/", reports.report_diff, name="diff"),
    path("<int:pk>/<part:part>/new/", reports.line_edit, name="line-new"),
    path("<int:pk>/<part:part>/<int:position>/", reports.line_edit, name="line-edit"),
    path("<int:pk>/<part:part>/<int:position>/delete/", reports.line_delete, name="line-delete"),
    path("<int:pk>/<part:part>/upload/", reports.report_upload, name="upload"),
    path("<int:pk>/submit/", reports.report_submit, name="submit"),
    path("<int:pk>/accept/", reports.report_accept, name="accept"),
    path("<int:pk>/return/", reports.report_send_back, name="send-back"),
    path("<int:pk>/correct/", reports.report_correct, name="correct"),
    # The public register of releases and transfers, and the transfers that do not reconcile (views.register).
    path("register/sources/", register.source_map, name="source-map"),
    path("register/enterprises/<int:pk>/", register.enterprise_register, name="register-enterprise"),
    path("register/enterprises/<int:pk>/download/", register.enterprise_download, name="register-download"),
    path("transfers/discrepancies/", register.discrepancy_list, name="discrepancies"),
]
