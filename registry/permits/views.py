"""Pages of permits: an enterprise's permits and sources, a permit with its limits and its history; staff enter and
edit them by form or file, inspectors of the region verify or return them. Verified permits are public."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Model
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.filters import ChangeRecordFilterSet
from portal.permissions import Action, can, require
from portal.views import change_records_context
from registry.models import Enterprise
from registry.permits import selectors, services, template
from registry.permits.checks import RowsInvalid
from registry.permits.filters import PermitFilterSet
from registry.permits.forms import (
    LimitForm,
    PermitForm,
    PermitUploadForm,
    PlacementLimitForm,
    ReasonsForm,
    SourceForm,
)
from registry.permits.models import EmissionLimit, Permit, PermitStatus, PlacementLimit

PAGE_SIZE = 50


def _permit(request: HttpRequest, pk: int) -> Permit:
    return get_object_or_404(selectors.permit_list(user=request.user), pk=pk)


def _enterprise(request: HttpRequest, pk: int) -> Enterprise:
    return get_object_or_404(Enterprise.objects.restrict(request.user, Action.VIEW).select_related("region"), pk=pk)


def _save(form: BaseForm, write: Callable[[dict[str, Any]], Model]) -> Model | None:
    """Run a service with a valid form's data; put the service's own errors back on the form."""
    if not form.is_valid():
        return None
    try:
        return write(form.cleaned_data)
    except ValidationError as exc:
        form.add_error(None, exc)
        return None


def permit_list(request: HttpRequest) -> HttpResponse:
    """The permits the reader sees; an inspector's list opens on those awaiting verification."""
    data = request.GET.copy()
    may_decide = can(request.user, Action.DECIDE)
    if may_decide and "status" not in data:
        data["status"] = PermitStatus.SUBMITTED
    filterset = PermitFilterSet(data, queryset=selectors.permit_list(user=request.user).order_by("-valid_from", "pk"))
    permits = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page = Paginator(permits, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"filter": filterset, "page": page, "query": request.GET.copy(), "may_decide": may_decide}
    return render(request, "permits/permit_list.html", context)


def enterprise_permits(request: HttpRequest, pk: int) -> HttpResponse:
    """An enterprise's permits (the replaced ones too) and its emission sources."""
    enterprise = _enterprise(request, pk)
    context = {
        "enterprise": enterprise,
        "permits": selectors.enterprise_permits(user=request.user, enterprise=enterprise),
        "sources": selectors.enterprise_sources(user=request.user, enterprise=enterprise),
        "may_file": can(request.user, Action.FILE, enterprise),
    }
    return render(request, "permits/enterprise_permits.html", context)


def _detail(request: HttpRequest, permit: Permit, errors: list[str] | None = None) -> HttpResponse:
    may_file = can(request.user, Action.FILE, permit.enterprise)
    editable = may_file and permit.status in services.EDITABLE
    context = {
        "permit": permit,
        "limits": selectors.permit_limits(user=request.user, permit=permit),
        "placement_limits": selectors.permit_placement_limits(user=request.user, permit=permit),
        "replaces": selectors.permit_list(user=request.user).filter(replaced_by=permit).first(),
        "replaced_by": selectors.permit_list(user=request.user).filter(replaces=permit).first(),
        "may_file": may_file,
        "editable": editable,
        "may_decide": can(request.user, Action.DECIDE, permit) and permit.status == PermitStatus.SUBMITTED,
        "may_read_history": can(request.user, Action.READ_HISTORY, permit),
        "reasons_form": ReasonsForm(),
        "upload_form": PermitUploadForm() if editable else None,
        "errors": errors or [],
    }
    return render(request, "permits/permit_detail.html", context, status=400 if errors else 200)


def permit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _permit(request, pk))


@login_required
def permit_history(request: HttpRequest, pk: int) -> HttpResponse:
    permit = _permit(request, pk)
    records = selectors.permit_history(user=request.user, permit=permit)
    context = change_records_context(request, records, ChangeRecordFilterSet)
    return render(request, "registry/history.html", {"object": permit, **context})


def _form_page(request: HttpRequest, form: BaseForm, title: str, enterprise: Enterprise) -> HttpResponse:
    return render(request, "registry/form.html", {"form": form, "title": title, "enterprise": enterprise})


@login_required
def permit_new(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = _enterprise(request, pk)
    require(request.user, Action.FILE, enterprise)
    form = PermitForm(request.POST or None, request.FILES or None, enterprise=enterprise)
    if request.method == "POST":
        permit = _save(
            form, lambda data: services.permit_create(actor=request.user, enterprise=enterprise, fields=data)
        )
        if permit:
            messages.success(request, _("The permit was saved as a draft."))
            return redirect("permits:detail", pk=permit.pk)
    return _form_page(request, form, _("New environmental permit"), enterprise)


@login_required
def permit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    permit = _permit(request, pk)
    require(request.user, Action.FILE, permit.enterprise)
    form = PermitForm(request.POST or None, request.FILES or None, instance=permit, enterprise=permit.enterprise)
    if request.method == "POST":
        saved = _save(form, lambda data: services.permit_update(actor=request.user, permit=permit, fields=data))
        if saved:
            messages.success(request, _("The permit was saved."))
            return redirect("permits:detail", pk=permit.pk)
    return _form_page(request, form, _("Edit the permit"), permit.enterprise)


@login_required
def source_new(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = _enterprise(request, pk)
    require(request.user, Action.FILE, enterprise)
    form = SourceForm(request.POST or None)
    if request.method == "POST":
        source = _save(
            form, lambda data: services.source_create(actor=request.user, enterprise=enterprise, fields=data)
        )
        if source:
            messages.success(request, _("The source was saved."))
            return redirect("permits:enterprise", pk=enterprise.pk)
    return _form_page(request, form, _("New emission source"), enterprise)


@login_required
def source_edit(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(selectors.source_list(user=request.user), pk=pk)
    require(request.user, Action.FILE, source)
    form = SourceForm(request.POST or None, instance=source)
    if request.method == "POST":
        saved = _save(form, lambda data: services.source_update(actor=request.user, source=source, fields=data))
        if saved:
            messages.success(request, _("The source was saved."))
            return redirect("permits:enterprise", pk=source.enterprise_id)
    return _form_page(request, form, _("Edit the emission source"), source.enterprise)


def _limit_page(
    request: HttpRequest,
    pk: int,
    form_class: type[LimitForm] | type[PlacementLimitForm],
    model: type[EmissionLimit] | type[PlacementLimit],
    item_pk: int | None,
    title: str,
) -> HttpResponse:
    """A limit of either kind added to, or changed on, a permit whose enterprise the user files for."""
    permit = _permit(request, pk)
    require(request.user, Action.FILE, permit.enterprise)
    item = get_object_or_404(model.objects.filter(permit=permit), pk=item_pk) if item_pk else None
    form = form_class(request.POST or None, instance=item, enterprise=permit.enterprise)
    if request.method == "POST":
        if model is EmissionLimit:
            write: Callable[[dict[str, Any]], Model] = lambda data: services.limit_save(  # noqa: E731
                actor=request.user, permit=permit, limit=item, fields=data
            )
        else:
            write = lambda data: services.placement_limit_save(  # noqa: E731
                actor=request.user, permit=permit, placement=item, fields=data
            )
        if _save(form, write):
            messages.success(request, _("The limit was saved."))
            return redirect("permits:detail", pk=permit.pk)
    return _form_page(request, form, f"{title} · {permit.number}", permit.enterprise)


@login_required
def limit_edit(request: HttpRequest, pk: int, limit_pk: int | None = None) -> HttpResponse:
    title = _("Edit the emission limit") if limit_pk else _("New emission limit")
    return _limit_page(request, pk, LimitForm, EmissionLimit, limit_pk, title)


@login_required
def placement_edit(request: HttpRequest, pk: int, placement_pk: int | None = None) -> HttpResponse:
    title = _("Edit the waste placement limit") if placement_pk else _("New waste placement limit")
    return _limit_page(request, pk, PlacementLimitForm, PlacementLimit, placement_pk, title)


def _run(request: HttpRequest, pk: int, action: Callable[[Permit], object], success: str) -> HttpResponse:
    permit = _permit(request, pk)
    try:
        action(permit)
    except ValidationError as exc:
        return _detail(request, permit, exc.messages)
    messages.success(request, success)
    return redirect("permits:detail", pk=pk)


@login_required
@require_POST
def limit_delete(request: HttpRequest, pk: int, limit_pk: int) -> HttpResponse:
    def delete(permit: Permit) -> None:
        limit = get_object_or_404(EmissionLimit.objects.filter(permit=permit), pk=limit_pk)
        services.limit_delete(actor=request.user, limit=limit)

    return _run(request, pk, delete, _("The limit was deleted."))


@login_required
@require_POST
def placement_delete(request: HttpRequest, pk: int, placement_pk: int) -> HttpResponse:
    def delete(permit: Permit) -> None:
        placement = get_object_or_404(PlacementLimit.objects.filter(permit=permit), pk=placement_pk)
        services.placement_limit_delete(actor=request.user, placement=placement)

    return _run(request, pk, delete, _("The limit was deleted."))


@login_required
@require_POST
def permit_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """A file's sources and limits: the permit's emission limits become the file's; nothing is saved unless every
    row passes."""
    permit = _permit(request, pk)
    require(request.user, Action.FILE, permit.enterprise)
    form = PermitUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, permit, [str(error) for error in form.errors.get("file", [])])
    try:
        rows = template.read_rows(form.cleaned_data["file"])
        services.permit_import(actor=request.user, permit=permit, rows=rows)
    except RowsInvalid as exc:
        return _detail(request, permit, [_("Nothing was saved."), *exc.messages])
    except ValidationError as exc:
        return _detail(request, permit, exc.messages)
    messages.success(request, _("The sources and limits were loaded from the file."))
    return redirect("permits:detail", pk=pk)


def permit_template(request: HttpRequest, extension: str) -> HttpResponse:
    """The file to fill in with sources and limits: the columns, and example rows."""
    return template.template_response(extension=extension)


@login_required
@require_POST
def permit_submit(request: HttpRequest, pk: int) -> HttpResponse:
    def submit(permit: Permit) -> None:
        services.permit_submit(actor=request.user, permit=permit)

    return _run(request, pk, submit, _("The permit was sent to the inspector for verification."))


@login_required
@require_POST
def permit_verify(request: HttpRequest, pk: int) -> HttpResponse:
    def verify(permit: Permit) -> None:
        services.permit_verify(actor=request.user, permit=permit)

    return _run(request, pk, verify, _("The permit was verified."))


@login_required
@require_POST
def permit_send_back(request: HttpRequest, pk: int) -> HttpResponse:
    def send_back(permit: Permit) -> None:
        services.permit_send_back(actor=request.user, permit=permit, reasons=request.POST.get("reasons", ""))

    return _run(request, pk, send_back, _("The permit was returned to the enterprise."))
