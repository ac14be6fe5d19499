"""Pages of release reports: enterprise staff file and correct, inspectors review (their queue, by region) and
decide. Built as the returns' pages are, on the returns' forms for filing, uploading, explaining and reasons."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.permissions import Action, can, require
from registry.models import Enterprise
from registry.permits.models import Substance
from registry.releases import selectors, services, template
from registry.releases.checks import ReleaseWarning
from registry.releases.filters import ReleaseReportFilterSet
from registry.releases.forms import ReleaseLineForm, TransferLineForm
from registry.releases.models import ReleaseReport, ReleaseYear
from registry.returns.checks import Issue
from registry.returns.forms import NewReturnForm, ReasonsForm, ReturnUploadForm, SubmitForm
from registry.returns.models import ReturnStatus

PAGE_SIZE = 50


def _report(request: HttpRequest, pk: int) -> ReleaseReport:
    return get_object_or_404(selectors.report_list(user=request.user), pk=pk)


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    """The reports the user sees; an inspector's list opens on the queue of what awaits a decision."""
    may_decide = can(request.user, Action.DECIDE)
    data = request.GET.copy()
    if may_decide and "status" not in data:
        data["status"] = ReturnStatus.SUBMITTED
    filterset = ReleaseReportFilterSet(data, queryset=selectors.report_list(user=request.user))
    reports = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter": filterset,
        "page": page,
        "query": request.GET.copy(),
        "may_file": Enterprise.objects.restrict(request.user, Action.FILE).exists(),
        "may_decide": may_decide,
    }
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


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _report(request, pk))


@login_required
def report_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    report = _report(request, pk)
    version = get_object_or_404(report.versions, number=number)
    context = {
        "report": report,
        "version": version,
        "releases": selectors.version_releases(version),
        "transfers": selectors.version_transfers(version),
        "warnings": [
            (warning, version.confirmations.get(warning.key, ""))
            for warning in map(ReleaseWarning.from_stored, version.warnings)
        ],
    }
    return render(request, "releases/version.html", context)


@login_required
def report_diff(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    numbers = [request.GET.get(name, "") for name in ("from", "to")]
    if not all(number.isascii() and number.isdecimal() and len(number) <= 5 for number in numbers):
        return HttpResponse(_("Give two version numbers: ?from=1&to=2."), status=400)
    older = get_object_or_404(report.versions, number=numbers[0])
    newer = get_object_or_404(report.versions, number=numbers[1])
    context = {"report": report, "older": older, "newer": newer,
               "differences": selectors.version_difference(older, newer)}  # fmt: skip
    return render(request, "releases/diff.html", context)


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


def _run(request: HttpRequest, pk: int, action: Callable[[ReleaseReport], None], success: str) -> HttpResponse:
    report = _report(request, pk)
    try:
        action(report)
    except ValidationError as exc:
        return _detail(request, report, exc.messages)
    messages.success(request, success)
    return redirect("releases:detail", pk=pk)


@login_required
@require_POST
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    def submit(report: ReleaseReport) -> None:
        confirmations = {key: request.POST.get(key, "") for key in request.POST if key != "csrfmiddlewaretoken"}
        assert report.current is not None
        services.report_submit(actor=request.user, version=report.current, confirmations=confirmations)

    return _run(request, pk, submit, _("The report was submitted to the inspector."))


@login_required
@require_POST
def report_accept(request: HttpRequest, pk: int) -> HttpResponse:
    def accept(report: ReleaseReport) -> None:
        assert report.current is not None
        services.report_accept(actor=request.user, version=report.current)

    return _run(request, pk, accept, _("The report was accepted."))


@login_required
@require_POST
def report_send_back(request: HttpRequest, pk: int) -> HttpResponse:
    def send_back(report: ReleaseReport) -> None:
        assert report.current is not None
        services.report_send_back(actor=request.user, version=report.current, reasons=request.POST.get("reasons", ""))

    return _run(request, pk, send_back, _("The report was sent back to the enterprise."))


@login_required
@require_POST
def report_correct(request: HttpRequest, pk: int) -> HttpResponse:
    def correct(report: ReleaseReport) -> None:
        services.report_correct(actor=request.user, report=report)

    return _run(request, pk, correct, _("A new version was started; edit it and submit it again."))
