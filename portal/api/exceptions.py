"""The API's one error shape, and the one place that makes it.

Every 4xx answer of the API (and the JSON 5xx of portal.errors) is `{"errors": [item, ...]}`, each item
`{"field": <name or null>, "code": <stable machine code>, "message": <text in the request's language>}`, with
`"row"` (a batch of monitoring results, a file's row) or `"line"` (a return's line) when the error is about one.
`field` is the input's name as the client sent it, a nested one as a dotted path (`lines.0.waste_code`); null when
the error is about the request as a whole. `code` is what a client may branch on: DRF's codes (`required`,
`invalid`, `max_value`, `not_authenticated`, `permission_denied`, `not_found`, `throttled`, ...), the codes of
portal.values (`decimal_places`, `control_character`, `future`, ...) and the domain codes of the apps' checks.

Here are turned into that shape: DRF's ValidationError (nested dicts and lists of ErrorDetail with their codes),
Django's ValidationError (its code; its params already in the message), the domain errors that name rows or lines
(any exception with `error_items()`, such as registry.returns.services.LinesInvalid and
monitoring.services.RowsInvalid) and every other APIException (401, 403, 404, 405, 406, 415, 429 keep their status
and headers, Retry-After and WWW-Authenticate included). `ERROR_RESPONSES`/`error_responses_hook` put the shape in
the OpenAPI schema for every operation.
"""

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Protocol, runtime_checkable

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from portal.coded import ErrorItem, error_item

# Errors of the request as a whole, in DRF's and Django's words: their items have no field.
_WHOLE = {api_settings.NON_FIELD_ERRORS_KEY, NON_FIELD_ERRORS, "detail"}


@runtime_checkable
class ItemErrors(Protocol):
    """A domain error that names the rows or lines it is about (each item in the shape above)."""

    def error_items(self) -> list[ErrorItem]: ...


def body(items: Iterable[ErrorItem], **extra: Any) -> dict[str, Any]:
    return {"errors": list(items), **extra}


def error_body(*, code: str, message: str) -> dict[str, Any]:
    """An answer with one error about the whole request (portal.errors' 413, 503, 400 and 500)."""
    return body([error_item(code=code, message=message)])


def _path(parent: str | None, name: object) -> str | None:
    key = None if name in _WHOLE else str(name)
    if parent is None or key is None:
        return parent if key is None else key
    return f"{parent}.{key}"


def _detail_items(detail: Any, field: str | None) -> Iterator[ErrorItem]:
    """DRF's error detail (dicts by field, lists of errors, a nested serializer's list with one dict per item, a
    ListField's dict by index) flattened, each error with its dotted field path and its ErrorDetail's code."""
    if isinstance(detail, Mapping):
        for name, value in detail.items():
            yield from _detail_items(value, _path(field, name))
    elif isinstance(detail, list | tuple):
        for index, value in enumerate(detail):
            nested = isinstance(value, Mapping | list | tuple)
            yield from _detail_items(value, _path(field, index) if nested else field)
    else:
        yield error_item(field=field, code=getattr(detail, "code", None) or "invalid", message=str(detail))


def _django_items(exc: DjangoValidationError) -> Iterator[ErrorItem]:
    if hasattr(exc, "error_dict"):
        pairs = [(_path(None, name), error) for name, errors in exc.error_dict.items() for error in errors]
    else:
        pairs = [(None, error) for error in exc.error_list]
    for field, error in pairs:
        message = error.message % error.params if error.params else error.message
        yield error_item(field=field, code=error.code or "invalid", message=str(message))


def _api_exception(exc: Exception) -> Exception:
    """Django's exceptions as DRF answers them."""
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    return exc


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ItemErrors):
        set_rollback()  # as DRF does for its own errors: nothing of an atomic request is kept
        extra = exc.error_extra() if hasattr(exc, "error_extra") else {}
        return Response(body(exc.error_items(), **extra), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        set_rollback()
        return Response(body(_django_items(exc)), status=status.HTTP_400_BAD_REQUEST)
    exc = _api_exception(exc)
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response  # not the client's fault: a 500, JSON by portal.errors
    # A ValidationError's detail is nested by field; any other's is one ErrorDetail (with DRF's code for it).
    response.data = body(_detail_items(exc.detail, None))
    return response


# The shape in the OpenAPI schema: one component, the answer of every operation's 4xx (and 503).
ERROR_ITEM_SCHEMA = {
    "type": "object",
    "description": "One error: what it is about (`row` or `line`, `field`), a stable machine `code`, and the `message` "
    "in the language of the request (Accept-Language; English when none is asked for).",
    "properties": {
        "row": {"type": "integer", "description": "The row of a batch or file the error is about (if one)."},
        "line": {"type": "integer", "description": "The line of a return the error is about (if one)."},
        "key": {"type": "string", "description": "A return's warning: the key `confirmations` names it by."},
        "field": {
            "type": "string",
            "nullable": True,
            "description": "The input's name (nested: a dotted path, `lines.0.waste_code`); null for the request.",
        },
        "code": {
            "type": "string",
            "description": "e.g. required, invalid, max_value, decimal_places, unknown_point, balance, "
            "not_authenticated, permission_denied, not_found, throttled.",
        },
        "message": {"type": "string"},
    },
    "required": ["field", "code", "message"],
}
ERRORS_SCHEMA = {
    "type": "object",
    "description": "Every 4xx answer of the API, and its 503.",
    "properties": {
        "errors": {"type": "array", "items": {"$ref": "#/components/schemas/ErrorItem"}},
        "error_count": {
            "type": "integer",
            "description": "A batch of monitoring results: how many errors it has; `errors` lists the first 1000.",
        },
    },
    "required": ["errors"],
}
_RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait before trying again."}}
ERROR_RESPONSES: dict[str, tuple[str, dict[str, Any]]] = {
    "400": ("The request is invalid: every error, each naming its field (and row or line).", {}),
    "401": ("Authentication is needed, or the token has expired.", {}),
    "403": ("The user may not do this.", {}),
    "404": ("No such object, or one the user may not see.", {}),
    "405": ("The method is not allowed here.", {}),
    "406": ("No answer in the media type asked for (Accept).", {}),
    "413": ("The request body is larger than the portal accepts.", {}),
    "415": ("The body's media type is not accepted.", {}),
    "429": ("Too many requests: wait for Retry-After seconds.", _RETRY_AFTER),
    "503": ("A service the portal needs cannot be reached: try again after Retry-After seconds.", _RETRY_AFTER),
}


_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def error_responses_hook(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: every operation answers its errors in the one shape (an operation that
    declares an error answer of its own keeps it)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["ErrorItem"], schemas["Errors"] = ERROR_ITEM_SCHEMA, ERRORS_SCHEMA
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}}
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if method not in _METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for status_code, (description, headers) in ERROR_RESPONSES.items():
                answer = {"description": description, "content": content, **({"headers": headers} if headers else {})}
                responses.setdefault(status_code, answer)
    return result
