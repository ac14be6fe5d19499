"""How the portal answers what it cannot serve (portal.errors): a body over the limits is a 413, a database or cache
that cannot be reached a 503 with Retry-After; JSON for API clients, a page for browsers. Faults of the issue: a JSON
body over 10 MB got a bare HTML 400, and with the database down API clients got HTML 500 pages."""

import json
import os
import subprocess
import sys
import textwrap

import pytest
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from portal import errors
from portal.tests.worker import ROOT, database_url_for_subprocess

pytestmark = pytest.mark.django_db

NOWHERE = "127.0.0.1:9"  # the discard port: nothing listens, a connection is refused at once


def test_a_json_body_over_10_mb_is_a_json_413(client_for, staff_a):
    body = json.dumps({"enterprise": "x", "year": 2024, "lines": [], "padding": "x" * (10 * 1024 * 1024)})

    response = client_for(staff_a).post("/api/v1/returns/", body, content_type="application/json")

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    [error] = response.json()["errors"]  # the API's one error shape (portal.api.exceptions)
    assert (error["field"], error["code"]) == (None, "request_too_large")
    assert "MB" in error["message"]


def test_a_file_upload_over_the_limit_is_refused_before_it_is_read(web, staff_a, settings):
    settings.UPLOAD_MAX_BYTES = 10_000
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    file = SimpleUploadedFile("results.csv", b"x" * 30_000)

    response = web(staff_a).post("/monitoring/upload/", {"enterprise": "1", "file": file})

    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    assert b"<h1>Request too large</h1>" in response.content


def test_an_upload_within_the_limit_passes(web, staff_a, settings):
    settings.UPLOAD_MAX_BYTES = 10_000
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    file = SimpleUploadedFile("results.csv", b"x" * 9_000)

    response = web(staff_a).post("/monitoring/upload/", {"enterprise": "1", "file": file})

    assert response.status_code == 200  # the form, with its errors


def test_a_form_body_over_the_limit_is_a_413(web, staff_a, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000

    response = web(staff_a).post("/returns/new/", {"enterprise": "1", "year": "2024", "padding": "x" * 2_000})

    assert response.status_code == 413


def test_a_body_found_too_large_while_reading_it_is_a_413():
    """Django raises RequestDataTooBig for form fields over the limit inside a multipart body."""
    request = RequestFactory().post("/api/v1/returns/")

    response = errors.bad_request(request, RequestDataTooBig("too big"))

    assert response.status_code == 413
    assert json.loads(response.content)["errors"][0]["code"] == "request_too_large"


def test_other_bad_requests_are_a_400_in_the_shape_of_the_client():
    factory = RequestFactory()

    api = errors.bad_request(factory.get("/api/v1/registry/deposits/"), SuspiciousOperation())
    page = errors.bad_request(factory.get("/registry/deposits/"), SuspiciousOperation())

    assert (api.status_code, api["Content-Type"]) == (400, "application/json")
    assert (page.status_code, page["Content-Type"]) == (400, "text/html; charset=utf-8")


def _requests_in_a_process(env_changes: dict[str, str], requests: list[tuple[str, str, dict]]) -> list[dict]:
    """The answers of a fresh web process (DEBUG off) with the environment changed, as a client gets them."""
    script = textwrap.dedent(f"""
        import django, json
        django.setup()
        from django.test.utils import setup_test_environment
        setup_test_environment()
        from django.test import Client
        client = Client(raise_request_exception=False)
        answers = []
        for method, path, headers in {requests!r}:
            response = getattr(client, method)(path, **headers)
            answers.append({{"status": response.status_code, "type": response["Content-Type"],
                            "retry_after": response.get("Retry-After"), "body": response.content.decode()[:2000]}})
        print(json.dumps(answers))
    """)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", "DEBUG": "0", **env_changes}
    process = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert process.returncode == 0, process.stderr
    return json.loads(process.stdout.strip().splitlines()[-1])


def test_with_the_database_down_api_clients_get_a_json_503_and_browsers_a_page():
    token = {"HTTP_AUTHORIZATION": "Token 0123456789abcdef"}
    answers = _requests_in_a_process(
        {"DATABASE_URL": f"postgres://postgres@{NOWHERE}/qaldyq"},
        [
            ("get", "/api/v1/registry/deposits/", {}),
            ("get", "/api/v1/returns/", token),
            ("post", "/api/v1/returns/", token),
            ("get", "/registry/deposits/", {}),
        ],
    )

    for answer in answers[:3]:
        assert (answer["status"], answer["type"], answer["retry_after"]) == (503, "application/json", "30")
        assert json.loads(answer["body"])["errors"][0]["code"] == "unavailable"
    page = answers[3]
    assert (page["status"], page["retry_after"]) == (503, "30")
    assert page["type"].startswith("text/html")
    assert "<h1>" in page["body"]


def test_with_the_cache_down_api_clients_get_a_json_503():
    """Throttling and the page cache keep their counters and pages in Redis."""
    answers = _requests_in_a_process(
        {"DATABASE_URL": database_url_for_subprocess(), "REDIS_URL": f"redis://{NOWHERE}/0"},
        [("get", "/api/v1/registry/regions/", {})],
    )

    assert (answers[0]["status"], answers[0]["type"], answers[0]["retry_after"]) == (503, "application/json", "30")
