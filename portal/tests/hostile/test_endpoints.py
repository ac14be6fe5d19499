"""Every write endpoint of the site (each POST, PUT and PATCH of the permission matrix's table, which covers every
URL pattern and every operation of the OpenAPI schema) meets bodies whose fields are replaced by hostile values,
removed, or joined by unknown ones, sent by a role that may write there. The answer is a 4xx or a success, never a
server error; a refused request leaves every table of the apps as it was (ChangeRecords included); an API 400
names its field (and line or row)."""

import copy
import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from monitoring.ingest import COLUMNS
from monitoring.models import Submission
from monitoring.tests.helpers import row
from portal.tests.cache import clear_test_cache
from portal.tests.hostile.strategies import HOSTILE, as_form_value, cells, like
from portal.tests.permission_matrix import site
from portal.tests.permission_matrix import test_matrix as matrix
from portal.tests.permission_matrix.world import ROLES, World
from registry.permits.template import COLUMNS as PERMIT_COLUMNS
from registry.permits.tests import helpers as permit_rows
from registry.returns.checks import INPUT_FIELDS
from registry.returns.tests import helpers as returns

pytestmark = pytest.mark.django_db

SUCCESS = {"200", "201", "202", site.ELSEWHERE}
# Who writes: the first of these the table lets write there.
WRITERS = ("staff_a", "administrator", "inspector_r1", "staff_b")
# Writes with no value to fuzz (logging out), and the admin's, whose forms Django makes from the models.
SKIPPED = {"logout"}

# Where rows and lines are parsed value by value: more examples.
ROW_PARSING = {
    "return-list", "return-detail", "submission-list", "returns:line-check", "returns:line-new", "returns:line-edit",
    "monitoring:manual", *("registry:survey-upload", "returns:upload", "monitoring:upload"),
    "permit-limits", "permits:upload", "regimes:plan-upload",
}  # fmt: skip
# Uploads: the file's header and its one row, whose cells are fuzzed.
FILES: dict[str, tuple[list[str], dict[str, Any]]] = {
    "registry:survey-upload": (["year", "tonnage_t", "source"], {"year": "2025", "tonnage_t": "1100000", "source": ""}),
    "returns:upload": (list(INPUT_FIELDS), returns.line(returns.TAILINGS, opening="0", generated="5", recycled="0")),
    "monitoring:upload": (list(COLUMNS), row("AIR-A", "Cu", "0.001")),
    "permits:upload": (list(PERMIT_COLUMNS), {**permit_rows.STACK, **permit_rows.SOX}),
    "regimes:plan-upload": (
        ["source", "degree", "planned_cut_percent"],
        {"source": "SRC-A", "degree": "3", "planned_cut_percent": "45"},
    ),
}


def _writer(expected: str) -> str | None:
    answers = dict(zip(ROLES, expected.split(), strict=True))
    return next((role for role in WRITERS if answers[role] in SUCCESS), None)


def _write_rows() -> list[tuple[str, str, str, str, matrix.Body]]:
    """One row per URL pattern and method that writes, with the role that may write there."""
    rows, seen = [], set()
    for key, method, path, expected, body in matrix.ROWS:
        if method == "GET" or site.is_admin(key) or key in SKIPPED or (key, method) in seen:
            continue
        role = _writer(expected)
        if role is None:
            continue
        seen.add((key, method))
        rows.append((key, method, path, role, body))
    return rows


WRITES = _write_rows()


def _paths(body: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The places of a body a value can be changed at: its fields, those of its first line or row, and its
    confirmations; and one unknown field."""
    paths: list[tuple[Any, ...]] = [(name,) for name in body if name != "file"]
    for name, value in body.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            paths += [(name, 0, inner) for inner in value[0]]
        elif isinstance(value, dict):
            paths += [(name, inner) for inner in value]
    return [*paths, ("unknown_field",)]


def _mutate(
    data: st.DataObject, body: dict[str, Any], values: Callable[[Any], st.SearchStrategy[Any]]
) -> dict[str, Any]:
    body = copy.deepcopy(body)
    chosen = data.draw(st.lists(st.sampled_from(_paths(body)), min_size=1, max_size=3, unique=True), label="fields")
    for path in chosen:
        *parents, last = path
        target: Any = body
        for step in parents:
            if isinstance(target, dict):
                target = target.get(step)
            elif isinstance(target, list):
                target = target[step] if step < len(target) else None
        if not isinstance(target, dict):
            continue  # a field of a line that another change removed or replaced
        if data.draw(st.integers(0, 9), label="remove?") == 0:
            target.pop(last, None)
        else:
            target[last] = data.draw(values(target.get(last)), label="/".join(map(str, path)))
    return body


def _csv(header: list[str], cells: dict[str, Any]) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerow([as_form_value(cells.get(name)) for name in header])
    return SimpleUploadedFile("upload.csv", buffer.getvalue().encode("utf-8", "surrogatepass"), content_type="text/csv")


def _body(data: st.DataObject, world: World, key: str, path: str, body: matrix.Body) -> dict[str, Any]:
    base = matrix._body(body, world) or {}
    if key in FILES:
        header, cells_of_row = FILES[key]
        fuzzed = _mutate(data, dict(cells_of_row), cells)
        return {**{name: value for name, value in base.items() if name != "file"}, "file": _csv(header, fuzzed)}
    if path.startswith("/api/"):
        return _mutate(data, base, like)
    fuzzed = _mutate(data, base, lambda current: like(current).map(as_form_value))
    return {name: as_form_value(value) for name, value in fuzzed.items()}


def _refused(response: Any, api: bool) -> bool:
    if response.status_code >= 400 or site.outcome(response) in site.REFUSALS:
        return True
    # A page shows its form again with the errors (200); htmx line forms too.
    return not api and response.status_code == 200 and b"errorlist" in response.content


def _names_its_field(answer: Any) -> bool:
    """An API 400 names what is wrong, in the API's one error shape: a field (with its line or row, for lines and
    results) and a code. Only a refused login names no field, on purpose: which of user name and password was wrong
    is not told."""
    if not isinstance(answer, dict) or set(answer) - {"errors", "error_count"} or not answer.get("errors"):
        return False
    return all(
        error.get("code") and (error.get("field") or error["code"] == "authorization") for error in answer["errors"]
    )


def _latest_submission() -> int:
    return Submission.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@pytest.mark.parametrize(("key", "method", "path", "role", "body"), WRITES, ids=[f"{m} {k}" for k, m, *_ in WRITES])
def test_a_write_endpoint_refuses_hostile_values_cleanly(world, django_capture_on_commit_callbacks, key, method, path,
                                                          role, body):  # fmt: skip
    url = path.format(**world.keys)

    @settings(HOSTILE, max_examples=HOSTILE.max_examples * (3 if key in ROW_PARSING else 1))
    @given(data=st.data())
    def hostile_request(data: st.DataObject) -> None:
        clear_test_cache()  # no throttle or lockout builds up across examples
        with transaction.atomic():  # each example starts from the same world
            _check_one(data, world, django_capture_on_commit_callbacks, key, method, url, role, body)
            transaction.set_rollback(True)

    hostile_request()


def _check_one(data, world, capture, key, method, url, role, body) -> None:
    api = url.startswith("/api/")
    submissions = _latest_submission()
    before = matrix._fingerprint()
    with capture(execute=True):  # a file is read (eagerly) as the worker would
        response = matrix.request(world, role, method, url, lambda world: _body(data, world, key, url, body))
    refused = _refused(response, api)
    assert response.status_code < 500, response.content[:2000]
    assert not (refused and matrix._fingerprint() != before), f"{response.status_code}: the refusal changed the data"
    if api and response.status_code == 400:
        assert _names_its_field(response.json()), response.json()
    for submission in Submission.objects.filter(pk__gt=submissions):
        assert submission.status in {"processed", "failed"}, (submission.status, submission.error_code)
        assert submission.status == "processed" or not submission.results.exists()


def test_every_write_of_the_site_is_fuzzed():
    """Every POST, PUT and PATCH of the API schema, and every page that takes a POST (but the admin's and logging
    out), has a fuzzed row."""
    fuzzed = {(method, template) for _k, method, path, *_ in WRITES for _m, template in site.operations_of(path)}
    writes = {(method, template) for method, template in site.api_operations() if method in {"POST", "PUT", "PATCH"}}
    assert writes - fuzzed == set()
    pages = {key for key, method, *_ in matrix.ROWS if method == "POST" and not site.is_admin(key)} - SKIPPED
    assert pages - {key for key, *_ in WRITES} == set()
