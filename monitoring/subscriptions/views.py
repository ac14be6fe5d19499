"""The public's pages: the subscribe form (also included in a city's regimes page and an enterprise's register page,
`subscriptions/_form.html`; htmx swaps it in place, and it works as a plain form without script), the answer that
a confirmation link is on its way (the same whatever the address's state), the confirmation page, and the
unsubscribe link, which works with one GET or POST and no login (RFC 8058)."""

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from monitoring.regimes.models import City
from monitoring.subscriptions import links, services
from monitoring.subscriptions.forms import SubscribeForm
from monitoring.subscriptions.models import Subscription, SubscriptionStatus
from portal.middleware import HtmxRequest
from portal.throttling import client_address, too_many_requests
from registry.models import Enterprise

ID = re.compile(r"[0-9]{1,18}")


def _targets(data: Any) -> dict[str, Any]:
    """The city or enterprise a request names (by id), None where it names none that exists."""
    found: dict[str, Any] = {}
    for name, model in (("city", City), ("enterprise", Enterprise)):
        value = str(data.get(name) or "")
        found[name] = model.objects.filter(pk=int(value)).first() if ID.fullmatch(value) else None
    return found


@require_http_methods(["GET", "POST"])
def subscribe(request: HtmxRequest) -> HttpResponse:
    """GET ?enterprise=<id> or ?city=<id>: the form alone; POST: the request to subscribe. Bad input is answered
    with the form and its errors: 400 for a plain form, 200 for htmx (which swaps in only a success's answer)."""
    if request.method == "GET":
        targets = _targets(request.GET)
        if not any(targets.values()):
            raise Http404
        return render(request, "subscriptions/subscribe.html", {"subscribe_form": SubscribeForm(), **targets})
    if seconds := services.SUBSCRIBE.hit(client_address(request)):
        return too_many_requests(seconds)
    form = SubscribeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.subscription_request(
                email=data["email"], enterprise=data["enterprise"], city=data["city"], language=get_language()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if request.htmx:
                return render(
                    request, "subscriptions/_form.html", {"subscribe_requested": True, **_targets(request.POST)}
                )
            return redirect("subscriptions:requested")
    context = {"subscribe_form": form, **_targets(request.POST)}
    if request.htmx:
        return render(request, "subscriptions/_form.html", context)
    return render(request, "subscriptions/subscribe.html", context, status=400)


def requested(request: HttpRequest) -> HttpResponse:
    return render(request, "subscriptions/requested.html")


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET: what the link confirms, with a button; POST: confirmed. A GET changes nothing, since mail scanners
    open the links of the e-mails they pass."""
    if request.method == "POST":
        subscription = services.subscription_confirm(token=token)
        if subscription is None:
            return _invalid_link(request)
        return render(request, "subscriptions/confirmed.html", {"subscription": subscription})
    subscription = _subscription(links.confirmed_id(token))
    if subscription is None or subscription.status == SubscriptionStatus.UNSUBSCRIBED:
        return _invalid_link(request)
    return render(request, "subscriptions/confirm.html", {"subscription": subscription})


# The mail program's one-click POST (List-Unsubscribe-Post) comes with no CSRF token, and ending a subscription
# needs none: the link's signature is the authority.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    subscription = services.subscription_end(token=token)
    if subscription is None:
        return _invalid_link(request)
    return render(request, "subscriptions/unsubscribed.html", {"subscription": subscription})


def _subscription(pk: int | None) -> Subscription | None:
    if pk is None:
        return None
    return Subscription.objects.select_related("city", "enterprise").filter(pk=pk).first()


def _invalid_link(request: HttpRequest) -> HttpResponse:
    return render(request, "subscriptions/invalid_link.html", status=404)
