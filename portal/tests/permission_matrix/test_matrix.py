"""Who gets what from every URL pattern and API operation: one table, checked row by row, and checked to cover
the whole site (the patterns Django resolves, the operations of the OpenAPI schema).

Each row: the pattern's key (site.pattern_key), the method, the path with placeholders filled from the world, the
expected answer of each role in ROLES order, and a body. An answer is a status code, or for a redirect where it
leads: L the login page, A the admin's login page, R anywhere else (a page's write succeeded); F is a form shown
again with its error (200), having written nothing.

The rules the table follows (docs/architecture.md): a row the role may not see answers 404; one they see but may
not act on, 403; on the API the public is asked to authenticate (401) where it may not read or write; pages send
the public to the login page (L). The inactive user is refused on the API (401, their token) and is the public on
pages (their session no longer counts). A page's form refuses a choice it does not offer (another enterprise, a
region not inspected) as Django's forms do: F.

Each role's request runs in a savepoint rolled back afterwards; a write answered 4xx (or sent to the login page)
must leave every table of the apps as it was, and a refusal must name nothing that only some roles may see.

The Django admin: every one of its URL patterns sends every role but the administrator to the admin's login page
(test_the_admin_admits_administrators_only); a few representative rows below show what the administrator gets.
"""

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.forms import modelform_factory

from monitoring.emissions.tests import cov_matrix as channels
from monitoring.emissions.tests import matrix as emissions
from monitoring.ingest import COLUMNS
from monitoring.regimes.tests import matrix as regimes
from monitoring.subscriptions.tests import matrix as subscriptions
from monitoring.tests.helpers import row
from portal.tests.factories import PASSWORD
from portal.tests.permission_matrix import site
from portal.tests.permission_matrix.world import OWN_ENTERPRISE, ROLES, SECRETS, World
from registry.forms import DepositForm, EnterpriseForm
from registry.models import Region
from registry.permits.tests import matrix as permits
from registry.releases.tests import matrix as releases
from registry.returns.tests import helpers as returns
from registry.tests.factories import deposit_payload

pytestmark = pytest.mark.django_db

Body = dict[str, Any] | Callable[[World], dict[str, Any]] | None

# Answers of the seven roles: anonymous, staff of A, staff of B, inspector of R1, inspector of R2, administrator,
# inactive (was staff of A).
API_PUBLIC = "200 200 200 200 200 200 401"
# The token endpoint, whose credentials are in the body: a token in the header, even a refused one, is not read.
API_ANYONE = "200 200 200 200 200 200 200"
PAGE_PUBLIC = "200 200 200 200 200 200 200"
PAGE_LOGGED_IN = "L 200 200 200 200 200 L"
API_LOGGED_IN = "401 200 200 200 200 200 401"
# Unpublished deposits: their operator's staff, the inspectors of their region, administrators.
API_SEE_A = "404 200 404 200 404 200 401"
API_SEE_B = "404 404 200 200 404 200 401"
API_SEE_A_R2 = "404 200 404 404 200 200 401"
PAGE_SEE_A = "404 200 404 200 404 200 404"
PAGE_SEE_B = "404 404 200 200 404 200 404"
PAGE_SEE_A_R2 = "404 200 404 404 200 200 404"
# What only the enterprise, the inspectors of its region and administrators see (returns, submissions, alerts).
API_OF_A = "401 200 404 200 404 200 401"
API_OF_B = "401 404 200 200 404 200 401"
PAGE_OF_A = "L 200 404 200 404 200 L"
PAGE_OF_B = "L 404 200 200 404 200 L"
# Writes of the enterprise's staff (and administrators) to something of A everyone sees.
API_CHANGE_A = "401 200 403 403 403 200 401"
# Adding to something of A (that everyone sees), of B (that A's staff and R2's inspector do not).
API_ADD_A = "401 201 403 403 403 201 401"
API_ADD_B = "401 404 201 403 404 201 401"
PAGE_CHANGE_A = "L 200 403 403 403 200 L"
PAGE_CHANGED_A = "L R 403 403 403 R L"
# Filing a return of A (which B's staff and R2's inspector do not see).
API_FILE_A = "401 200 404 403 404 200 401"
PAGE_FILE_A = "L R 404 403 404 R L"
# Deciding a return of A.
API_DECIDE_A = "401 403 404 200 404 200 401"
PAGE_DECIDE_A = "L 403 404 R 404 R L"


def a_pub_form(world: World) -> dict[str, Any]:
    """What the edit page of a_pub posts: its fields as they are, and new notes."""
    form = DepositForm(instance=world.objects["a_pub"], user=world.users["administrator"])
    return {**_form_data(form), "notes": "Checked again."}


def enterprise_a_form(world: World) -> dict[str, Any]:
    form = EnterpriseForm(instance=world.objects["A"], user=world.users["administrator"])
    return {**_form_data(form), "phone": "+7 701 000 0000"}


def region_r2_form(world: World) -> dict[str, Any]:
    """What the admin's page of region R2 posts: its fields, a new English name."""
    form = modelform_factory(Region, fields="__all__")(instance=world.objects["R2"])
    return {**_form_data(form), "name_en": "Region R2 (renamed)"}


def split_r2_off_r1(world: World) -> dict[str, Any]:
    """R2 has no "valid from" of the split's date: the administrator's form refuses it (F), writing nothing."""
    return {"parent": world.keys["R1_pk"], "region": world.keys["R2_pk"], "date": "2022-06-08"}


def keep_a_region(world: World) -> dict[str, Any]:
    """The admin's action on A's region period (awaiting nothing, so nothing changes)."""
    period = world.objects["A"].region_periods.get()
    return {"action": "keep_region", "_selected_action": [period.pk]}


def _form_data(form: Any) -> dict[str, Any]:
    data = {}
    for name, field in form.fields.items():
        value = field.prepare_value(form.initial.get(name, field.initial))
        data[name] = "" if value is None else value
    return data


def csv_file(
    header: list[str] | tuple[str, ...], rows: list[list[object]], name: str = "upload.csv"
) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(), content_type="text/csv")


def new_deposit_of_a(world: World) -> dict[str, Any]:
    return deposit_payload(world.objects["A"])


def new_deposit_of_b(world: World) -> dict[str, Any]:
    return deposit_payload(world.objects["B"])


def operator_b(world: World) -> dict[str, Any]:
    """Handing A's deposit to B: for administrators only."""
    return {"operator": world.keys["B"]}


def deposit_form_of_a(world: World) -> dict[str, Any]:
    payload = deposit_payload(world.objects["A"])
    return {**payload, "operator": world.keys["A_pk"], "region": world.keys["R1_pk"], "status": "operating"}


def deposit_put_a_pub(world: World) -> dict[str, Any]:
    """Every field of a_pub, the surveyed state as it is (it changes through surveys)."""
    return deposit_payload(world.objects["A"], name="a_pub", state_year=2023, tonnage_t="1000000.0")


def enterprise_put_a(world: World) -> dict[str, Any]:
    return {"name": "Enterprise A LLP", "bin": world.keys["A"], "region": "KZ-R1", "phone": "+7 701 000 0000"}


def survey_file(world: World) -> dict[str, Any]:
    return {"file": csv_file(["year", "tonnage_t"], [[2025, "1100000"]])}


def return_of_a(world: World) -> dict[str, Any]:
    return {"enterprise": world.keys["A"], "year": world.keys["past_year"], "lines": [returns.line()]}


def confirmations_api(world: World) -> dict[str, Any]:
    return {"confirmations": returns.confirm_all(world.objects["ra_draft"])}


def confirmations_page(world: World) -> dict[str, Any]:
    return returns.confirm_all(world.objects["ra_draft"])


def new_return_page(world: World) -> dict[str, Any]:
    return {"enterprise": world.keys["A_pk"], "year": world.keys["past_year"]}


def return_lines_file(world: World) -> dict[str, Any]:
    line = returns.line(returns.TAILINGS, opening="0", generated="5", recycled="0")
    return {"file": returns.csv_upload([line])}


def line_form(world: World) -> dict[str, Any]:
    return {name: "" if value is None else value for name, value in returns.line(returns.TAILINGS).items()}


def results_of_a(world: World) -> dict[str, Any]:
    return {"enterprise": world.keys["A"], "results": [row("AIR-A", "Cu", "0.001")]}


def results_file_of_a(world: World) -> dict[str, Any]:
    result = row("AIR-A", "Cu", "0.001")
    return {"enterprise": world.keys["A_pk"], "file": csv_file(COLUMNS, [[result.get(name, "") for name in COLUMNS]])}


def results_form_of_a(world: World) -> dict[str, Any]:
    result = row("AIR-A", "Cu", "0.001")
    management = {"form-TOTAL_FORMS": 1, "form-INITIAL_FORMS": 0, "form-MIN_NUM_FORMS": 0, "form-MAX_NUM_FORMS": 20}
    return {"enterprise": world.keys["A_pk"], **management, **{f"form-0-{key}": value for key, value in result.items()}}


def point_of_a(world: World) -> dict[str, Any]:
    return {"enterprise": world.keys["A"], "code": "AIR-7", "medium": "air", "latitude": "46.84", "longitude": "74.98"}


def report_of_r1(world: World) -> dict[str, Any]:
    return {"region": world.keys["R1_pk"], "year": world.keys["past_year"], "language": "en"}


NOTES = {"notes": "Checked again."}
PUBLISH = {"is_published": True}
SURVEY = {"year": 2025, "tonnage_t": "1100000.0"}
COMPONENT = {"basis": "chemical", "component": "Cu", "unit": "%", "mean": "0.8"}
NEW_ENTERPRISE = {"name": "New LLP", "bin": "123456789013", "region": "KZ-R1"}
PHONE = {"phone": "+7 701 000 0000"}
LINES = {"lines": [returns.line(generated="70")]}
REASONS = {"reasons": "Check line 1."}
ACKNOWLEDGE = {"status": "acknowledged", "comment": "Seen."}

REG = "/api/v1/registry/"
RET = "/api/v1/returns/"
MON = "/api/v1/monitoring/"

# fmt: off
ROWS: list[tuple[str, str, str, str, Body]] = [
    # -- the site's own pages, logging in and out, the language
    ("home", "GET", "/", PAGE_PUBLIC, None),
    ("login", "GET", "/accounts/login/", PAGE_PUBLIC, None),
    ("logout", "POST", "/accounts/logout/", "R R R R R R R", None),
    ("audit-log", "GET", "/audit/", PAGE_LOGGED_IN, None),
    ("set_language", "POST", "/i18n/setlang/", "R R R R R R R", {"language": "kk", "next": "/"}),
    # -- the API's own routes
    ("api-token", "POST", "/api/v1/auth/token/", API_ANYONE, {"username": "staff_a", "password": PASSWORD}),
    # a user's own API tokens (administrators: everyone's)
    ("api-tokens-list", "GET", "/api/v1/auth/tokens/", API_LOGGED_IN, None),
    ("api-tokens-detail", "DELETE", "/api/v1/auth/tokens/{token_of_staff_a}/", "401 204 404 404 404 204 401", None),
    ("api-tokens-revoke-all", "POST", "/api/v1/auth/tokens/revoke-all/", API_LOGGED_IN, None),
    ("api-schema", "GET", "/api/v1/schema/", API_PUBLIC, None),
    ("api-docs", "GET", "/api/v1/docs/", API_PUBLIC, None),
    ("api-root", "GET", REG, API_PUBLIC, None),
    # -- registry API: reads open to everyone
    ("region-list", "GET", f"{REG}regions/", API_PUBLIC, None),
    ("region-detail", "GET", f"{REG}regions/{{R1}}/", API_PUBLIC, None),
    ("enterprise-list", "GET", f"{REG}enterprises/", API_PUBLIC, None),
    ("enterprise-detail", "GET", f"{REG}enterprises/{{A}}/", API_PUBLIC, None),
    ("enterprise-detail", "GET", f"{REG}enterprises/{{B}}/", API_PUBLIC, None),
    ("deposit-list", "GET", f"{REG}deposits/", API_PUBLIC, None),
    ("deposit-detail", "GET", f"{REG}deposits/{{a_pub}}/", API_PUBLIC, None),
    ("deposit-detail", "GET", f"{REG}deposits/{{b_pub}}/", API_PUBLIC, None),
    ("deposit-surveys", "GET", f"{REG}deposits/{{b_pub}}/surveys/", API_PUBLIC, None),
    ("deposit-composition", "GET", f"{REG}deposits/{{b_pub}}/composition/", API_PUBLIC, None),
    ("deposit-forecast", "GET", f"{REG}deposits/{{b_pub}}/forecast/?year=2030", API_PUBLIC, None),
    # -- registry API: unpublished deposits
    ("deposit-detail", "GET", f"{REG}deposits/{{a_hidden}}/", API_SEE_A, None),
    ("deposit-detail", "GET", f"{REG}deposits/{{b_hidden}}/", API_SEE_B, None),
    ("deposit-detail", "GET", f"{REG}deposits/{{a_r2_hidden}}/", API_SEE_A_R2, None),
    ("deposit-surveys", "GET", f"{REG}deposits/{{b_hidden}}/surveys/", API_SEE_B, None),
    ("deposit-composition", "GET", f"{REG}deposits/{{b_hidden}}/composition/", API_SEE_B, None),
    ("deposit-forecast", "GET", f"{REG}deposits/{{b_hidden}}/forecast/?year=2030", API_SEE_B, None),
    # -- registry API: change history (the public is asked to authenticate)
    ("deposit-history", "GET", f"{REG}deposits/{{a_pub}}/history/", "401 200 403 200 403 200 401", None),
    ("deposit-history", "GET", f"{REG}deposits/{{b_pub}}/history/", "401 403 200 200 403 200 401", None),
    ("deposit-history", "GET", f"{REG}deposits/{{b_hidden}}/history/", "401 404 200 200 404 200 401", None),
    ("deposit-history", "GET", f"{REG}deposits/{{a_r2_hidden}}/history/", "401 200 404 404 200 200 401", None),
    ("enterprise-history", "GET", f"{REG}enterprises/{{A}}/history/", "401 200 403 200 403 200 401", None),
    ("enterprise-history", "GET", f"{REG}enterprises/{{B}}/history/", "401 403 200 200 403 200 401", None),
    # -- registry API: writes
    ("enterprise-list", "POST", f"{REG}enterprises/", "401 403 403 403 403 201 401", NEW_ENTERPRISE),
    ("enterprise-detail", "PATCH", f"{REG}enterprises/{{A}}/", API_CHANGE_A, PHONE),
    ("enterprise-detail", "PATCH", f"{REG}enterprises/{{B}}/", "401 403 200 403 403 200 401", PHONE),
    ("enterprise-detail", "PUT", f"{REG}enterprises/{{A}}/", API_CHANGE_A, enterprise_put_a),
    ("deposit-list", "POST", f"{REG}deposits/", API_ADD_A, new_deposit_of_a),
    ("deposit-list", "POST", f"{REG}deposits/", "401 403 201 403 403 201 401", new_deposit_of_b),
    ("deposit-detail", "PATCH", f"{REG}deposits/{{a_pub}}/", API_CHANGE_A, NOTES),
    ("deposit-detail", "PATCH", f"{REG}deposits/{{b_pub}}/", "401 403 200 403 403 200 401", NOTES),
    ("deposit-detail", "PATCH", f"{REG}deposits/{{a_pub}}/", "401 403 403 403 403 200 401", operator_b),
    ("deposit-detail", "PATCH", f"{REG}deposits/{{a_hidden}}/", "401 200 404 403 404 200 401", NOTES),
    ("deposit-detail", "PATCH", f"{REG}deposits/{{b_hidden}}/", "401 404 200 403 404 200 401", NOTES),
    ("deposit-detail", "PATCH", f"{REG}deposits/{{a_r2_hidden}}/", "401 200 404 404 403 200 401", NOTES),
    ("deposit-detail", "PATCH", f"{REG}deposits/{{a_hidden}}/", "401 400 404 403 404 200 401", PUBLISH),
    ("deposit-detail", "PUT", f"{REG}deposits/{{a_pub}}/", API_CHANGE_A, deposit_put_a_pub),
    ("deposit-surveys", "POST", f"{REG}deposits/{{a_pub}}/surveys/", API_ADD_A, SURVEY),
    ("deposit-surveys", "POST", f"{REG}deposits/{{b_hidden}}/surveys/", API_ADD_B, SURVEY),
    ("deposit-composition", "POST", f"{REG}deposits/{{a_pub}}/composition/", API_ADD_A, COMPONENT),
    ("deposit-composition", "POST", f"{REG}deposits/{{b_hidden}}/composition/", API_ADD_B, COMPONENT),
    # -- returns API
    ("return-list", "GET", RET, API_LOGGED_IN, None),
    ("return-list", "POST", RET, API_ADD_A, return_of_a),
    ("return-detail", "GET", f"{RET}{{ra_draft}}/", API_OF_A, None),
    ("return-detail", "GET", f"{RET}{{rb_submitted}}/", API_OF_B, None),
    ("return-detail", "PUT", f"{RET}{{ra_draft}}/", API_FILE_A, LINES),
    ("return-submit", "POST", f"{RET}{{ra_draft}}/submit/", API_FILE_A, confirmations_api),
    ("return-accept", "POST", f"{RET}{{ra_submitted}}/accept/", API_DECIDE_A, None),
    ("return-accept", "POST", f"{RET}{{rb_submitted}}/accept/", "401 404 403 200 404 200 401", None),
    ("return-return", "POST", f"{RET}{{ra_submitted}}/return/", API_DECIDE_A, REASONS),
    ("return-correct", "POST", f"{RET}{{ra_accepted}}/correct/", API_FILE_A, None),
    ("return-version", "GET", f"{RET}{{ra_submitted}}/versions/1/", API_OF_A, None),
    ("return-diff", "GET", f"{RET}{{ra_submitted}}/diff/?from=1&to=1", API_OF_A, None),
    ("late-filer-list", "GET", f"{RET}late-filers/", "401 403 403 200 200 200 401", None),
    ("waste-code-list", "GET", f"{RET}waste-codes/?q=10&hazardous=true", API_PUBLIC, None),
    # -- monitoring API (points are public when published; the rest is never public)
    ("submission-list", "GET", f"{MON}submissions/?status=processed&since=2020-01-01", API_LOGGED_IN, None),
    ("submission-list", "POST", f"{MON}submissions/", API_ADD_A, results_of_a),
    ("submission-detail", "GET", f"{MON}submissions/{{sub_a}}/", API_OF_A, None),
    ("submission-detail", "GET", f"{MON}submissions/{{sub_b}}/", API_OF_B, None),
    # -- continuous emission data (never public; sent by the enterprise, read by the inspectors of its region)
    ("emission-value-list", "GET", "/api/v1/emissions/values/?source=SRC-A&since=2025-01-01", API_LOGGED_IN, None),
    ("emission-value-list", "POST", "/api/v1/emissions/values/", API_ADD_A, emissions.values_of_a),
    ("emission-submission-list", "GET", "/api/v1/emissions/submissions/", API_LOGGED_IN, None),
    ("emission-submission-list", "POST", "/api/v1/emissions/submissions/", "401 202 403 403 403 202 401",
     emissions.file_of_a),
    ("emission-submission-detail", "GET", "/api/v1/emissions/submissions/{em_sub_a}/", API_OF_A, None),
    # -- continuous-monitoring channels and their coverage (public with their source; registered by its staff)
    ("emission-channel-list", "GET", "/api/v1/emissions/channels/?source={src_a}", API_PUBLIC, None),
    ("emission-channel-list", "POST", "/api/v1/emissions/channels/", API_ADD_A, channels.channel_of_a),
    ("emission-channel-detail", "GET", "/api/v1/emissions/channels/{ch_a}/", API_PUBLIC, None),
    ("emission-channel-detail", "GET", "/api/v1/emissions/channels/{ch_a_hidden}/", API_SEE_A, None),
    ("emission-channel-detail", "PUT", "/api/v1/emissions/channels/{ch_a}/", API_CHANGE_A, channels.channel_fields),
    ("emission-channel-detail", "PATCH", "/api/v1/emissions/channels/{ch_a}/", API_CHANGE_A, {"is_active": False}),
    ("emission-coverage-list", "GET", "/api/v1/emissions/coverage/?source={src_a}&month=2025-01", API_PUBLIC, None),
    ("emission-coverage-list", "GET", "/api/v1/emissions/coverage/?source={src_a_hidden}&year=2025", API_SEE_A,
     None),
    # -- a regime's verdicts (public with their sources; an unpublished source's for A, R1's inspectors, admins)
    ("regime-verdicts", "GET", "/api/v1/regimes/{verdict_regime}/verdicts/", API_PUBLIC, None),
    ("exceedance-list", "GET", f"{MON}exceedances/", API_LOGGED_IN, None),
    ("exceedance-list", "GET", f"{MON}exceedances/?point=AIR-A&pollutant=Cu&page_size=1", API_LOGGED_IN, None),
    ("result-list", "GET", f"{MON}results/?exceeds=false&since=2020-01-01", API_LOGGED_IN, None),
    ("alert-list", "GET", f"{MON}alerts/", API_LOGGED_IN, None),
    ("alert-detail", "GET", f"{MON}alerts/{{alert_a}}/", API_OF_A, None),
    ("alert-detail", "GET", f"{MON}alerts/{{alert_b}}/", API_OF_B, None),
    ("alert-update-status", "POST", f"{MON}alerts/{{alert_a}}/update_status/", API_DECIDE_A, ACKNOWLEDGE),
    ("point-list", "GET", f"{MON}points/", API_PUBLIC, None),
    ("point-list", "POST", f"{MON}points/", API_ADD_A, point_of_a),
    ("point-detail", "GET", f"{MON}points/{{pt_a_pub}}/", API_PUBLIC, None),
    ("point-detail", "GET", f"{MON}points/{{pt_a_hidden}}/", API_SEE_A, None),
    ("point-detail", "GET", f"{MON}points/{{pt_b_hidden}}/", API_SEE_B, None),
    # -- permits API (verified permits and published sources are public; drafts are their enterprise's)
    ("permit-list", "GET", "/api/v1/permits/", API_PUBLIC, None),
    ("permit-list", "POST", "/api/v1/permits/", API_ADD_A, permits.permit_of_a),
    ("permit-detail", "GET", "/api/v1/permits/{pm_a_verified}/", API_PUBLIC, None),
    ("permit-detail", "GET", "/api/v1/permits/{pm_a_draft}/", API_SEE_A, None),
    ("permit-detail", "GET", "/api/v1/permits/{pm_b_draft}/", API_SEE_B, None),
    ("permit-detail", "PUT", "/api/v1/permits/{pm_a_draft}/", API_FILE_A, permits.permit_fields),
    ("permit-detail", "PATCH", "/api/v1/permits/{pm_a_draft}/", API_FILE_A, {"issuer": "Ministry"}),
    ("permit-limits", "PUT", "/api/v1/permits/{pm_a_draft}/limits/", API_FILE_A, permits.limits_rows),
    ("permit-submit", "POST", "/api/v1/permits/{pm_a_draft}/submit/", API_FILE_A, None),
    ("permit-verify", "POST", "/api/v1/permits/{pm_a_submitted}/verify/", API_DECIDE_A, None),
    ("permit-return", "POST", "/api/v1/permits/{pm_a_submitted}/return/", API_DECIDE_A, REASONS),
    ("permit-history", "GET", "/api/v1/permits/{pm_a_verified}/history/", "401 200 403 200 403 200 401", None),
    ("source-list", "GET", "/api/v1/sources/", API_PUBLIC, None),
    ("source-list", "POST", "/api/v1/sources/", API_ADD_A, permits.source_of_a),
    ("source-detail", "GET", "/api/v1/sources/{src_a}/", API_PUBLIC, None),
    ("source-detail", "GET", "/api/v1/sources/{src_a_hidden}/", API_SEE_A, None),
    ("source-detail", "PUT", "/api/v1/sources/{src_a}/", API_CHANGE_A, permits.source_a_form),
    ("source-detail", "PATCH", "/api/v1/sources/{src_a}/", API_CHANGE_A, {"name": "Renamed"}),
    ("substance-list", "GET", "/api/v1/substances/", API_PUBLIC, None),
    # -- the public register's published releases (anyone), the transfers that do not reconcile (inspectors of
    # either party's region, administrators)
    ("releases-register", "GET", "/api/v1/releases/register/?enterprise={A}&year=2024&medium=air", API_PUBLIC, None),
    ("release-discrepancy-list", "GET", "/api/v1/releases/discrepancies/?year=2024", "401 403 403 200 200 200 401",
     None),
    # -- release reports API (never public; filed by the enterprise, decided by its region's inspectors)
    ("release-list", "GET", "/api/v1/releases/", API_LOGGED_IN, None),
    ("release-list", "POST", "/api/v1/releases/", API_ADD_A, releases.report_of_a),
    ("release-detail", "GET", "/api/v1/releases/{rel_a_draft}/", API_OF_A, None),
    ("release-detail", "GET", "/api/v1/releases/{rel_b_submitted}/", API_OF_B, None),
    ("release-detail", "PUT", "/api/v1/releases/{rel_a_draft}/", API_FILE_A, releases.REPLACE),
    ("release-submit", "POST", "/api/v1/releases/{rel_a_draft}/submit/", API_FILE_A, releases.confirmations_api),
    ("release-accept", "POST", "/api/v1/releases/{rel_a_submitted}/accept/", API_DECIDE_A, None),
    ("release-accept", "POST", "/api/v1/releases/{rel_b_submitted}/accept/", "401 404 403 200 404 200 401", None),
    ("release-return", "POST", "/api/v1/releases/{rel_a_submitted}/return/", API_DECIDE_A, REASONS),
    ("release-correct", "POST", "/api/v1/releases/{rel_a_accepted}/correct/", API_FILE_A, None),
    ("release-version", "GET", "/api/v1/releases/{rel_a_submitted}/versions/1/", API_OF_A, None),
    ("release-diff", "GET", "/api/v1/releases/{rel_a_submitted}/diff/?from=1&to=1", API_OF_A, None),
    # -- open statistics
    ("stats-waste", "GET", "/api/v1/stats/waste/", API_PUBLIC, None),
    ("stats-monitoring", "GET", "/api/v1/stats/monitoring/", API_PUBLIC, None),
    ("stats-releases", "GET", "/api/v1/stats/releases/", API_PUBLIC, None),
    # -- registry pages
    ("registry:deposit-list", "GET", "/registry/deposits/", PAGE_PUBLIC, None),
    ("registry:deposit-create", "GET", "/registry/deposits/new/", "L 200 200 403 403 200 L", None),
    ("registry:deposit-create", "POST", "/registry/deposits/new/", "L R F 403 403 R L", deposit_form_of_a),
    ("registry:deposit-detail", "GET", "/registry/deposits/{a_pub}/", PAGE_PUBLIC, None),
    ("registry:deposit-detail", "GET", "/registry/deposits/{a_hidden}/", PAGE_SEE_A, None),
    ("registry:deposit-detail", "GET", "/registry/deposits/{b_hidden}/", PAGE_SEE_B, None),
    ("registry:deposit-detail", "GET", "/registry/deposits/{a_r2_hidden}/", PAGE_SEE_A_R2, None),
    ("registry:deposit-edit", "GET", "/registry/deposits/{a_pub}/edit/", PAGE_CHANGE_A, None),
    ("registry:deposit-edit", "GET", "/registry/deposits/{a_hidden}/edit/", "L 200 404 403 404 200 L", None),
    ("registry:deposit-edit", "POST", "/registry/deposits/{a_pub}/edit/", "L R 403 403 403 R L", a_pub_form),
    ("registry:survey-add", "GET", "/registry/deposits/{b_hidden}/surveys/new/", "L 404 200 403 404 200 L", None),
    ("registry:survey-add", "POST", "/registry/deposits/{b_hidden}/surveys/new/", "L 404 R 403 404 R L", SURVEY),
    ("registry:survey-upload", "GET", "/registry/deposits/{a_pub}/surveys/upload/", PAGE_CHANGE_A, None),
    ("registry:survey-upload", "POST", "/registry/deposits/{a_pub}/surveys/upload/", PAGE_CHANGED_A, survey_file),
    ("registry:survey-template", "GET", "/registry/surveys-template.csv", PAGE_PUBLIC, None),
    ("registry:component-add", "GET", "/registry/deposits/{a_pub}/composition/new/", PAGE_CHANGE_A, None),
    ("registry:component-add", "POST", "/registry/deposits/{a_pub}/composition/new/", PAGE_CHANGED_A, COMPONENT),
    ("registry:deposit-history", "GET", "/registry/deposits/{a_pub}/history/", "L 200 403 200 403 200 L", None),
    ("registry:deposit-history", "GET", "/registry/deposits/{b_hidden}/history/", "L 404 200 200 404 200 L", None),
    ("registry:region-outlines", "GET", "/registry/regions/outlines.geojson", PAGE_PUBLIC, None),
    ("registry:enterprise-list", "GET", "/registry/enterprises/", PAGE_PUBLIC, None),
    ("registry:enterprise-detail", "GET", "/registry/enterprises/{A_pk}/", PAGE_PUBLIC, None),
    ("registry:enterprise-edit", "GET", "/registry/enterprises/{A_pk}/edit/", PAGE_CHANGE_A, None),
    ("registry:enterprise-edit", "POST", "/registry/enterprises/{A_pk}/edit/", PAGE_CHANGED_A, enterprise_a_form),
    ("registry:enterprise-history", "GET", "/registry/enterprises/{B_pk}/history/", "L 403 200 200 403 200 L", None),
    # -- release reports pages
    ("releases:list", "GET", "/releases/", PAGE_LOGGED_IN, None),
    ("releases:new", "GET", "/releases/new/", "L 200 200 403 403 200 L", None),
    ("releases:new", "POST", "/releases/new/", "L R F 403 403 R L", releases.new_report_page),
    ("releases:template-csv", "GET", "/releases/template-releases.csv", PAGE_PUBLIC, None),
    ("releases:template-xlsx", "GET", "/releases/template-transfers.xlsx", PAGE_PUBLIC, None),
    ("releases:detail", "GET", "/releases/{rel_a_draft}/", PAGE_OF_A, None),
    ("releases:detail", "GET", "/releases/{rel_b_draft}/", PAGE_OF_B, None),
    ("releases:version", "GET", "/releases/{rel_a_submitted}/versions/1/", PAGE_OF_A, None),
    ("releases:diff", "GET", "/releases/{rel_a_submitted}/diff/?from=1&to=1", PAGE_OF_A, None),
    ("releases:line-new", "GET", "/releases/{rel_a_draft}/releases/new/", "L 200 404 403 404 200 L", None),
    ("releases:line-new", "POST", "/releases/{rel_a_draft}/releases/new/", PAGE_FILE_A, releases.release_line),
    ("releases:line-edit", "GET", "/releases/{rel_a_draft}/transfers/1/", "L 404 404 403 404 404 L", None),
    ("releases:line-edit", "GET", "/releases/{rel_a_draft}/releases/1/", "L 200 404 403 404 200 L", None),
    ("releases:line-edit", "POST", "/releases/{rel_a_draft}/releases/1/", PAGE_FILE_A, releases.release_line),
    ("releases:line-delete", "POST", "/releases/{rel_a_draft}/releases/2/delete/", PAGE_FILE_A, None),
    ("releases:upload", "POST", "/releases/{rel_a_draft}/releases/upload/", PAGE_FILE_A, releases.releases_file),
    ("releases:submit", "POST", "/releases/{rel_a_draft}/submit/", PAGE_FILE_A, releases.confirmations_page),
    ("releases:accept", "POST", "/releases/{rel_a_submitted}/accept/", PAGE_DECIDE_A, None),
    ("releases:send-back", "POST", "/releases/{rel_a_submitted}/return/", PAGE_DECIDE_A, REASONS),
    ("releases:correct", "POST", "/releases/{rel_a_accepted}/correct/", PAGE_FILE_A, None),
    # -- returns pages
    ("returns:list", "GET", "/returns/", PAGE_LOGGED_IN, None),
    ("returns:new", "GET", "/returns/new/", "L 200 200 403 403 200 L", None),
    ("returns:new", "POST", "/returns/new/", "L R F 403 403 R L", new_return_page),
    ("returns:template-csv", "GET", "/returns/template.csv", PAGE_PUBLIC, None),
    ("returns:template-xlsx", "GET", "/returns/template.xlsx", PAGE_PUBLIC, None),
    ("returns:detail", "GET", "/returns/{ra_draft}/", PAGE_OF_A, None),
    ("returns:detail", "GET", "/returns/{rb_draft}/", PAGE_OF_B, None),
    ("returns:version", "GET", "/returns/{ra_submitted}/versions/1/", PAGE_OF_A, None),
    ("returns:diff", "GET", "/returns/{ra_submitted}/diff/?from=1&to=1", PAGE_OF_A, None),
    ("returns:line-check", "POST", "/returns/{ra_draft}/lines/check/", "L 200 404 403 404 200 L", line_form),
    ("returns:line-new", "GET", "/returns/{ra_draft}/lines/new/", "L 200 404 403 404 200 L", None),
    ("returns:line-new", "POST", "/returns/{ra_draft}/lines/new/", "L 200 404 403 404 200 L", line_form),
    ("returns:line-row", "GET", "/returns/{ra_draft}/lines/1/", PAGE_OF_A, None),
    ("returns:line-edit", "GET", "/returns/{ra_draft}/lines/1/edit/", "L 200 404 403 404 200 L", None),
    ("returns:line-edit", "POST", "/returns/{ra_draft}/lines/1/edit/", "L 200 404 403 404 200 L", line_form),
    ("returns:line-delete", "POST", "/returns/{ra_draft}/lines/2/delete/", "L 200 404 403 404 200 L", None),
    ("returns:upload", "POST", "/returns/{ra_draft}/upload/", PAGE_FILE_A, return_lines_file),
    ("returns:submit", "POST", "/returns/{ra_draft}/submit/", PAGE_FILE_A, confirmations_page),
    ("returns:accept", "POST", "/returns/{ra_submitted}/accept/", PAGE_DECIDE_A, None),
    ("returns:send-back", "POST", "/returns/{ra_submitted}/return/", PAGE_DECIDE_A, REASONS),
    ("returns:correct", "POST", "/returns/{ra_accepted}/correct/", PAGE_FILE_A, None),
    ("returns:late-filers", "GET", "/returns/late-filers/", "L 403 403 200 200 200 L", None),
    ("returns:late-filers", "GET", "/returns/late-filers/?format=csv", "L 403 403 200 200 200 L", None),
    # -- monitoring pages
    ("monitoring:point-map", "GET", "/monitoring/points/", PAGE_PUBLIC, None),
    # The map's rings and a point's popup (JSON): of the points the reader sees, with the results they may see
    # (test_leaks.py).
    ("monitoring:point-states", "GET", "/monitoring/points/states/", PAGE_PUBLIC, None),
    ("monitoring:point-latest", "GET", "/monitoring/points/{pt_a_pub}/latest/", PAGE_PUBLIC, None),
    ("monitoring:point-latest", "GET", "/monitoring/points/{pt_a_hidden}/latest/", PAGE_SEE_A, None),
    ("monitoring:point-chart", "GET", "/monitoring/points/{pt_a_pub}/Cu/", PAGE_LOGGED_IN, None),
    ("monitoring:point-chart", "GET", "/monitoring/points/{pt_a_hidden}/Cu/", PAGE_OF_A, None),
    # The raw results of a window: only the results the reader may see (none, for B's staff of a public point of A).
    ("monitoring:point-chart", "GET", "/monitoring/points/{pt_a_pub}/Cu/?window=5y&format=csv", PAGE_LOGGED_IN, None),
    ("monitoring:point-chart", "GET", "/monitoring/points/{pt_a_hidden}/Cu/?window=all&format=xlsx", PAGE_OF_A, None),
    ("monitoring:upload", "GET", "/monitoring/upload/", "L 200 200 403 403 200 L", None),
    ("monitoring:upload", "POST", "/monitoring/upload/", "L R F 403 403 R L", results_file_of_a),
    ("monitoring:template", "GET", "/monitoring/template.csv", PAGE_PUBLIC, None),
    ("monitoring:manual", "GET", "/monitoring/submit/", "L 200 200 403 403 200 L", None),
    ("monitoring:manual", "POST", "/monitoring/submit/", "L R F 403 403 R L", results_form_of_a),
    ("monitoring:submission-list", "GET", "/monitoring/submissions/", PAGE_LOGGED_IN, None),
    ("monitoring:submission", "GET", "/monitoring/submissions/{sub_a}/", PAGE_OF_A, None),
    ("monitoring:submission", "GET", "/monitoring/submissions/{sub_b}/", PAGE_OF_B, None),
    ("monitoring:alert-list", "GET", "/monitoring/alerts/", PAGE_LOGGED_IN, None),
    ("monitoring:alert-detail", "GET", "/monitoring/alerts/{alert_a}/", PAGE_OF_A, None),
    ("monitoring:alert-detail", "POST", "/monitoring/alerts/{alert_a}/", PAGE_DECIDE_A, ACKNOWLEDGE),
    ("monitoring:enterprise-matrix", "GET", "/monitoring/enterprises/{A_pk}/matrix/", PAGE_LOGGED_IN, None),
    ("monitoring:enterprise-matrix", "GET", "/monitoring/enterprises/{A_pk}/matrix/?window=all", PAGE_LOGGED_IN, None),
    ("monitoring:deposit-matrix", "GET", "/monitoring/deposits/{a_pub}/matrix/", PAGE_LOGGED_IN, None),
    ("monitoring:deposit-matrix", "GET", "/monitoring/deposits/{a_hidden}/matrix/", PAGE_OF_A, None),
    # Compliance with limits: everyone reads it; the enterprise, its region's inspectors and administrators every
    # figure, the others the published ones (monitoring/tests/test_compliance_page.py).
    ("monitoring:compliance", "GET", "/monitoring/compliance/{A_pk}/", PAGE_PUBLIC, None),
    ("monitoring:compliance", "GET", "/monitoring/compliance/{A_pk}/?year=2024", PAGE_PUBLIC, None),
    ("monitoring:compliance", "GET", "/monitoring/compliance/{A_pk}/?year=2999", "400 400 400 400 400 400 400", None),
    # -- permit pages
    ("permits:list", "GET", "/permits/", PAGE_PUBLIC, None),
    ("permits:template-csv", "GET", "/permits/template.csv", PAGE_PUBLIC, None),
    ("permits:template-xlsx", "GET", "/permits/template.xlsx", PAGE_PUBLIC, None),
    ("permits:enterprise", "GET", "/permits/enterprises/{A_pk}/", PAGE_PUBLIC, None),
    # -- a source's continuous data (public with the source; submissions and alerts for A, R1's inspectors, admins)
    ("emissions:source", "GET", "/emissions/sources/{src_a}/", PAGE_PUBLIC, None),
    ("emissions:source", "GET", "/emissions/sources/{src_a}/?month=2025-01&year=2025&window=all", PAGE_PUBLIC, None),
    ("emissions:source", "GET", "/emissions/sources/{src_a_hidden}/", PAGE_SEE_A, None),
    ("emissions:channel-new", "GET", "/emissions/sources/{src_a}/channels/new/", PAGE_CHANGE_A, None),
    ("emissions:channel-new", "POST", "/emissions/sources/{src_a}/channels/new/", PAGE_CHANGED_A,
     channels.channel_form),
    ("emissions:channel-edit", "GET", "/emissions/channels/{ch_a}/edit/", PAGE_CHANGE_A, None),
    ("emissions:channel-edit", "GET", "/emissions/channels/{ch_a_hidden}/edit/", "L 200 404 403 404 200 L", None),
    ("emissions:channel-edit", "POST", "/emissions/channels/{ch_a}/edit/", PAGE_CHANGED_A, channels.channel_edit_form),
    ("regimes:enterprise-verdicts", "GET", "/regimes/enterprises/{A_pk}/", PAGE_PUBLIC, None),
    ("regimes:verdict-series", "GET", "/regimes/verdicts/{verdict_a}/series/", PAGE_PUBLIC, None),
    ("regimes:verdict-series", "GET", "/regimes/verdicts/{verdict_a_hidden}/series/", PAGE_SEE_A, None),
    ("permits:new", "GET", "/permits/enterprises/{A_pk}/new/", PAGE_CHANGE_A, None),
    ("permits:new", "POST", "/permits/enterprises/{A_pk}/new/", PAGE_CHANGED_A, permits.permit_form),
    ("permits:source-new", "GET", "/permits/enterprises/{A_pk}/sources/new/", PAGE_CHANGE_A, None),
    ("permits:source-new", "POST", "/permits/enterprises/{A_pk}/sources/new/", PAGE_CHANGED_A, permits.source_form),
    ("permits:source-edit", "GET", "/permits/sources/{src_a}/edit/", PAGE_CHANGE_A, None),
    ("permits:source-edit", "GET", "/permits/sources/{src_a_hidden}/edit/", "L 200 404 403 404 200 L", None),
    ("permits:source-edit", "POST", "/permits/sources/{src_a}/edit/", PAGE_CHANGED_A, permits.source_a_form),
    ("permits:detail", "GET", "/permits/{pm_a_verified}/", PAGE_PUBLIC, None),
    ("permits:detail", "GET", "/permits/{pm_a_draft}/", PAGE_SEE_A, None),
    ("permits:detail", "GET", "/permits/{pm_b_draft}/", PAGE_SEE_B, None),
    ("permits:edit", "GET", "/permits/{pm_a_draft}/edit/", "L 200 404 403 404 200 L", None),
    ("permits:edit", "POST", "/permits/{pm_a_draft}/edit/", PAGE_FILE_A, permits.permit_form),
    ("permits:history", "GET", "/permits/{pm_a_verified}/history/", "L 200 403 200 403 200 L", None),
    ("permits:limit-new", "GET", "/permits/{pm_a_draft}/limits/new/", "L 200 404 403 404 200 L", None),
    ("permits:limit-new", "POST", "/permits/{pm_a_draft}/limits/new/", PAGE_FILE_A, permits.limit_form),
    ("permits:limit-edit", "GET", "/permits/{pm_a_draft}/limits/{lim_a}/edit/", "L 200 404 403 404 200 L", None),
    ("permits:limit-edit", "POST", "/permits/{pm_a_draft}/limits/{lim_a}/edit/", PAGE_FILE_A, permits.limit_form),
    ("permits:limit-delete", "POST", "/permits/{pm_a_draft}/limits/{lim_a}/delete/", PAGE_FILE_A, None),
    ("permits:placement-new", "GET", "/permits/{pm_a_draft}/placement/new/", "L 200 404 403 404 200 L", None),
    ("permits:placement-new", "POST", "/permits/{pm_a_draft}/placement/new/", PAGE_FILE_A, permits.placement_form),
    ("permits:placement-edit", "GET", "/permits/{pm_a_draft}/placement/{pl_a}/edit/", "L 200 404 403 404 200 L",
     None),
    ("permits:placement-delete", "POST", "/permits/{pm_a_draft}/placement/{pl_a}/delete/", PAGE_FILE_A, None),
    ("permits:upload", "POST", "/permits/{pm_a_draft}/upload/", PAGE_FILE_A, permits.limits_file),
    ("permits:submit", "POST", "/permits/{pm_a_draft}/submit/", PAGE_FILE_A, None),
    ("permits:verify", "POST", "/permits/{pm_a_submitted}/verify/", PAGE_DECIDE_A, None),
    ("permits:send-back", "POST", "/permits/{pm_a_submitted}/return/", PAGE_DECIDE_A, REASONS),
    # -- the public register of releases (what is published: anyone) and the transfers that do not reconcile (the
    # inspectors of either party's region, administrators); registry/releases/tests/test_register.py
    ("releases:register-enterprise", "GET", "/releases/register/enterprises/{A_pk}/", PAGE_PUBLIC, None),
    ("releases:register-enterprise", "GET", "/releases/register/enterprises/{B_pk}/?year=2024", PAGE_PUBLIC, None),
    ("releases:register-download", "GET", "/releases/register/enterprises/{A_pk}/download/?table=releases&format=csv",
     PAGE_PUBLIC, None),
    ("releases:register-download", "GET",
     "/releases/register/enterprises/{A_pk}/download/?table=transfers&format=xlsx", PAGE_PUBLIC, None),
    ("releases:source-map", "GET", "/releases/register/sources/", PAGE_PUBLIC, None),
    ("releases:discrepancies", "GET", "/releases/transfers/discrepancies/", "L 403 403 200 200 200 L", None),
    ("releases:discrepancies", "GET", "/releases/transfers/discrepancies/?year=2024", "L 403 403 200 200 200 L",
     None),
    # -- public subscriptions by e-mail: anyone, no login (monitoring/subscriptions/tests)
    ("subscriptions:subscribe", "GET", "/subscriptions/?enterprise={A_pk}", PAGE_PUBLIC, None),
    ("subscriptions:subscribe", "POST", "/subscriptions/", "R R R R R R R", subscriptions.subscribe_page),
    ("subscriptions:requested", "GET", "/subscriptions/requested/", PAGE_PUBLIC, None),
    ("subscriptions:confirm", "GET", "/subscriptions/confirm/{sub_confirm}/", PAGE_PUBLIC, None),
    ("subscriptions:confirm", "POST", "/subscriptions/confirm/{sub_confirm}/", PAGE_PUBLIC, None),
    ("subscriptions:unsubscribe", "GET", "/subscriptions/unsubscribe/{sub_unsubscribe}/", PAGE_PUBLIC, None),
    ("subscriptions:unsubscribe", "POST", "/subscriptions/unsubscribe/{sub_unsubscribe}/", PAGE_PUBLIC, None),
    ("subscriptions", "POST", "/api/v1/subscriptions/", "202 202 202 202 202 202 401", subscriptions.subscribe_api),
    # -- statistics and regional reports
    ("reports:dashboard", "GET", "/statistics/", PAGE_PUBLIC, None),
    ("reports:regional-table", "GET", "/statistics/regions/", PAGE_PUBLIC, None),
    ("reports:releases", "GET", "/statistics/releases/", PAGE_PUBLIC, None),
    ("reports:region", "GET", "/statistics/regions/{R1}/", PAGE_PUBLIC, None),
    ("reports:enterprise", "GET", "/statistics/enterprises/{A_pk}/", PAGE_PUBLIC, None),
    ("reports:reports", "GET", "/statistics/reports/", "L 403 403 200 200 200 L", None),
    ("reports:reports", "POST", "/statistics/reports/", "L 403 403 R F R L", report_of_r1),
    ("reports:report", "GET", "/statistics/reports/{report_r1}/", "L 404 404 200 404 200 L", None),
    ("reports:report-download", "GET", "/statistics/reports/{report_r2}/download/", "L 404 404 404 200 200 L", None),
    # -- adverse-weather regimes and regime plans (monitoring/regimes/tests/matrix.py)
    *regimes.ROWS,
    # -- the Django admin: representative rows (every admin URL: test_the_admin_admits_administrators_only)
    ("admin:index", "GET", "/admin/", "A A A A A 200 A", None),
    ("admin:login", "GET", "/admin/login/", "200 200 200 200 200 R 200", None),
    ("admin:app_list", "GET", "/admin/monitoring/", "A A A A A 200 A", None),
    ("admin:monitoring_pollutant_changelist", "GET", "/admin/monitoring/pollutant/", "A A A A A 200 A", None),
    ("admin:monitoring_unit_changelist", "GET", "/admin/monitoring/unit/", "A A A A A 200 A", None),
    ("admin:registry_deposit_changelist", "GET", "/admin/registry/deposit/", "A A A A A 200 A", None),
    ("admin:registry_deposit_change", "GET", "/admin/registry/deposit/{a_hidden}/change/", "A A A A A 200 A", None),
    ("admin:returns_wastereturn_changelist", "GET", "/admin/returns/wastereturn/", "A A A A A 200 A", None),
    ("admin:portal_user_changelist", "GET", "/admin/portal/user/", "A A A A A 200 A", None),
    ("admin:portal_outboxmessage_changelist", "GET", "/admin/portal/outboxmessage/", "A A A A A 200 A", None),
    ("admin:registry_region_change", "POST", "/admin/registry/region/{R2_pk}/change/", "A A A A A R A", region_r2_form),
    ("admin:registry_regionsplit_changelist", "GET", "/admin/registry/regionsplit/", "A A A A A 200 A", None),
    ("admin:registry_regionsplit_add", "POST", "/admin/registry/regionsplit/add/", "A A A A A F A", split_r2_off_r1),
    ("admin:registry_enterpriseregionperiod_changelist", "GET", "/admin/registry/enterpriseregionperiod/?awaiting=yes",
     "A A A A A 200 A", None),
    ("admin:registry_enterpriseregionperiod_changelist", "POST", "/admin/registry/enterpriseregionperiod/",
     "A A A A A R A", keep_a_region),
]
# fmt: on


def _body(body: Body, world: World) -> dict[str, Any] | None:
    return body(world) if callable(body) else body


def _fingerprint() -> list[tuple[str, str]]:
    """A digest of every table of the apps: equal before and after means nothing was written."""
    tables = sorted(
        {
            model._meta.db_table
            for label in ("portal", "registry", "returns", "monitoring", "emissions", "regimes", "reports", "knox")
            for model in apps.get_app_config(label).get_models()
        }
    )
    quote = connection.ops.quote_name
    query = " UNION ALL ".join(
        f"SELECT '{table}', md5(coalesce(string_agg(row::text, '|' ORDER BY row::text), '')) FROM {quote(table)} row"
        for table in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(query)
        return cursor.fetchall()


def _secrets(world: World, role: str, answer: str) -> list[str]:
    """What a refusal must not name: what only some roles see; and in a 404, whose the row is (any enterprise but
    the role's own, which the page's frame may show)."""
    secrets = list(SECRETS)
    if answer == "404":
        for name in ("A", "B"):
            if OWN_ENTERPRISE.get(role) != name:
                secrets += [world.objects[name].name, world.objects[name].bin]
    return secrets


def request(world: World, role: str, method: str, path: str, body: Body):
    client = world.client(role)
    data = _body(body, world)
    if path.startswith("/api/"):
        # A file goes as a form's upload would (multipart), anything else as JSON.
        upload = isinstance(data, dict) and any(isinstance(value, SimpleUploadedFile) for value in data.values())
        return getattr(client, method.lower())(path, data, format="multipart" if upload else "json")
    return getattr(client, method.lower())(path, data)


def row_id(entry: tuple[str, str, str, str, Body]) -> str:
    _key, method, path, _expected, body = entry
    what = getattr(body, "__name__", "") if callable(body) else ",".join(body or ())
    return f"{method} {path} {what}".strip()


@pytest.mark.parametrize(("key", "method", "path", "expected", "body"), ROWS, ids=[row_id(entry) for entry in ROWS])
def test_matrix(world, key, method, path, expected, body):
    url = path.format(**world.keys)
    # Every role's request is rolled back, so each starts from the same database.
    before = _fingerprint() if method != "GET" else None
    answers, problems = [], []
    for role, wanted in zip(ROLES, expected.split(), strict=True):
        with transaction.atomic():
            response = request(world, role, method, url, body)
            answer = site.outcome(response)
            refused = answer in site.REFUSALS or (answer == "200" and wanted == site.FORM_REFUSED)
            if before is not None and refused and _fingerprint() != before:
                problems.append(f"{role}: the refused {method} changed the database")
            elif answer == "200" and wanted == site.FORM_REFUSED:
                answer = site.FORM_REFUSED
            if answer in {"401", "403", "404"}:
                shown = [secret for secret in _secrets(world, role, answer) if secret in response.content.decode()]
                if shown:
                    problems.append(f"{role}: the refusal {answer} names {shown}")
            answers.append(answer)
            transaction.set_rollback(True)
    labelled = " ".join(f"{role}={answer}" for role, answer in zip(ROLES, answers, strict=True))
    assert " ".join(answers) == expected, f"{method} {url}: got {' '.join(answers)} ({labelled})"
    assert problems == []


# -- the Django admin: every pattern, every role but the administrator

ADMIN_PATTERNS = sorted(key for key in site.url_patterns() if site.is_admin(key))
# Its login page shows its form to whoever is not admitted; its logout sends them to its index (and that to the
# login page).
ADMIN_EXCEPTIONS = {"admin:login": "200", "admin:logout": site.ELSEWHERE}


@pytest.mark.parametrize("key", ADMIN_PATTERNS)
def test_the_admin_admits_administrators_only(world, key):
    path = site.admin_path(site.url_patterns()[key], world.keys)
    expected = ADMIN_EXCEPTIONS.get(key, site.TO_ADMIN_LOGIN)
    answers = {role: site.outcome(world.client(role).get(path)) for role in ROLES if role != "administrator"}
    assert answers == dict.fromkeys(answers, expected), path


# -- coverage: the table against the site


def test_every_url_pattern_has_a_row():
    covered = {key for key, *_ in ROWS}
    missing = [key for key in site.url_patterns() if key not in covered and not site.is_admin(key)]
    assert missing == [], f"URL patterns without a row in the permission matrix: {missing}"


def test_every_api_operation_has_a_row():
    covered = {(method, template) for _key, method, path, *_ in ROWS for _, template in site.operations_of(path)}
    missing = sorted(site.api_operations() - covered)
    assert missing == [], f"API operations without a row in the permission matrix: {missing}"


def test_every_row_names_a_pattern_and_operation_that_exist(world):
    patterns = site.url_patterns()
    stale = []
    for key, method, path, _expected, _body in ROWS:
        url = path.format(**world.keys)
        if key not in patterns:
            stale.append(f"{key}: no such URL pattern")
        elif site.key_of(url) != key:
            stale.append(f"{key}: {url} resolves to {site.key_of(url)}")
        # A path of the schema, with a method the schema does not have there.
        operations = site.operations_of(url)
        if operations and method not in {operation_method for operation_method, _ in operations}:
            stale.append(f"{key}: no operation {method} {sorted(template for _, template in operations)}")
    assert stale == []
