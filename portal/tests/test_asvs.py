"""The OWASP ASVS 5.0 requirements (Levels 1 and 2) this portal meets, each mapped to the tests that show it.

ASVS 5.0 is the OWASP Application Security Verification Standard of May 2025 (https://owasp.org/www-project-
application-security-verification-standard/). Its requirement identifiers are chapter.section.requirement, e.g.
8.2.2 is chapter V8 Authorization, section V8.2 General Authorization Design. The table below names each
requirement this portal claims, a short paraphrase of it (read the standard for its exact wording) and the pytest
node ids (`path::test` or `path::Class::test`, parametrised tests by their function) whose passing shows it.

A row is a claim that must stay true: it belongs here only when the tests it names would fail were the requirement
no longer met. Requirements the portal meets by its configuration alone but no test pins down, and requirements it
does not meet yet, are left out; say so in the review rather than add a row without a test.

The tests of this module keep the table from rotting: every test named exists (renaming or deleting one fails
here), every topic the security issue asks for (authorization, uploads, brute force, tokens, headers) has a row,
and identifiers are well formed and unique.
"""

import importlib
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Requirement:
    asvs: str  # the ASVS 5.0 identifier, e.g. "8.2.2"
    level: int  # the lowest ASVS level that asks for it
    topic: str
    meaning: str  # a paraphrase, not the standard's words
    tests: tuple[str, ...]


MATRIX = "portal/tests/permission_matrix/test_matrix.py"
LEAKS = "portal/tests/permission_matrix/test_leaks.py"
HEADERS = "portal/tests/permission_matrix/test_headers.py"
TOKENS = "portal/tests/test_token_auth.py"
LOGIN = "portal/tests/test_login_throttling.py"
API_THROTTLE = "portal/tests/test_api_throttling.py"
ANONYMOUS = "portal/tests/test_anonymous_rate_limit.py"
ADDRESS = "portal/tests/test_client_address.py"
SECURITY_HEADERS = "portal/tests/test_security_headers.py"
ERRORS = "portal/tests/test_error_answers.py"
VALUES = "portal/tests/test_values.py"
UPLOADS = "portal/tests/test_uploads.py"
AUDIT = "portal/tests/test_audit_mechanism.py"
HOSTILE_ENDPOINTS = "portal/tests/hostile/test_endpoints.py"
HOSTILE_PARSERS = "portal/tests/hostile/test_parsers.py"
HOSTILE_FILES = "monitoring/tests/test_hostile_files.py"
JURISDICTION = "registry/tests/test_jurisdiction_fields.py"
SURVEY_UPLOAD = "registry/tests/test_survey_upload.py"
RETURN_UPLOAD = "registry/returns/tests/test_upload.py"
RESULT_UPLOAD = "monitoring/tests/test_upload.py"
PAGE_CACHE = "reports/tests/test_page_cache.py"

ASVS: tuple[Requirement, ...] = (
    # V8 Authorization
    Requirement(
        "8.2.1",
        1,
        "authorization",
        "Each function (page, API operation, admin) is open only to the roles explicitly allowed it.",
        (
            f"{MATRIX}::test_matrix",
            f"{MATRIX}::test_the_admin_admits_administrators_only",
            f"{MATRIX}::test_every_url_pattern_has_a_row",
            f"{MATRIX}::test_every_api_operation_has_a_row",
            f"{TOKENS}::test_the_token_admin_is_for_administrators_only",
        ),
    ),
    Requirement(
        "8.2.2",
        1,
        "authorization",
        "Each record is reachable only by those allowed that very record (no IDOR/BOLA): another enterprise's "
        "data, another user's tokens and unpublished monitoring points stay out of reach.",
        (
            f"{LEAKS}::test_each_role_reads_exactly_what_it_may",
            f"{MATRIX}::test_matrix",
            f"{TOKENS}::test_nobody_sees_or_revokes_another_users_token",
            f"{RESULT_UPLOAD}::test_staff_cannot_upload_for_another_enterprise",
            f"{SURVEY_UPLOAD}::test_staff_of_another_enterprise_cannot_upload",
            "reports/tests/test_small_cells.py::test_an_unpublished_points_results_are_not_in_the_public_statistics",
        ),
    ),
    Requirement(
        "8.2.3",
        2,
        "authorization",
        "Field-level write access (no BOPLA): the fields deciding jurisdiction (an enterprise's region and BIN, a "
        "deposit's region) are changed by administrators only, through the API and the forms alike.",
        (
            f"{JURISDICTION}::test_staff_cannot_move_their_enterprise_to_another_region",
            f"{JURISDICTION}::test_nor_through_the_form",
            f"{JURISDICTION}::test_staff_cannot_change_their_enterprise_bin",
            f"{JURISDICTION}::test_staff_cannot_move_a_deposit_to_another_region",
            f"{JURISDICTION}::test_nor_through_the_deposit_form",
            f"{JURISDICTION}::test_an_administrator_may",
        ),
    ),
    Requirement(
        "8.3.1",
        1,
        "authorization",
        "Authorization is decided on the server, in one module, never by what the client shows or sends; "
        "requests forged past the pages are refused and write nothing.",
        (
            "portal/tests/test_permission_authority.py::test_no_role_test_outside_the_permission_module",
            f"{MATRIX}::test_matrix",
        ),
    ),
    # V5 File Handling (and V1.5 safe XML parsing of the workbooks)
    Requirement(
        "5.2.1",
        1,
        "uploads",
        "Files and bodies are accepted only up to a size (and rows, columns, cells) the portal can process; "
        "larger ones are refused before they are read.",
        (
            f"{ERRORS}::test_a_file_upload_over_the_limit_is_refused_before_it_is_read",
            f"{ERRORS}::test_a_json_body_over_10_mb_is_a_json_413",
            f"{SURVEY_UPLOAD}::test_file_over_the_size_limit_is_refused",
            f"{HOSTILE_FILES}::test_the_request_reads_no_more_than_the_first_bytes",
            f"{UPLOADS}::test_too_many_columns_names_the_row",
            f"{UPLOADS}::test_a_cell_longer_than_a_spreadsheet_cell_is_refused",
            f"{UPLOADS}::test_csv_refusals",
        ),
    ),
    Requirement(
        "5.2.2",
        1,
        "uploads",
        "An upload's extension must be an expected one and its content must really be of that type "
        "(a ZIP workbook, UTF-8 text CSV).",
        (
            f"{SURVEY_UPLOAD}::test_wrong_files_are_refused_by_type_and_content",
            f"{RETURN_UPLOAD}::test_a_file_of_another_type_is_refused",
            f"{RESULT_UPLOAD}::test_a_file_of_another_type_is_refused",
            f"{UPLOADS}::test_not_a_zip_archive",
        ),
    ),
    Requirement(
        "5.2.3",
        2,
        "uploads",
        "Compressed files (XLSX) are held to a maximum unpacked size while streaming, never expanded first.",
        (
            f"{UPLOADS}::test_a_bomb_is_refused_at_the_row_limit_after_unpacking_a_sliver_of_it",
            f"{UPLOADS}::test_bytes_unpacked_are_counted_whatever_the_rows",
            f"{HOSTILE_FILES}::test_a_decompression_bomb_fails_at_the_row_limit_without_being_unpacked",
            f"{HOSTILE_FILES}::test_a_bomb_of_endless_whitespace_fails_at_the_unpacked_limit",
            f"{SURVEY_UPLOAD}::test_a_decompression_bomb_is_refused_at_once_naming_the_limit",
            f"{RETURN_UPLOAD}::test_a_decompression_bomb_is_refused_at_once_naming_the_limit",
        ),
    ),
    Requirement(
        "1.5.1",
        1,
        "uploads",
        "XML parsers are restrictive: a workbook part declaring a DOCTYPE or entities (XXE, billion laughs) is "
        "refused before anything is expanded.",
        (
            f"{UPLOADS}::test_a_doctype_in_the_sheet_is_refused_before_anything_is_expanded",
            f"{UPLOADS}::test_a_doctype_in_any_part_is_refused",
            f"{UPLOADS}::test_a_doctype_in_utf16_is_refused_too",
            f"{HOSTILE_FILES}::test_a_poisoned_workbook_fails_at_once_with_its_reason",
        ),
    ),
    # V6 Authentication, V4.1.3 and V2.4.1: brute force and anti-automation
    Requirement(
        "6.3.1",
        1,
        "brute force",
        "Password guessing and credential stuffing are throttled, per address and per user name, on the login "
        "pages and the token endpoint alike, without letting a stranger lock the owner out.",
        (
            f"{LOGIN}::test_five_failures_lock_that_username_from_that_address",
            f"{LOGIN}::test_a_stranger_cannot_lock_the_owner_out",
            f"{LOGIN}::test_the_locked_address_may_still_log_in_as_someone_else",
            f"{LOGIN}::test_the_token_endpoint_is_throttled_the_same_way",
            f"{LOGIN}::test_the_login_pages_are_throttled_per_address_too",
            f"{LOGIN}::test_failures_anywhere_count_against_the_address",
            f"{LOGIN}::test_many_user_names_from_one_address_cost_no_hashing_past_the_limit",
            f"{LOGIN}::test_behind_the_trusted_proxy_a_stranger_cannot_lock_the_owner_out",
        ),
    ),
    Requirement(
        "6.3.2",
        1,
        "brute force",
        "No default accounts in production: the demo accounts, whose passwords are published, exist only in demo "
        "mode, which a production start-up refuses.",
        ("portal/tests/test_production_settings.py::test_demo_mode_is_refused_in_production",),
    ),
    Requirement(
        "4.1.3",
        2,
        "brute force",
        "X-Forwarded-For counts only as written by the configured trusted proxy; a client cannot name its own "
        "address to escape a throttle or to throttle someone else.",
        (
            f"{ADDRESS}::test_an_untrusted_client_cannot_name_its_address",
            f"{ADDRESS}::test_the_right_most_address_no_trusted_proxy_wrote",
            f"{LOGIN}::test_a_forwarded_address_from_an_untrusted_client_is_ignored",
            f"{API_THROTTLE}::test_a_client_naming_new_addresses_in_x_forwarded_for_is_still_limited",
        ),
    ),
    Requirement(
        "2.4.1",
        2,
        "brute force",
        "Anti-automation against excessive calls: anonymous API and page requests are rate limited per client, "
        "a user holds a bounded number of tokens, made-up query parameters store nothing in the cache.",
        (
            f"{API_THROTTLE}::test_anonymous_api_clients_are_rate_limited",
            f"{API_THROTTLE}::test_the_limit_is_per_client_address",
            f"{ANONYMOUS}::test_an_anonymous_reader_is_limited_per_address",
            f"{ANONYMOUS}::test_every_page_counts_towards_one_limit",
            f"{TOKENS}::test_a_user_holds_a_limited_number_of_tokens",
            f"{PAGE_CACHE}::test_random_query_parameters_store_no_cache_entry",
        ),
    ),
    # V7 Session Management: the API tokens are reference tokens (V9 is for self-contained tokens, not used here)
    Requirement(
        "7.2.1",
        1,
        "tokens",
        "Every token is verified by the backend on each request: expired or unknown tokens are refused.",
        (
            f"{TOKENS}::test_an_expired_token_is_refused",
            f"{TOKENS}::test_the_public_is_asked_to_authenticate",
        ),
    ),
    Requirement(
        "7.2.2",
        1,
        "tokens",
        "Tokens are issued dynamically on authentication, a new one per request, no static API keys.",
        (
            f"{TOKENS}::test_token_for_username_and_password",
            f"{TOKENS}::test_each_request_issues_a_token_of_its_own",
        ),
    ),
    Requirement(
        "7.4.1",
        1,
        "tokens",
        "A revoked or expired token can no longer be used.",
        (
            f"{TOKENS}::test_the_owner_revokes_one_token",
            f"{TOKENS}::test_a_token_can_revoke_itself",
            f"{TOKENS}::test_revoke_all_ends_every_token_of_the_user",
            f"{TOKENS}::test_an_expired_token_is_refused",
        ),
    ),
    Requirement(
        "7.4.2",
        1,
        "tokens",
        "A deactivated account's tokens stop working and it gets no new ones.",
        (
            f"{TOKENS}::test_an_inactive_users_token_is_refused",
            f"{TOKENS}::test_inactive_user_gets_no_token",
        ),
    ),
    Requirement(
        "7.4.3",
        2,
        "tokens",
        "A password change, however made (form, admin, command line, direct hash write), ends all the user's "
        "API tokens.",
        (
            f"{TOKENS}::test_a_password_change_revokes_every_token_of_the_user",
            f"{TOKENS}::test_a_password_changed_in_the_admin_revokes_the_tokens",
            f"{TOKENS}::test_a_password_changed_on_the_command_line_revokes_the_tokens",
            f"{TOKENS}::test_a_new_password_hash_written_directly_revokes_the_tokens",
        ),
    ),
    Requirement(
        "7.4.5",
        2,
        "tokens",
        "Administrators can end the tokens of any one user.",
        (f"{TOKENS}::test_administrators_list_and_revoke_anyones_tokens",),
    ),
    # V3 Web Frontend Security, V13.4 and V14.3: headers
    Requirement(
        "3.4.3",
        2,
        "headers",
        "Every answer carries a strict Content-Security-Policy (own files only, no inline script or style) that "
        "the pages, the admin and the API browser keep to.",
        (
            f"{HEADERS}::test_every_answer_carries_the_security_headers_and_keeps_to_its_policy",
            f"{HEADERS}::test_the_check_finds_what_the_policy_refuses",
            "portal/tests/test_browser_csp.py::test_the_admin_and_the_browsable_api_work_under_the_policy",
            f"{SECURITY_HEADERS}::test_the_tile_server_of_the_map_is_allowed_for_images",
        ),
    ),
    Requirement(
        "3.4.4",
        2,
        "headers",
        "X-Content-Type-Options: nosniff is sent (a production start-up without it fails Django's deploy check).",
        ("portal/tests/test_production_settings.py::test_production_passes_check_deploy_with_no_warning",),
    ),
    Requirement(
        "3.4.5",
        2,
        "headers",
        "A Referrer-Policy keeps paths and queries from leaking to other sites.",
        (f"{HEADERS}::test_every_answer_carries_the_security_headers_and_keeps_to_its_policy",),
    ),
    Requirement(
        "14.3.2",
        2,
        "headers",
        "Private pages and every API answer carry Cache-Control: no-store so browsers keep no copy.",
        (
            f"{SECURITY_HEADERS}::test_private_answers_and_api_answers_are_never_stored_on_the_way",
            f"{HEADERS}::test_every_answer_carries_the_security_headers_and_keeps_to_its_policy",
        ),
    ),
    Requirement(
        "14.2.2",
        2,
        "headers",
        "The server's page cache holds only public pages: nothing of a logged-in reader, no CSRF token or session.",
        (
            f"{PAGE_CACHE}::test_logged_in_readers_get_fresh_pages_and_never_fill_the_cache",
            f"{PAGE_CACHE}::test_no_csrf_token_or_session_is_shared_through_the_cache",
        ),
    ),
    Requirement(
        "13.4.4",
        2,
        "headers",
        "HTTP TRACE (and TRACK) is refused, in Django and through gunicorn.",
        (
            f"{SECURITY_HEADERS}::test_trace_is_refused_everywhere",
            f"{SECURITY_HEADERS}::test_trace_is_refused_through_gunicorn",
        ),
    ),
    Requirement(
        "13.4.2",
        2,
        "configuration",
        "Debug mode is off in production (Django's deploy check, run at the warning level, passes).",
        ("portal/tests/test_production_settings.py::test_production_passes_check_deploy_with_no_warning",),
    ),
    # V2 Validation and Business Logic
    Requirement(
        "2.2.1",
        1,
        "input",
        "All input is validated positively: numbers within what their column holds (refused, never rounded), "
        "ASCII digits only, plausible years, no control characters.",
        (
            f"{VALUES}::test_a_number_the_column_cannot_hold_is_refused_never_rounded",
            f"{VALUES}::test_an_integer_in_other_digits_or_shapes_is_refused",
            f"{VALUES}::test_text_with_a_control_character_is_refused",
            f"{VALUES}::test_years_run_from_1900_to_this_year",
            f"{HOSTILE_ENDPOINTS}::test_a_write_endpoint_refuses_hostile_values_cleanly",
            f"{HOSTILE_PARSERS}::test_return_lines_parse_into_what_the_columns_hold_or_name_line_and_field",
            "registry/tests/test_hostile_values.py::test_the_api_refuses_a_deposit_value_its_column_does_not_hold",
            "monitoring/tests/test_hostile_values.py::test_the_api_refuses_naming_row_and_field",
        ),
    ),
    Requirement(
        "2.2.2",
        1,
        "input",
        "Validation is enforced on the server, the same for the API as for the forms, on every write endpoint.",
        (
            f"{VALUES}::test_the_api_fields_refuse_what_the_forms_refuse",
            f"{VALUES}::test_every_model_form_of_the_apps_reads_values_as_portal_values_defines_them",
            f"{HOSTILE_ENDPOINTS}::test_every_write_of_the_site_is_fuzzed",
        ),
    ),
    Requirement(
        "2.2.3",
        2,
        "input",
        "Related values must agree: a deposit's coordinates must lie within its region's outline.",
        (
            f"{JURISDICTION}::test_staff_cannot_send_coordinates_outside_the_deposits_region",
            f"{JURISDICTION}::test_a_new_deposits_region_follows_its_location",
            "registry/tests/test_outlines.py::test_a_location_lies_in_its_region",
        ),
    ),
    Requirement(
        "2.3.3",
        2,
        "input",
        "A business operation succeeds whole or leaves nothing: a file is saved entirely or refused entirely, "
        "and its audit record shares the write's transaction.",
        (
            f"{HOSTILE_PARSERS}::test_a_file_of_results_ends_processed_or_failed_never_half_saved",
            f"{HOSTILE_PARSERS}::test_a_file_of_lines_is_read_into_the_draft_or_refused_whole",
            f"{SURVEY_UPLOAD}::test_bad_rows_are_all_reported_and_nothing_is_saved",
            f"{AUDIT}::test_the_record_shares_the_transaction_of_the_write",
        ),
    ),
    # V16 Security Logging and Error Handling
    Requirement(
        "16.2.1",
        2,
        "logging",
        "Each audit record says who changed what (old and new values) in which record, including jurisdiction "
        "changes made by administrators.",
        (
            f"{AUDIT}::test_the_actor_is_whoever_acting_names",
            f"{AUDIT}::test_the_request_user_acts_in_a_request",
            f"{JURISDICTION}::test_an_administrator_sets_a_deposits_region_and_the_history_records_it",
        ),
    ),
    Requirement(
        "16.2.5",
        2,
        "logging",
        "Secrets are not logged: the audit trail records only that a password changed; no Redis password is shown.",
        (
            f"{AUDIT}::test_creating_records_the_values_and_of_the_password_only_that_it_was_set",
            f"{AUDIT}::test_a_new_password_is_recorded_as_changed_only",
            "portal/tests/test_checks.py::test_no_password_of_the_url_is_shown",
        ),
    ),
    Requirement(
        "16.5.2",
        2,
        "logging",
        "With the database or Redis down the portal answers 503 with Retry-After (JSON for API clients), and a "
        "database outage while reading a file is retried, not lost.",
        (
            f"{ERRORS}::test_with_the_database_down_api_clients_get_a_json_503_and_browsers_a_page",
            f"{ERRORS}::test_with_the_cache_down_api_clients_get_a_json_503",
            f"{ANONYMOUS}::test_pages_are_served_when_the_cache_cannot_be_reached",
            f"{HOSTILE_FILES}::test_a_database_outage_while_reading_is_tried_again",
        ),
    ),
    Requirement(
        "16.5.3",
        2,
        "logging",
        "Processing fails closed: an unexpected error reading a file fails the submission with a reason and "
        "saves none of its rows.",
        (
            f"{HOSTILE_FILES}::test_any_unexpected_error_reading_a_file_fails_it_at_once",
            f"{HOSTILE_FILES}::test_a_poisoned_workbook_fails_at_once_with_its_reason",
        ),
    ),
)

# The chapters the security issue (#11) names; each needs at least one row.
REQUIRED_TOPICS = {"authorization", "uploads", "brute force", "tokens", "headers"}


def _find(node_id: str) -> object:
    path, *names = node_id.split("::")
    assert (ROOT / path).is_file(), f"{node_id}: no file {path}"
    module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    found: object = module
    for name in names:
        assert hasattr(found, name), f"{node_id}: no {name}"
        found = getattr(found, name)
    return found


@pytest.mark.parametrize("requirement", ASVS, ids=[row.asvs for row in ASVS])
def test_every_test_a_requirement_names_exists(requirement):
    assert requirement.tests, f"{requirement.asvs} names no test"
    for node_id in requirement.tests:
        found = _find(node_id)
        assert callable(found) and node_id.rsplit("::", 1)[-1].startswith("test_"), f"{node_id} is not a test"


def test_every_topic_of_the_issue_has_a_requirement():
    assert REQUIRED_TOPICS - {row.topic for row in ASVS} == set()


def test_requirements_are_asvs_5_identifiers_at_level_1_or_2_each_once():
    ids = [row.asvs for row in ASVS]
    assert len(ids) == len(set(ids))
    for row in ASVS:
        assert re.fullmatch(r"([1-9]|1[0-7])\.[1-9]\d?\.[1-9]\d?", row.asvs), row.asvs
        assert row.level in (1, 2), row.asvs
        assert row.meaning.strip(), row.asvs


def test_the_check_catches_a_test_that_is_gone():
    with pytest.raises(AssertionError, match="no test_that_never_was"):
        _find(f"{TOKENS}::test_that_never_was")
    with pytest.raises(AssertionError, match="no file"):
        _find("portal/tests/test_never_written.py::test_anything")
