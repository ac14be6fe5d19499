"""Answers when a request cannot be served as asked: a body over the limits (413), a database, cache or broker that
cannot be reached (503 with Retry-After), a request Django refuses (400) and a server error (500). API clients
(paths under /api/) get JSON in the API's one error shape, `{"errors": [{"field": null, "code", "message"}]}`
(portal.api.exceptions), with the codes `request_too_large`, `unavailable`, `bad_request` and `server_error`;
browsers a page rendered without the request or the database, which may be what is down.

`portal.urls` names the handlers (handler400, handler404, handler500); RequestLimitsMiddleware refuses an oversized
body by its Content-Length before a byte of it is read.
"""

import sys
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import defaults
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from portal.api.exceptions import error_body
from portal.middleware import early_language

# What a request meets when a service it needs is down or overloaded: trying again later may succeed.
UNAVAILABLE: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    RedisConnectionError,
    RedisTimeoutError,
    BrokerError,
)
RETRY_AFTER_SECONDS = 30


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _answer(request: HttpRequest, status: int, title: str, message: str, code: str) -> HttpResponse:
    if is_api(request):
        return JsonResponse(error_body(code=code, message=message), status=status)
    page = render_to_string("portal/error.html", {"title": title, "message": message})
    return HttpResponse(page, status=status)


def body_limit(request: HttpRequest) -> int | None:
    """The largest body Django reads for this request: a file upload may carry a file of UPLOAD_MAX_BYTES beside
    its form fields; anything else, DATA_UPLOAD_MAX_MEMORY_SIZE (None: no limit)."""
    fields = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if request.content_type == "multipart/form-data":
        return settings.UPLOAD_MAX_BYTES + (fields or 0)
    return fields


def too_large(request: HttpRequest) -> HttpResponse:
    limit = body_limit(request) or 0
    message = _("The request is larger than the %(limit)s MB this portal accepts.") % {
        "limit": f"{limit / 1_048_576:.0f}"
    }
    return _answer(request, 413, _("Request too large"), message, "request_too_large")


def unavailable(request: HttpRequest) -> HttpResponse:
    message = _("The portal cannot reach a service it needs; try again in a minute.")
    response = _answer(request, 503, _("Temporarily unavailable"), message, "unavailable")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400: Django's refusals (SuspiciousOperation), of which a body over DATA_UPLOAD_MAX_MEMORY_SIZE found
    while reading it (a body sent without Content-Length, form fields too large) is a 413."""
    if isinstance(exception, RequestDataTooBig):
        return too_large(request)
    return _answer(request, 400, _("Bad request"), _("The request could not be understood."), "bad_request")


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: a path under /api/ that names no endpoint (or an id no route takes, "1.5") is a JSON 404 like
    an endpoint's own; browsers get Django's page (which the templates' 404.html, if any, gives)."""
    if is_api(request):
        return JsonResponse(error_body(code="not_found", message=_("Not found.")), status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500, called while the exception is being handled: an unreachable service is a 503."""
    if isinstance(sys.exc_info()[1], UNAVAILABLE):
        return unavailable(request)
    message = _("Something went wrong on our side; it has been logged.")
    return _answer(request, 500, _("Server error"), message, "server_error")


class RequestLimitsMiddleware:
    """A body declared larger than the limits is refused with 413 before it is read (Django would read a file
    upload of any size to disk first, and answer a large JSON body with a bare 400)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # as Django reads a malformed length
        limit = body_limit(request)
        if limit is not None and length > limit:
            with translation.override(early_language(request)):  # refused before LocaleMiddleware has run
                return too_large(request)
        return self.get_response(request)
