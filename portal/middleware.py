from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django_htmx.middleware import HtmxDetails

from portal.api.exceptions import error_body

API_PREFIX = "/api/"
API_LANGUAGE = "en"


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
            with translation.override(early_language(request)):
                message = _("Null characters are not allowed in the URL.")
                if request.path.startswith(API_PREFIX):
                    return JsonResponse(error_body(code="null_character", message=message), status=400)
                return HttpResponseBadRequest(message)
        return self.get_response(request)


def early_language(request: HttpRequest) -> str:
    """The language of an answer given before LocaleMiddleware and ApiLanguageMiddleware have run (a refusal by an
    earlier middleware): the one they would choose."""
    if request.path.startswith(API_PREFIX) and not request.META.get("HTTP_ACCEPT_LANGUAGE", "").strip():
        return API_LANGUAGE
    return translation.get_language_from_request(request)


class ApiLanguageMiddleware:
    """The API answers in English unless the client asks for a language (Accept-Language): a machine client sends
    no language and reads the same messages whatever the portal's default (Russian, for its pages). After
    LocaleMiddleware, which chose the language from the cookie, Accept-Language or the default."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX) and not request.META.get("HTTP_ACCEPT_LANGUAGE", "").strip():
            translation.activate(API_LANGUAGE)
            request.LANGUAGE_CODE = API_LANGUAGE
        return self.get_response(request)
