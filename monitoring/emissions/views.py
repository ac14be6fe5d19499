"""Pages of continuous emission data: a source's channels, coverage, rate chart and recent submissions; its
channels registered and changed by the enterprise's staff."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from monitoring.emissions import coverage, selectors, services
from monitoring.emissions.forms import ChannelForm, PeriodForm
from monitoring.emissions.models import Channel
from monitoring.windows import WindowForm, local_today
from portal.permissions import Action, can, require
from registry.permits.models import EmissionSource


def source(request: HttpRequest, pk: int) -> HttpResponse:
    """A source's continuous data, for whoever sees the source: its channels, the coverage of a month per day and
    of a year per month, one channel's rate over a window with the g/s limit, and for the enterprise's own readers
    its recent submissions and open alerts."""
    item = get_object_or_404(selectors.sources(user=request.user), pk=pk)
    channels = list(selectors.source_channels(item, user=request.user))
    active = [channel for channel in channels if channel.is_active]
    period = PeriodForm(request.GET, substances=[channel.substance.code for channel in channels])
    month, year, code = period.chosen()
    charted = next((channel for channel in channels if channel.substance.code == code), None)
    anchor = (selectors.latest_day(item, charted.substance) if charted else None) or local_today()
    window_form = WindowForm(request.GET, anchor=anchor)
    window = window_form.chosen()
    series = (
        selectors.rate_series(item, charted.substance, window)
        if charted and window_form.is_valid()
        else selectors.RateSeries(daily=False, rows=[])
    )
    context = {
        "source": item,
        "channels": channels,
        "period": period,
        "window_form": window_form,
        "window": window,
        "month": month,
        "year": year,
        "days": coverage.month_coverage(item, active, month),
        "months": coverage.year_coverage(item, active, year),
        "charted": charted,
        "series": series.rows,
        "daily": series.daily,
        "submissions": selectors.recent_submissions(item, user=request.user),
        "alerts": selectors.open_alerts(item, user=request.user),
        "may_file": can(request.user, Action.FILE, item),
        "default_silent_after": settings.EMISSIONS_SILENT_AFTER_MINUTES,
    }
    valid = period.is_valid() and window_form.is_valid()
    return render(request, "emissions/source.html", context, status=200 if valid else 400)


def _save(form: ChannelForm, write: Callable[[dict[str, Any]], Channel]) -> Channel | None:
    """Run the channel's service with the form's data; its errors go back on the form, those of a field the form
    does not show (the source) above it."""
    if not form.is_valid():
        return None
    try:
        return write(form.cleaned_data)
    except ValidationError as exc:
        errors = exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}
        for field, field_errors in errors.items():
            form.add_error(field if field in form.fields else None, field_errors)
        return None


def _form_page(request: HttpRequest, form: ChannelForm, title: str, source: EmissionSource) -> HttpResponse:
    context = {"form": form, "title": f"{title} · {source.code}", "enterprise": source.enterprise}
    return render(request, "registry/form.html", context)


@login_required
def channel_new(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(selectors.sources(user=request.user), pk=pk)
    require(request.user, Action.FILE, item)
    form = ChannelForm(request.POST or None)
    if request.method == "POST":
        channel = _save(form, lambda data: services.channel_create(actor=request.user, source=item, fields=data))
        if channel:
            messages.success(request, _("The channel was registered."))
            return redirect("emissions:source", pk=item.pk)
    return _form_page(request, form, _("New monitoring channel"), item)


@login_required
def channel_edit(request: HttpRequest, pk: int) -> HttpResponse:
    channel = get_object_or_404(
        Channel.objects.restrict(request.user, Action.VIEW).select_related("source__enterprise", "substance"), pk=pk
    )
    require(request.user, Action.FILE, channel)
    form = ChannelForm(request.POST or None, instance=channel)
    if request.method == "POST":
        saved = _save(form, lambda data: services.channel_update(actor=request.user, channel=channel, fields=data))
        if saved:
            messages.success(request, _("The channel was saved."))
            return redirect("emissions:source", pk=channel.source_id)
    return _form_page(request, form, _("Edit the monitoring channel"), channel.source)
