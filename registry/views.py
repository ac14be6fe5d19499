"""Pages of the registry. Thin: reads through selectors and filters, writes through services."""

import csv
import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Count, Model, Q, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.vary import vary_on_headers

from portal import cache_tags
from portal.filters import ChangeRecordFilterSet
from portal.middleware import HtmxRequest
from portal.page_cache import cached_page, decline, filterset_parameters, integer, integer_field, matching, optional
from portal.permissions import Action, can, require
from portal.uploads import read_table
from portal.views import change_records_context
from registry import estimates, selectors, services
from registry.filters import DepositFilterSet, EnterpriseFilterSet
from registry.forms import ComponentForm, DepositForm, EnterpriseForm, ForecastForm, SurveyForm, SurveyUploadForm
from registry.models import Deposit, Enterprise, local_name

PAGE_SIZE = 50
# What the page cache may key a list by: the filters' choices, an existing region's code, a page number.
REGION = optional(matching(r"KZ-\d{2}"))
PAGE = integer(1, 10_000)

Saved = TypeVar("Saved", bound=Model)


def _page(request: HttpRequest, items: QuerySet) -> Page:
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    if request.GET.get("page", "1") != str(page.number):
        decline(request)  # another page than asked for: not to be cached under this URL
    return page


@cached_page(
    parameters={**filterset_parameters(DepositFilterSet, region=REGION), "page": PAGE},
    headers=("HX-Request",),
    depends=[cache_tags.deposits()],  # their operators' names too: an enterprise's change bumps it
)
@vary_on_headers("HX-Request")  # htmx asks for the results only
def deposit_list(request: HtmxRequest) -> HttpResponse:
    # By the name the reader reads, unless another order is asked for.
    deposits = selectors.deposit_list(user=request.user).order_by(local_name(), "pk")
    filterset = DepositFilterSet(request.GET, queryset=deposits)
    if not filterset.is_valid():
        decline(request)  # the errors are shown, never cached (a region code that does not exist)
    deposits = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page = _page(request, deposits)
    context = {
        "filter": filterset,
        "page": page,
        "map_points": selectors.deposit_map_points(deposits),
        "map_settings": selectors.map_settings(),
        "query": request.GET.copy(),
        "may_create": Enterprise.objects.restrict(request.user, Action.CHANGE).exists(),
    }
    template = "registry/_deposit_results.html" if request.htmx else "registry/deposit_list.html"
    return render(request, template, context)


def _forecast_context(request: HttpRequest, deposit: Deposit) -> dict[str, object]:
    default_year = max(deposit.state_year, datetime.date.today().year) + 4
    form = ForecastForm(request.GET or {"year": default_year})
    forecast, error = None, None
    if form.is_valid():
        try:
            forecast = estimates.forecast(deposit, form.cleaned_data["year"])
        except ValidationError as exc:
            error = " ".join(exc.messages)
    return {"forecast_form": form, "forecast": forecast, "forecast_error": error}


@cached_page(
    parameters={"year": integer_field(ForecastForm.base_fields["year"])},
    headers=("HX-Request",),
    depends=lambda kwargs, query: [cache_tags.deposit(kwargs["pk"])],  # with its surveys, composition, operator
)
@vary_on_headers("HX-Request")  # htmx asks for the forecast only
def deposit_detail(request: HtmxRequest, pk: int) -> HttpResponse:
    deposit = get_object_or_404(selectors.deposit_detail_queryset(user=request.user), pk=pk)
    if request.htmx:
        return render(request, "registry/_forecast.html", {"deposit": deposit, **_forecast_context(request, deposit)})
    surveys = list(deposit.surveys.all())
    components = list(deposit.components.all())
    context = {
        "deposit": deposit,
        "surveys": surveys,
        "components": components,
        "potential": estimates.resource_potential(deposit, components),
        "chart": {
            "years": [survey.year for survey in surveys],
            "mt": [float(survey.tonnage_t / Decimal(1_000_000)) for survey in surveys],
        },
        "map_points": selectors.deposit_map_points(Deposit.objects.filter(pk=deposit.pk)),
        "map_settings": selectors.map_settings(),
        "may_change": can(request.user, Action.CHANGE, deposit),
        "may_read_history": can(request.user, Action.READ_HISTORY, deposit),
        **_forecast_context(request, deposit),
    }
    return render(request, "registry/deposit_detail.html", context)


def _save(form: ModelForm, write: Callable[[dict[str, Any]], Saved]) -> Saved | None:
    """Run a service with a valid form's data; put the service's own errors back on the form."""
    if not form.is_valid():
        return None
    try:
        return write(form.cleaned_data)
    except ValidationError as exc:
        form.add_error(None, exc)
        return None


@login_required
def deposit_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.CHANGE)
    form = DepositForm(request.POST or None, user=request.user)
    if request.method == "POST":
        deposit = _save(form, lambda fields: services.deposit_create(actor=request.user, fields=fields))
        if deposit:
            messages.success(request, _("The deposit was registered."))
            return redirect("registry:deposit-detail", pk=deposit.pk)
    return render(request, "registry/form.html", {"form": form, "title": _("Register a deposit")})


def _changeable_deposit(request: HttpRequest, pk: int) -> Deposit:
    """A deposit the user may see (else 404) and change (else 403)."""
    deposit = get_object_or_404(selectors.deposit_list(user=request.user), pk=pk)
    require(request.user, Action.CHANGE, deposit)
    return deposit


@login_required
def deposit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    deposit = _changeable_deposit(request, pk)
    form = DepositForm(request.POST or None, instance=deposit, user=request.user)
    if request.method == "POST":
        saved = _save(form, lambda data: services.deposit_update(actor=request.user, deposit=deposit, fields=data))
        if saved:
            messages.success(request, _("The deposit was saved."))
            return redirect("registry:deposit-detail", pk=deposit.pk)
    return render(request, "registry/form.html", {"form": form, "deposit": deposit, "title": _("Edit the deposit")})


@login_required
def survey_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _add_to_deposit(request, pk, SurveyForm, services.survey_add, _("Add a survey"), _("The survey was added."))


@login_required
def survey_upload(request: HttpRequest, pk: int) -> HttpResponse:
    deposit = _changeable_deposit(request, pk)
    form = SurveyUploadForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            table = read_table(form.cleaned_data["file"], required=["year", "tonnage_t"])
            surveys = services.surveys_import(actor=request.user, deposit=deposit, table=table)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("%(count)s surveys were added.") % {"count": len(surveys)})
            return redirect("registry:deposit-detail", pk=deposit.pk)
    context = {"form": form, "deposit": deposit, "errors": errors, "columns": services.SURVEY_COLUMNS}
    return render(request, "registry/survey_upload.html", context, status=400 if errors else 200)


def survey_template(request: HttpRequest) -> HttpResponse:
    """An empty CSV with the columns the survey upload expects, and one example row."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="qaldyq-surveys.csv"'
    writer = csv.writer(response)
    writer.writerow(services.SURVEY_COLUMNS)
    writer.writerow(["2022", "31950000", "400000", "118", "25.0", "18.5", "Annual inventory 2022"])
    return response


@login_required
def component_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _add_to_deposit(
        request, pk, ComponentForm, services.component_add, _("Add a composition line"),
        _("The composition line was added."),
    )  # fmt: skip


def _add_to_deposit(
    request: HttpRequest, pk: int, form_class: type[ModelForm], add: Callable[..., Model], title: str, done: str
) -> HttpResponse:
    """A survey or a composition line added to a deposit the user may change."""
    deposit = _changeable_deposit(request, pk)
    form = form_class(request.POST or None)
    form.instance.deposit = deposit
    if request.method == "POST" and _save(form, lambda data: add(actor=request.user, deposit=deposit, fields=data)):
        messages.success(request, done)
        return redirect("registry:deposit-detail", pk=deposit.pk)
    return render(request, "registry/form.html", {"form": form, "deposit": deposit, "title": title})


@login_required
def deposit_history(request: HttpRequest, pk: int) -> HttpResponse:
    deposit = get_object_or_404(selectors.deposit_list(user=request.user), pk=pk)
    records = selectors.deposit_history(user=request.user, deposit=deposit)
    context = change_records_context(request, records, ChangeRecordFilterSet)
    return render(request, "registry/history.html", {"object": deposit, **context})


@cached_page(
    parameters={**filterset_parameters(EnterpriseFilterSet, region=REGION), "page": PAGE},
    depends=[cache_tags.ENTERPRISES],  # with their deposit counts
)
def enterprise_list(request: HttpRequest) -> HttpResponse:
    queryset = (
        Enterprise.objects.restrict(request.user, Action.VIEW)
        .select_related("region")
        # Only the deposits the user may see: the count would otherwise tell of unpublished ones.
        .annotate(deposit_count=Count("deposits", filter=Q(deposits__in=selectors.deposit_list(user=request.user))))
        # By the name the reader reads (Meta.ordering, the registered name, would not apply to an aggregate anyway).
        .order_by(local_name(), "pk")
    )
    filterset = EnterpriseFilterSet(request.GET, queryset=queryset)
    if not filterset.is_valid():
        decline(request)
    enterprises = filterset.qs if filterset.is_valid() else queryset.none()
    page = _page(request, enterprises)
    return render(
        request, "registry/enterprise_list.html", {"filter": filterset, "page": page, "query": request.GET.copy()}
    )


@cached_page(depends=lambda kwargs, query: [cache_tags.enterprise(kwargs["pk"])])  # with its deposits
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_object_or_404(
        Enterprise.objects.restrict(request.user, Action.VIEW).select_related("region"), pk=pk
    )
    deposits = selectors.deposit_list(user=request.user).filter(operator=enterprise)
    context = {
        "enterprise": enterprise,
        "deposits": deposits,
        "may_read_history": can(request.user, Action.READ_HISTORY, enterprise),
        "may_change": can(request.user, Action.CHANGE, enterprise),
    }
    return render(request, "registry/enterprise_detail.html", context)


@login_required
def enterprise_edit(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_object_or_404(Enterprise.objects.restrict(request.user, Action.VIEW), pk=pk)
    require(request.user, Action.CHANGE, enterprise)
    form = EnterpriseForm(request.POST or None, instance=enterprise, user=request.user)
    if request.method == "POST":
        saved = _save(
            form, lambda data: services.enterprise_update(actor=request.user, enterprise=enterprise, fields=data)
        )
        if saved:
            messages.success(request, _("The enterprise was saved."))
            return redirect("registry:enterprise-detail", pk=enterprise.pk)
    context = {"form": form, "title": _("Edit the enterprise"), "enterprise": enterprise}
    return render(request, "registry/form.html", context)


@login_required
def enterprise_history(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_object_or_404(Enterprise.objects.restrict(request.user, Action.VIEW), pk=pk)
    records = selectors.enterprise_history(user=request.user, enterprise=enterprise)
    context = change_records_context(request, records, ChangeRecordFilterSet)
    return render(request, "registry/history.html", {"object": enterprise, **context})


@cached_page(depends=[])  # the regions only, whose every change bumps portal.cache_tags.ALL
def region_outlines(request: HttpRequest) -> JsonResponse:
    """The region outlines the maps draw without tiles, named in the reader's language."""
    response = JsonResponse(selectors.region_outlines(), content_type="application/geo+json")
    # Boundaries change only with a release (the package) or a split: a day in the browser's cache is safe.
    patch_cache_control(response, public=True, max_age=86400)
    return response
