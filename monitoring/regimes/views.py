"""Pages of the regimes: public lists of current and past regimes, a regime, a city's regimes; the inspectors' forms
to declare, change and end a regime; the staff's regime plans (form and file)."""

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from monitoring.regimes import selectors, services
from monitoring.regimes.filters import RegimeFilterSet, RegimePlanFilterSet
from monitoring.regimes.forms import PlanForm, PlanUploadForm, RegimeEndForm, RegimeForm, in_city_zone
from monitoring.regimes.models import City, Regime, RegimePlan
from portal.permissions import Action, can, require
from portal.uploads import FileRefused, read_table
from registry.models import Enterprise
from registry.permits.checks import RowsInvalid

PAGE_SIZE = 50
PLAN_COLUMNS = ["source", "degree", "planned_cut_percent"]


def _regime(request: HttpRequest, pk: int) -> Regime:
    return get_object_or_404(selectors.regime_list(user=request.user), pk=pk)


def _put_on_form(form: BaseForm, exc: ValidationError, renamed: dict[str, str] | None = None) -> None:
    """A service's errors on the form: on the fields it names (renamed to the form's), the rest above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        name = (renamed or {}).get(name, name)
        form.add_error(name if name in form.fields else None, errors)


def regime_list(request: HttpRequest) -> HttpResponse:
    """The regimes running now or to come, by city, and every regime by the filters (city, year, degree)."""
    regimes = selectors.regime_list(user=request.user)
    filterset = RegimeFilterSet(request.GET, queryset=regimes)
    listed = filterset.qs if filterset.is_valid() else regimes.none()
    context = {
        "current": selectors.current_and_coming(),
        "filter": filterset,
        "page": Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": request.GET.copy(),
        "may_declare": can(request.user, Action.DECLARE_REGIMES),
    }
    return render(request, "regimes/regime_list.html", context)


def regime_detail(request: HttpRequest, pk: int) -> HttpResponse:
    regime = _regime(request, pk)
    context = {
        "regime": regime,
        "zone": regime.city.region.time_zone,
        "required": selectors.required_cut_in_force(degree=regime.degree, at=regime.starts_at),
        "enterprises": selectors.enterprises_in(regime.city, user=request.user).order_by("name"),
        "may_declare": can(request.user, Action.DECLARE_REGIMES, regime),
        "running": regime.is_running(),
        "end_form": RegimeEndForm(),
    }
    return render(request, "regimes/regime_detail.html", context)


def city_detail(request: HttpRequest, code: str) -> HttpResponse:
    city = get_object_or_404(City.objects.restrict(request.user, Action.VIEW).select_related("region"), code=code)
    coming, past = selectors.city_regimes(city)
    context = {
        "city": city,
        "coming": coming,
        "page": Paginator(past, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": request.GET.copy(),
        "sources": selectors.sources_in(city).restrict(request.user, Action.VIEW).count(),
        "may_declare": can(request.user, Action.DECLARE_REGIMES, city),
    }
    return render(request, "regimes/city_detail.html", context)


def _form_page(request: HttpRequest, form: BaseForm, title: str) -> HttpResponse:
    return render(request, "registry/form.html", {"form": form, "title": title})


@login_required
def regime_new(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.DECLARE_REGIMES)
    cities = City.objects.restrict(request.user, Action.DECLARE_REGIMES).order_by("name")
    form = RegimeForm(request.POST or None, cities=cities)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.REGIME_FIELDS}
        try:
            regime = services.regime_declare(actor=request.user, city=form.cleaned_data["city"], fields=fields)
        except ValidationError as exc:
            _put_on_form(form, exc)
        else:
            messages.success(request, _("The regime was declared; the enterprises in the city are told."))
            return redirect("regimes:detail", pk=regime.pk)
    return _form_page(request, form, _("Declare an adverse-weather regime"))


@login_required
def regime_edit(request: HttpRequest, pk: int) -> HttpResponse:
    regime = _regime(request, pk)
    require(request.user, Action.DECLARE_REGIMES, regime)
    form = RegimeForm(request.POST or None, instance=regime, cities=City.objects.none())
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.REGIME_FIELDS}
        try:
            services.regime_change(actor=request.user, regime=regime, fields=fields)
        except ValidationError as exc:
            _put_on_form(form, exc)
        else:
            messages.success(request, _("The regime was changed."))
            return redirect("regimes:detail", pk=regime.pk)
    return _form_page(request, form, _("Change the regime"))


@login_required
@require_POST
def regime_end(request: HttpRequest, pk: int) -> HttpResponse:
    regime = _regime(request, pk)
    require(request.user, Action.DECLARE_REGIMES, regime)
    form = RegimeEndForm(request.POST)
    if form.is_valid():
        try:
            at = in_city_zone(form.cleaned_data["ends_at"], regime.city)
            services.regime_end(actor=request.user, regime=regime, at=at)
        except ValidationError as exc:
            _put_on_form(form, exc)
        else:
            messages.success(request, _("The regime was ended."))
            return redirect("regimes:detail", pk=regime.pk)
    for error in form.errors.values():
        messages.error(request, " ".join(str(message) for message in error))
    return redirect("regimes:detail", pk=regime.pk)


# Plans: an enterprise's staff file them; its inspectors read them.


def _plans_page(request: HttpRequest, form: PlanForm, upload: PlanUploadForm, errors: list[str]) -> HttpResponse:
    plans = selectors.plan_list(user=request.user).order_by("enterprise__name", "source__code", "degree")
    filterset = RegimePlanFilterSet(request.GET, queryset=plans)
    listed = filterset.qs if filterset.is_valid() else plans.none()
    context: dict[str, Any] = {
        "filter": filterset,
        "page": Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": request.GET.copy(),
        "may_plan": can(request.user, Action.FILE),
        "form": form,
        "upload_form": upload,
        "errors": errors,
    }
    failed = bool(errors or form.errors or upload.errors)
    return render(request, "regimes/plan_list.html", context, status=400 if failed else 200)


def _plan_forms(request: HttpRequest, data: Any = None, files: Any = None) -> tuple[PlanForm, PlanUploadForm]:
    return (
        PlanForm(data, sources=selectors.plan_sources(user=request.user)),
        PlanUploadForm(data, files, enterprises=Enterprise.objects.restrict(request.user, Action.CHANGE)),
    )


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    """The plans the user reads (their enterprises', an inspector's region's), with the forms to file them."""
    form, upload = _plan_forms(request)
    return _plans_page(request, form, upload, [])


@login_required
@require_POST
def plan_new(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.FILE)
    form, upload = _plan_forms(request, request.POST)
    if form.is_valid():
        try:
            plan = services.plan_save(
                actor=request.user,
                source=form.cleaned_data["source"],
                degree=form.cleaned_data["degree"],
                planned_cut=form.cleaned_data["planned_cut_percent"] / Decimal(100),
            )
        except ValidationError as exc:
            _put_on_form(form, exc, {"planned_cut": "planned_cut_percent"})
        else:
            _told(request, [plan])
            return redirect("regimes:plans")
    return _plans_page(request, form, upload, [])


def _told(request: HttpRequest, plans: list[RegimePlan]) -> None:
    messages.success(request, _("The plan was filed.") if len(plans) == 1 else _("The plans were filed."))
    for plan in plans:
        if plan.short:
            names = {
                "source": plan.source,
                "degree": plan.get_degree_display(),
                "required": floatformat(plan.required_cut.percent, "-2"),
            }
            messages.warning(
                request, _("%(source)s, %(degree)s: the planned cut is short of the required %(required)s %%.") % names
            )


@login_required
@require_POST
def plan_upload(request: HttpRequest) -> HttpResponse:
    """A file's plans: nothing is saved unless every row passes."""
    require(request.user, Action.FILE)
    form = _plan_forms(request)[0]
    upload = _plan_forms(request, request.POST, request.FILES)[1]
    if not upload.is_valid():
        return _plans_page(request, form, upload, [])
    try:
        table = read_table(upload.cleaned_data["file"], required=PLAN_COLUMNS)
        plans = services.plans_import(actor=request.user, enterprise=upload.cleaned_data["enterprise"], rows=table.rows)
    except RowsInvalid as exc:
        return _plans_page(request, form, upload, [_("Nothing was saved."), *exc.messages])
    except (FileRefused, ValidationError) as exc:
        return _plans_page(request, form, upload, exc.messages)
    _told(request, plans)
    return redirect("regimes:plans")


@login_required
@require_POST
def plan_delete(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(selectors.plan_list(user=request.user), pk=pk)
    services.plan_delete(actor=request.user, plan=plan)
    messages.success(request, _("The plan was deleted."))
    return redirect("regimes:plans")
