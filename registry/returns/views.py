"""Pages of waste returns: enterprise staff file and correct, inspectors review and decide."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal.exports import csv_response
from portal.permissions import Action, can, require
from registry.models import Deposit, Enterprise
from registry.returns import pages, selectors, services, template
from registry.returns.checks import INPUT_FIELDS, Issue, ReturnWarning, parse_lines, tonnes, typed_expected_closing
from registry.returns.filters import LateFilerFilterSet, ReturnFilterSet
from registry.returns.forms import LineForm, NewReturnForm, ReasonsForm, ReturnUploadForm, SubmitForm
from registry.returns.models import FilingYear, ReturnLine, WasteCode, WasteReturn

PAGE_SIZE = 50


def _return(request: HttpRequest, pk: int) -> WasteReturn:
    return get_object_or_404(selectors.return_list(user=request.user), pk=pk)


def _may_file(request: HttpRequest, waste_return: WasteReturn) -> bool:
    return can(request.user, Action.FILE, waste_return)


@login_required
def return_list(request: HttpRequest) -> HttpResponse:
    context = pages.list_context(request, ReturnFilterSet, selectors.return_list(user=request.user), PAGE_SIZE)
    stored = {filing.year: filing.deadline for filing in FilingYear.objects.all()}
    for waste_return in context["page"]:
        waste_return.deadline = stored.get(waste_return.year) or FilingYear.default_deadline(waste_return.year)
    return render(request, "registry/returns/list.html", context)


@login_required
def late_filers(request: HttpRequest) -> HttpResponse:
    """For inspectors: the enterprises whose return for a year is missing after the deadline, with last year's
    accepted figures; `?format=csv` downloads the whole list."""
    require(request.user, Action.DECIDE)
    filterset = LateFilerFilterSet(request.GET, queryset=Enterprise.objects.none(), request=request)
    due = filterset.due(today=timezone.localdate())
    valid = filterset.is_valid()
    enterprises = selectors.late_filers(user=request.user, due=due)
    enterprises = filterset.filter_queryset(enterprises) if valid else enterprises.none()
    if request.GET.get("format") == "csv":
        return _late_filers_csv(selectors.late_filer_rows(enterprises, due=due), due)
    awaiting = selectors.awaiting_decision(user=request.user, year=due.year)
    page = Paginator(enterprises, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter": filterset,
        "due": due,
        "page": page,
        "rows": selectors.late_filer_rows(page, due=due),
        "awaiting": filterset.filter_queryset(awaiting).count() if valid else 0,
        "region": filterset.form.cleaned_data.get("region") if valid else None,
        "query": request.GET.copy(),
        "total_labels": _total_labels(),
    }
    return render(request, "registry/returns/late_filers.html", context)


def _total_labels() -> list[str]:
    """The columns of last year's figures, named as the lines' amounts are ("generated, t")."""
    fields = {field.name: field for field in ReturnLine._meta.concrete_fields}
    return [str(fields[name].verbose_name) for name in selectors.TOTAL_FIELDS]


def _late_filers_csv(rows: list[selectors.LateFiler], due: selectors.FilingDue) -> HttpResponse:
    last_year = [f"{due.year - 1}: {label}" for label in _total_labels()]
    header = [_("Enterprise"), _("BIN"), _("Region"), "ISO 3166-2", _("Year"), _("Deadline"), _("Days overdue"),
              _("Return"), *last_year]  # fmt: skip
    table = [
        [row.enterprise.local_name, row.enterprise.bin, row.enterprise.region.name, row.enterprise.region.iso_code,
         row.year, row.deadline.isoformat(), row.days_overdue, str(row.return_state),
         *[getattr(row.last_year, name) if row.last_year else None for name in selectors.TOTAL_FIELDS]]
        for row in rows
    ]  # fmt: skip
    return csv_response(f"qaldyq-late-filers-{due.year}", header, table)


@login_required
def return_new(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.FILE)
    form = NewReturnForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            waste_return = services.return_create(actor=request.user, lines=[], **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("returns:detail", pk=waste_return.pk)
    return render(request, "registry/form.html", {"form": form, "title": _("New waste return")})


def _detail(
    request: HttpRequest, waste_return: WasteReturn, errors: list[str] | None = None, *, upload_failed: bool = False
) -> HttpResponse:
    version = waste_return.current_version
    lines = selectors.version_lines(version)
    warnings = services.current_warnings(version)
    may_file = _may_file(request, waste_return)
    editable = version.is_draft and may_file
    context = {
        "waste_return": waste_return,
        "version": version,
        "lines": lines,
        "warnings": [(warning, version.confirmations.get(warning.key, "")) for warning in warnings],
        "warned_lines": {warning.line for warning in warnings},
        "may_file": may_file,
        "editable": editable,
        "may_decide": can(request.user, Action.DECIDE, waste_return),
        "deadline": FilingYear.for_year(waste_return.year).deadline,
        "comparison": selectors.compare_with_last_year(version),
        "versions": waste_return.versions.select_related("created_by", "submitted_by", "decided_by"),
        "events": [event for v in waste_return.versions.prefetch_related("events__actor") for event in v.events.all()],
        "errors": errors or [],
        # An upload's errors are shown inside its panel, kept open, next to the file field to try again.
        "upload_failed": upload_failed,
        "reasons_form": ReasonsForm(),
        "submit_form": SubmitForm(warnings=warnings) if editable else None,
        "upload_form": ReturnUploadForm() if editable else None,
        "new_line_form": LineForm(enterprise=waste_return.enterprise) if editable else None,
        "codes": WasteCode.objects.only("code", "hazardous", "name_en", "name_ru", "name_kk") if editable else [],
    }
    return render(request, "registry/returns/detail.html", context, status=400 if errors else 200)


PAGES = pages.FilingPages(get=_return, detail=_detail, url="returns:detail", name="waste_return")
return_detail = PAGES.detail_view()
return_version = PAGES.version_view(
    "registry/returns/version.html", lambda version: {"lines": selectors.version_lines(version)}, ReturnWarning
)
return_diff = PAGES.diff_view("registry/returns/diff.html", selectors.version_difference)


# Lines of a draft, edited in place with htmx.


def _line_form(request: HttpRequest, waste_return: WasteReturn, line: ReturnLine | None = None) -> LineForm:
    if request.method == "POST":
        return LineForm(request.POST, enterprise=waste_return.enterprise)
    initial = LineForm.initial_for(line) if line else None
    return LineForm(initial=initial, enterprise=waste_return.enterprise)


def _put_issues(form: LineForm, issues: list[Issue]) -> None:
    form.is_valid()
    for issue in issues:
        form.add_error(issue.field if issue.field in form.fields else None, issue.message)


@login_required
@require_POST
def line_check(request: HttpRequest, pk: int) -> HttpResponse:
    """The balance of a line as it is being typed; nothing is saved."""
    waste_return = _return(request, pk)
    require(request.user, Action.FILE, waste_return)
    raw = {name: request.POST.get(name) for name in INPUT_FIELDS}
    deposits = set(Deposit.objects.filter(operator=waste_return.enterprise).values_list("pk", flat=True))
    _parsed, issues = parse_lines([raw], deposit_ids=deposits)
    expected = typed_expected_closing(raw)
    context = {"issues": issues, "expected": None if expected is None else tonnes(expected)}
    return render(request, "registry/returns/_line_check.html", context)


@login_required
def line_edit(request: HttpRequest, pk: int, position: int | None = None) -> HttpResponse:
    waste_return = _return(request, pk)
    require(request.user, Action.FILE, waste_return)
    line = get_object_or_404(waste_return.current_version.lines, position=position) if position else None
    form = _line_form(request, waste_return, line)
    if request.method == "POST":
        try:
            line = services.draft_line_save(
                actor=request.user, version=waste_return.current_version, position=position, data=request.POST
            )
        except services.LinesInvalid as exc:
            _put_issues(form, exc.issues)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            context = _row_context(waste_return, line, created=not position)
            return render(request, "registry/returns/_line_row.html", context)
    context = {"waste_return": waste_return, "form": form, "position": position}
    return render(request, "registry/returns/_line_form.html", context)


def _row_context(waste_return: WasteReturn, line: ReturnLine, created: bool = False) -> dict[str, object]:
    return {"waste_return": waste_return, "line": line, "editable": True, "created": created}


@login_required
def line_row(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    waste_return = _return(request, pk)
    line = get_object_or_404(waste_return.current_version.lines.select_related("waste_code"), position=position)
    return render(request, "registry/returns/_line_row.html", _row_context(waste_return, line))


@login_required
@require_POST
def line_delete(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    waste_return = _return(request, pk)
    try:
        services.draft_line_delete(actor=request.user, version=waste_return.current_version, position=position)
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=400)
    return HttpResponse("")


@login_required
@require_POST
def return_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Replace the draft's lines with a file's rows; nothing is saved unless every row passes."""
    waste_return = _return(request, pk)
    form = ReturnUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, waste_return, [str(error) for error in form.errors.get("file", [])], upload_failed=True)
    try:
        version = services.draft_replace_lines(
            actor=request.user,
            version=waste_return.current_version,
            lines=template.read_lines(form.cleaned_data["file"]),
            first_position=2,
        )
    except services.LinesInvalid as exc:
        rows = [
            _("Row %(row)s, %(field)s: %(message)s") % {"row": i.line, "field": i.field, "message": i.message}
            for i in exc.issues
        ]
        return _detail(request, waste_return, [_("Nothing was saved."), *rows], upload_failed=True)
    except ValidationError as exc:
        return _detail(request, waste_return, exc.messages, upload_failed=True)
    messages.success(request, _("%(count)s lines were loaded.") % {"count": version.lines.count()})
    return redirect("returns:detail", pk=pk)


def return_template(request: HttpRequest, extension: str) -> HttpResponse:
    """The file to fill in for an upload: the columns, and one example line."""
    return template.template_response(extension=extension)


# Workflow.

return_submit = PAGES.submit(services.return_submit, gettext_lazy("The return was submitted to the inspector."))
return_accept = PAGES.accept(services.return_accept, gettext_lazy("The return was accepted."))
return_send_back = PAGES.send_back(
    services.return_send_back, gettext_lazy("The return was sent back to the enterprise.")
)
return_correct = PAGES.correct(
    services.return_correct, gettext_lazy("A new version was started; edit it and submit it again.")
)
