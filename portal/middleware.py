from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django_htmx.middleware import HtmxDetails


class HtmxRequest(HttpRequest):
    """The type of a request that django-htmx's middleware has seen, for the views that read `request.htmx`."""

    htmx: HtmxDetails


class RejectNullCharactersMiddleware:
    """PostgreSQL cannot store or compare NUL characters; refuse them in the URL with a 400."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            "\x00" in request.path
            or "\x00" in request.META.get("QUERY_STRING", "")
            or any("\x00" in value for values in request.GET.lists() for value in values[1])
        ):
            return HttpResponseBadRequest("Null characters are not allowed in the URL.")
        return self.get_response(request)
