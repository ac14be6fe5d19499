"""Pages of release reports: enterprise staff file and correct, inspectors review (their queue, by region) and
decide. Built as the returns' pages are, on the returns' forms for filing, uploading, explaining and reasons."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal.permissions import Action, can, require
from registry.permits.models import Substance
from registry.releases import selectors, services, template
from registry.releases.checks import ReleaseWarning
from registry.releases.filters import ReleaseReportFilterSet
from registry.releases.forms import ReleaseLineForm, TransferLineForm
from registry.releases.models import ReleaseReport, ReleaseVersion, ReleaseYear
from registry.returns import pages
from registry.returns.checks import Issue
from registry.returns.forms import NewReturnForm, ReasonsForm, ReturnUploadForm, SubmitForm

PAGE_SIZE = 50


def _report(request: HttpRequest, pk: int) -> ReleaseReport:
    return get_object_or_404(selectors.report_list(user=request.user), pk=pk)


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    """The reports the user sees; an inspector's list opens on the queue of what awaits a decision."""
    context = pages.list_context(request, ReleaseReportFilterSet, selectors.report_list(user=request.user), PAGE_SIZE)
    return render(request, "releases/list.html", context)


@login_required
def report_new(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.FILE)
    form = NewReturnForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("releases:detail", pk=report.pk)
    return render(request, "registry/form.html", {"form": form, "title": _("New release report")})


def _detail(
    request: HttpRequest, report: ReleaseReport, errors: list[str] | None = None, *, upload_failed: bool = False
) -> HttpResponse:
    version = report.current
    assert version is not None  # every report has its first version
    warnings = services.current_warnings(version)
    may_file = can(request.user, Action.FILE, report)
    editable = version.is_draft and may_file
    context = {
        "report": report,
        "version": version,
        "releases": selectors.version_releases(version),
        "transfers": selectors.version_transfers(version),
        "proposals": selectors.transfer_proposals(report) if editable else [],
        "warnings": [(warning, version.confirmations.get(warning.key, "")) for warning in warnings],
        "may_file": may_file,
        "editable": editable,
        "may_decide": can(request.user, Action.DECIDE, report),
        "deadline": ReleaseYear.for_year(report.year).deadline,
        "versions": report.versions.select_related("created_by", "submitted_by", "decided_by"),
        "events": [event for v in report.versions.prefetch_related("events__actor") for event in v.events.all()],
        "errors": errors or [],
        "upload_failed": upload_failed,
        "reasons_form": ReasonsForm(),
        "submit_form": SubmitForm(warnings=warnings) if editable else None,
        "upload_form": ReturnUploadForm() if editable else None,
    }
    return render(request, "releases/detail.html", context, status=400 if errors else 200)


def _version_lines(version: ReleaseVersion) -> dict[str, Any]:
    return {"releases": selectors.version_releases(version), "transfers": selectors.version_transfers(version)}


PAGES = pages.FilingPages(get=_report, detail=_detail, url="releases:detail", name="report")
report_detail = PAGES.detail_view()
report_version = PAGES.version_view("releases/version.html", _version_lines, ReleaseWarning)
report_diff = PAGES.diff_view("releases/diff.html", selectors.version_difference)


# A draft's lines, each added or changed on a page of its own.


def _put_issues(form: ReleaseLineForm | TransferLineForm, issues: list[Issue]) -> None:
    form.is_valid()
    for issue in issues:
        form.add_error(issue.field if issue.field in form.fields else None, issue.message)


@login_required
def line_edit(request: HttpRequest, pk: int, part: str, position: int | None = None) -> HttpResponse:
    """Add (no position) or change a release (`part` "releases") or a transfer ("transfers") of the draft."""
    report = _report(request, pk)
    require(request.user, Action.FILE, report)
    version = report.current
    assert version is not None
    form: ReleaseLineForm | TransferLineForm
    lines = version.lines if part == "releases" else version.transfers
    line = get_object_or_404(lines, position=position) if position else None
    if part == "releases":
        initial = ReleaseLineForm.initial_for(line) if line else None  # type: ignore[arg-type]
        form = ReleaseLineForm(request.POST or None, initial=initial, enterprise=report.enterprise)
        save = services.draft_release_save
        title = _("Release") if position else _("Add a release")
    else:
        initial = TransferLineForm.initial_for(line) if line else dict(request.GET.items())  # type: ignore[arg-type]
        form = TransferLineForm(request.POST or None, initial=initial)
        save = services.draft_transfer_save  # type: ignore[assignment]
        title = _("Transfer") if position else _("Add a transfer")
    if request.method == "POST":
        try:
            save(actor=request.user, version=version, position=position, data=request.POST)
        except services.LinesInvalid as exc:
            _put_issues(form, exc.issues)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The line was saved."))
            return redirect("releases:detail", pk=pk)
    substances = Substance.objects.only("code", "cas", "name") if part == "releases" else []
    context = {"form": form, "title": title, "enterprise": report.enterprise, "substances": substances}
    return render(request, "releases/line_form.html", context)


@login_required
@require_POST
def line_delete(request: HttpRequest, pk: int, part: str, position: int) -> HttpResponse:
    report = _report(request, pk)
    assert report.current is not None
    try:
        services.draft_line_delete(
            actor=request.user, version=report.current, position=position, transfer=part == "transfers"
        )
    except ValidationError as exc:
        return _detail(request, report, exc.messages)
    return redirect("releases:detail", pk=pk)


@login_required
@require_POST
def report_upload(request: HttpRequest, pk: int, part: str) -> HttpResponse:
    """Replace the draft's releases or transfers with a file's rows; nothing is saved unless every row passes."""
    report = _report(request, pk)
    assert report.current is not None
    form = ReturnUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, report, [str(error) for error in form.errors.get("file", [])], upload_failed=True)
    try:
        rows = template.read_lines(form.cleaned_data["file"], part=part)
        lines = {"releases": rows} if part == "releases" else {"transfers": rows}
        version = services.draft_replace_lines(actor=request.user, version=report.current, first_position=2, **lines)
    except services.LinesInvalid as exc:
        rows_wrong = [
            _("Row %(row)s, %(field)s: %(message)s") % {"row": i.line, "field": i.field_label, "message": i.message}
            for i in exc.issues
        ]
        return _detail(request, report, [_("Nothing was saved."), *rows_wrong], upload_failed=True)
    except ValidationError as exc:  # a file refused (portal.uploads.FileRefused), or the draft no longer one
        return _detail(request, report, exc.messages, upload_failed=True)
    count = (version.lines if part == "releases" else version.transfers).count()
    messages.success(request, _("%(count)s lines were loaded.") % {"count": count})
    return redirect("releases:detail", pk=pk)


def report_template(request: HttpRequest, part: str, extension: str) -> HttpResponse:
    """The file to fill in for an upload of releases or transfers: the columns, and one example line."""
    if part not in template.PARTS:
        raise Http404
    return template.template_response(part=part, extension=extension)


# Workflow.

report_submit = PAGES.submit(services.report_submit, gettext_lazy("The report was submitted to the inspector."))
report_accept = PAGES.accept(services.report_accept, gettext_lazy("The report was accepted."))
report_send_back = PAGES.send_back(
    services.report_send_back, gettext_lazy("The report was sent back to the enterprise.")
)
report_correct = PAGES.correct(
    services.report_correct, gettext_lazy("A new version was started; edit it and submit it again.")
)
