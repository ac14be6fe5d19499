"""The admin of the statistics: administrators enter population and GDP per year, and read the published tables
and the regional reports, which they do not edit; nobody else gets in, whatever Django permissions they hold."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from portal.models import ChangeRecord
from reports.models import PublishedSeries, PublishedValue, RegionalReport, YearReference

READ_ONLY = ["publishedseries", "publishedvalue", "regionalreport"]


def url(model: str, view: str, *args) -> str:
    return reverse(f"admin:reports_{model}_{view}", args=args)


@pytest.fixture
def admin_web(web, administrator):
    return web(administrator)


def refused(response) -> bool:
    """The site sends whoever may not administer to its login page; a page reached anyway answers 403."""
    to_login = response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    return to_login or response.status_code == 403


@pytest.fixture
def rows(region, inspector):
    series = PublishedSeries.objects.create(code="held", title="Hazardous waste held", source="Bureau of statistics")
    return {
        "yearreference": YearReference.objects.create(year=2023, population=19_900_000),
        "publishedseries": series,
        "publishedvalue": PublishedValue.objects.create(
            series=series, indicator="held", region=region, year=2023, value=Decimal("12.5"), unit="thousand tonnes"
        ),
        "regionalreport": RegionalReport.objects.create(
            region=region,
            year=2023,
            language="en",
            requested_by=inspector,
            status="failed",
            attempts=3,
            error_code="exception",
            error_params={"detail": "No data."},
        ),
    }


def test_administrator_enters_year_references(rows, admin_web, administrator):
    assert admin_web.get(url("yearreference", "changelist")).status_code == 200
    data = {"year": 2024, "population": 20_100_000, "gdp_million_usd": "288000.5", "source": "Bureau of statistics"}
    assert admin_web.post(url("yearreference", "add"), data).status_code == 302
    added = YearReference.objects.get(year=2024)
    assert added.gdp_million_usd == Decimal("288000.5")

    changed = rows["yearreference"]
    data = {"year": 2023, "population": 19_950_000, "gdp_million_usd": "", "source": ""}
    assert admin_web.post(url("yearreference", "change", changed.pk), data).status_code == 302
    changed.refresh_from_db()
    assert changed.population == 19_950_000
    kinds = set(ChangeRecord.objects.filter(user=administrator).values_list("object_id", "kind"))
    assert kinds == {(added.pk, "create"), (changed.pk, "update")}


@pytest.mark.parametrize("model", READ_ONLY)
def test_tables_and_reports_are_read_only(rows, admin_web, model):
    row = rows[model]
    assert admin_web.get(url(model, "changelist")).status_code == 200
    assert admin_web.get(url(model, "change", row.pk)).status_code == 200
    assert admin_web.get(url(model, "add")).status_code == 403
    assert admin_web.post(url(model, "change", row.pk), {}).status_code == 403
    assert admin_web.post(url(model, "delete", row.pk), {"post": "yes"}).status_code == 403
    assert type(row).objects.filter(pk=row.pk).exists()


def test_report_list_shows_status_and_error(rows, admin_web):
    page = admin_web.get(url("regionalreport", "changelist")).content.decode()
    assert "No data." in page
    assert "failed" in page


@pytest.mark.parametrize("role", ["inspector", "staff_a"])
def test_nobody_else_gets_in(rows, web, rf, request, role):
    user = request.getfixturevalue(role)
    # Even a staff user holding every Django permission of the app: the role decides.
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="reports"))
    client = web(user)

    for model in ["yearreference", *READ_ONLY]:
        assert refused(client.get(url(model, "changelist"))), model
        assert refused(client.get(url(model, "change", rows[model].pk))), model
    assert refused(client.get(url("yearreference", "add")))
    # The pages refuse by themselves too, whoever the site lets in.
    asking = rf.get("/")
    asking.user = user
    for model in [YearReference, PublishedSeries, PublishedValue, RegionalReport]:
        model_admin = admin.site.get_model_admin(model)
        assert not model_admin.has_module_permission(asking)
        assert not model_admin.has_view_permission(asking)
