"""The API's one error shape (portal.api.exceptions): every 4xx is `{"errors": [{"field", "code", "message"}]}`,
with `row` or `line` where an error is about one; in English unless the client asks for a language. Faults of the
issue: three shapes of 400 (`{line, field, message}`, `{row, field, reason}`, DRF's bare `non_field_errors`) and
`{"detail"}` for everything else."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.generators import SchemaGenerator
from rest_framework import exceptions

from portal.api.exceptions import ERROR_RESPONSES, exception_handler
from portal.tests.api_errors import errors
from portal.values import figure

pytestmark = pytest.mark.django_db


def answer(exc: Exception) -> tuple[int, dict]:
    response = exception_handler(exc, {})
    assert response is not None
    return response.status_code, response.data


def test_drf_detail_is_flattened_with_field_paths_and_codes():
    detail = {
        "year": [exceptions.ErrorDetail("Ensure this value is less than or equal to 2100.", code="max_value")],
        "lines": [{}, {"waste_code": [exceptions.ErrorDetail("This field is required.", code="required")]}],
        "confirmations": {"late": [exceptions.ErrorDetail("This field may not be blank.", code="blank")]},
        "non_field_errors": [exceptions.ErrorDetail("Unable to log in.", code="authorization")],
    }

    status, body = answer(exceptions.ValidationError(detail))

    assert status == 400
    assert [(item["field"], item["code"]) for item in body["errors"]] == [
        ("year", "max_value"),
        ("lines.1.waste_code", "required"),
        ("confirmations.late", "blank"),
        (None, "authorization"),
    ]


def test_a_django_validation_error_keeps_its_code_and_params():
    too_long = DjangoValidationError("%(n)s is too long.", code="long", params={"n": 3})
    by_field = DjangoValidationError({"reasons": too_long})

    assert answer(by_field) == (400, {"errors": [{"field": "reasons", "code": "long", "message": "3 is too long."}]})
    assert answer(DjangoValidationError("No code."))[1]["errors"] == [
        {"field": None, "code": "invalid", "message": "No code."}
    ]


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (exceptions.NotAuthenticated(), 401, "not_authenticated"),
        (exceptions.PermissionDenied(), 403, "permission_denied"),
        (exceptions.NotFound(), 404, "not_found"),
        (exceptions.MethodNotAllowed("PATCH"), 405, "method_not_allowed"),
        (exceptions.UnsupportedMediaType("text/plain"), 415, "unsupported_media_type"),
        (exceptions.ParseError(), 400, "parse_error"),
    ],
)
def test_other_refusals_have_the_same_envelope(exc, status, code):
    got_status, body = answer(exc)

    assert got_status == status
    [item] = body["errors"]
    assert (item["field"], item["code"]) == (None, code)
    assert item["message"]


def test_throttled_keeps_retry_after():
    response = exception_handler(exceptions.Throttled(wait=7), {})

    assert response is not None and response.status_code == 429
    assert response["Retry-After"] == "7"
    assert response.data["errors"][0]["code"] == "throttled"


def test_anonymous_write_is_a_401_in_the_shape(api_client):
    response = api_client.post("/api/v1/returns/", {}, format="json")

    assert response.status_code == 401
    assert [(error["field"], error["code"]) for error in errors(response)] == [(None, "not_authenticated")]


def test_a_missing_object_and_an_unknown_api_path_are_json_404s(api_client):
    for path in ("/api/v1/registry/deposits/999999/", "/api/v1/registry/deposits/1.5/", "/api/v1/nothing-here/"):
        response = api_client.get(path)
        assert (response.status_code, response["Content-Type"]) == (404, "application/json"), path
        assert [error["code"] for error in errors(response)] == ["not_found"], path


def test_a_null_character_in_the_url_is_a_json_400(api_client):
    response = api_client.get("/api/v1/registry/deposits/", {"q": "a\x00b"})

    assert response.status_code == 400
    assert [error["code"] for error in errors(response)] == ["null_character"]


def test_a_bad_page_size_is_refused_not_changed(api_client):
    for size in ("0", "1001", "ten", "٣"):
        response = api_client.get("/api/v1/registry/regions/", {"page_size": size})
        assert response.status_code == 400, size
        assert [(error["field"], error["code"]) for error in errors(response)] == [("page_size", "invalid")]
    assert api_client.get("/api/v1/registry/regions/", {"page_size": "1000"}).status_code == 200


def test_english_unless_the_client_asks(api_client):
    english = api_client.get("/api/v1/registry/regions/", {"page_size": "0"})
    russian = api_client.get("/api/v1/registry/regions/", {"page_size": "0"}, HTTP_ACCEPT_LANGUAGE="ru")

    assert errors(english)[0]["message"] == "Give a whole number from 1 to 1000."
    assert errors(russian)[0]["message"] != errors(english)[0]["message"]
    assert errors(russian)[0]["code"] == "invalid"


def test_the_schema_gives_every_operation_the_error_answers():
    schema = SchemaGenerator().get_schema(request=None, public=True)

    assert schema["components"]["schemas"]["Errors"]["required"] == ["errors"]
    operations = [op for path in schema["paths"].values() for method, op in path.items() if method != "parameters"]
    assert operations
    for operation in operations:
        assert set(ERROR_RESPONSES) <= set(operation["responses"]), operation["operationId"]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (0.1 + 0.2, "0.300000000000"),  # 0.30000000000000004 as a binary float
        (0.03 / 0.002, "15.0000000000"),  # 14.999999999999998
        (1e-11, "0.0000000000100000000000"),  # a tiny figure keeps its digits: not cut to zero
        (2.5e-7 / 3, "0.0000000833333333333"),  # no exponent, although Python writes 8.333333333333333e-08
        (123456789.123456789, "123456789.123"),
        (1e20, "100000000000000000000"),
        (9.9999999999999, "10.0000000000"),  # rounding up carries into a new first digit: still 12 digits
        (-0.5, "-0.500000000000"),
        (0.0, "0"),
        (Decimal(6) / 10, "0.600000000000"),
        (Decimal(1) / 3, "0.333333333333"),
        (None, None),
    ],
)
def test_float_figures_are_decimal_strings_of_twelve_significant_digits(value, shown):
    assert figure(value) == shown
