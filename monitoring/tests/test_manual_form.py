"""A few results typed into /monitoring/submit/: the same checks as the API, every bad row listed, nothing
saved if one is bad; good rows are evaluated."""

import pytest

from monitoring.models import Alert, Result, Submission
from monitoring.tests.helpers import row

pytestmark = pytest.mark.django_db


def form_data(enterprise, rows: list[dict]) -> dict:
    data = {
        "enterprise": enterprise.pk,
        "form-TOTAL_FORMS": len(rows),
        "form-INITIAL_FORMS": 0,
        "form-MIN_NUM_FORMS": 0,
        "form-MAX_NUM_FORMS": 20,
    }
    for index, item in enumerate(rows):
        data.update({f"form-{index}-{name}": value for name, value in item.items()})
    return data


@pytest.fixture
def post_form(web, django_capture_on_commit_callbacks):
    def do(user, enterprise, rows):
        with django_capture_on_commit_callbacks(execute=True):
            return web(user).post("/monitoring/submit/", form_data(enterprise, rows))

    return do


def test_the_form_page_opens(points, staff_a, web):
    response = web(staff_a).get("/monitoring/submit/")

    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="form-0-point"' in page


def test_points_pollutants_and_units_are_chosen_from_lists(points, staff_a, web):
    page = web(staff_a).get("/monitoring/submit/").content.decode()

    assert '<select name="form-0-point"' in page and '<option value="AIR-1">AIR-1 (' in page
    assert '<select name="form-0-pollutant"' in page and '<option value="Cu">Cu — ' in page
    assert '<select name="form-0-unit"' in page and '<option value="mg/m3">' in page and '<option value="mg/l">' in page
    assert "time zone, Asia/Almaty, with the offset" in page  # the zone a time without an offset is taken in


def test_a_sampling_time_without_an_offset_is_taken_in_kazakhstan_time(points, staff_a, enterprise_a, post_form):
    response = post_form(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.001", sampled_at="2026-11-25 10:00")])

    assert response.status_code == 302
    assert Result.objects.get().sampled_at.isoformat() == "2026-11-25T05:00:00+00:00"


def test_good_rows_are_saved_and_evaluated(points, staff_a, enterprise_a, post_form):
    response = post_form(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.15"), row("GW-1", "Cu", "0.035", "mg/l")])

    assert response.status_code == 302
    submission = Submission.objects.get()
    assert response["Location"] == f"/monitoring/submissions/{submission.pk}/"
    assert submission.channel == "form"
    assert submission.status == "processed"
    assert sorted(Result.objects.values_list("severity", flat=True)) == [2, 3]
    assert Alert.objects.count() == 2


def test_empty_lines_of_the_form_are_ignored(points, staff_a, enterprise_a, post_form):
    empty = dict.fromkeys(("point", "pollutant", "sampled_at", "value", "unit", "averaging"), "")

    response = post_form(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.001"), empty, empty])

    assert response.status_code == 302
    assert Result.objects.count() == 1


def test_every_bad_row_is_listed_and_nothing_is_saved(points, staff_a, enterprise_a, post_form):
    rows = [
        row("AIR-1", "Cu", "0.03"),
        row("AIR-2", "Cu", "0.03"),
        row("AIR-1", "Cu", "-3"),
        row("AIR-1", "Cu", "0.03", "mg/l"),
        row("AIR-1", "Cu", "0.03", sampled_at="yesterday"),
    ]

    response = post_form(staff_a, enterprise_a, rows)

    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was saved" in page
    assert "Row 2, point: unknown monitoring point “AIR-2”." in page
    assert "Row 3, value: a concentration cannot be negative (-3)." in page
    assert "Row 4, unit: the unit “mg/l” does not fit the medium air." in page
    assert "Row 5, sampled_at:" in page
    assert "Row 1," not in page
    assert Result.objects.count() == 0
    assert Submission.objects.count() == 0


def test_staff_cannot_choose_another_enterprise(points, staff_a, enterprise_b, post_form):
    response = post_form(staff_a, enterprise_b, [row("AIR-1", "Cu", "0.03")])

    assert response.status_code == 200
    assert "enterprise" in response.context["choice"].errors
    assert Submission.objects.count() == 0


def test_errors_name_the_line_of_the_form_even_after_an_empty_line(points, staff_a, enterprise_a, post_form):
    empty = dict.fromkeys(("point", "pollutant", "sampled_at", "value", "unit", "averaging"), "")

    response = post_form(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.001"), empty, row("AIR-1", "Cu", "-1")])

    assert response.status_code == 400
    assert "Row 3, value: a concentration cannot be negative (-1)." in response.content.decode()
