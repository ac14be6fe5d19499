"""Reading the API's error answers in tests: `{"errors": [{"field", "code", "message"} (and "row" or "line")]}`
(portal.api.exceptions)."""

from typing import Any


def errors(response: Any) -> list[dict[str, Any]]:
    body = response.json()
    assert set(body) <= {"errors", "error_count"}, body  # the one error shape, nothing beside it
    assert all({"field", "code", "message"} <= set(error) for error in body["errors"]), body
    return body["errors"]


def fields(response: Any) -> list[str | None]:
    """The fields the errors name, in order (None for the request as a whole)."""
    return [error["field"] for error in errors(response)]


def messages(response: Any) -> str:
    """Every message, one a line: for asserting that some words are said."""
    return "\n".join(error["message"] for error in errors(response))
