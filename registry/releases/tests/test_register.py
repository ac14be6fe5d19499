"""The public register of an enterprise: its published releases against its limits, its transfers, the map of
sources, downloads and the API; what is below a threshold is kept, counted in the enterprise's own view, and
published nowhere."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from registry.permits.models import PermitStatus
from registry.permits.tests.factories import EmissionLimitFactory, EmissionSourceFactory, PermitFactory
from registry.releases import register
from registry.releases.models import ReleaseMedium, TransferDirection, TransferThreshold
from registry.releases.tests.factories import ReleaseThresholdFactory, SubstanceFactory, accepted_report
from registry.returns.models import WasteCode
from registry.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

YEAR = 2024


@pytest.fixture
def thresholds(db):
    """Hg to air: 10 kg/yr; SOx to air: 150,000 kg/yr (E-PRTR Annex II)."""
    return {
        "Hg": ReleaseThresholdFactory(substance=SubstanceFactory(code="Hg"), kg_per_year=Decimal("10")),
        "SOx": ReleaseThresholdFactory(substance=SubstanceFactory(code="SOx"), kg_per_year=Decimal("150000")),
    }


@pytest.fixture
def smelter(enterprise_a, thresholds):
    """A's stack 0001 is limited to 20,000 t/yr of SOx by its verified permit; it released 21,000 t of SOx in 2024
    (over the limit) and 4 kg of Hg (below Hg's threshold: kept, not published)."""
    permit = PermitFactory(enterprise=enterprise_a, status=PermitStatus.VERIFIED)
    stack = EmissionSourceFactory(enterprise=enterprise_a, code="0001", name="Main stack")
    EmissionLimitFactory(permit=permit, source=stack, substance=thresholds["SOx"].substance, tonnes_per_year="20000")
    accepted_report(
        enterprise=enterprise_a,
        year=YEAR,
        releases=[
            {"medium": ReleaseMedium.AIR, "substance": "SOx", "source": stack, "kg_per_year": "21000000"},
            {"medium": ReleaseMedium.AIR, "substance": "Hg", "kg_per_year": "4"},
        ],
    )
    return enterprise_a


def page(client, enterprise, **query) -> str:
    response = client.get(reverse("releases:register-enterprise", args=[enterprise.pk]), query)
    assert response.status_code == 200
    return response.content.decode()


def test_a_release_below_its_threshold_is_counted_in_the_own_view_and_absent_from_the_public_page_and_api(
    smelter, web, staff_a, inspector, api_client
):
    public = page(web(None), smelter)
    assert "SOx" in public and "21,000,000" in public
    assert "Hg" not in public and 'data-testid="unpublished"' not in public
    for user in (staff_a, inspector):
        own = page(web(user), smelter)
        assert "Hg" in own and 'data-testid="unpublished"' in own and 'data-testid="own-view"' in own
    records = api_client.get("/api/v1/releases/register/", {"enterprise": smelter.bin}).json()["results"]
    assert [(r["substance"], r["value"], r["unit"]) for r in records] == [("SOx", "21000000.000", "kg/yr")]
    assert {line.substance.code for line in register.published_lines()} == {"SOx"}


def test_the_public_page_shows_the_source_against_its_limit(smelter, web):
    public = page(web(None), smelter)
    assert 'data-source="0001" data-substance="SOx" data-status="over_limit"' in public
    assert "21,000" in public and "20,000" in public and "105 %" in public


def test_an_unverified_permit_and_an_unpublished_source_stay_off_the_public_page(enterprise_a, thresholds, web):
    hidden = EmissionSourceFactory(enterprise=enterprise_a, code="HIDDEN-9", is_published=False)
    draft = PermitFactory(enterprise=enterprise_a)
    EmissionLimitFactory(permit=draft, source=hidden, substance=thresholds["SOx"].substance)
    accepted_report(
        enterprise=enterprise_a, year=YEAR,
        releases=[{"medium": "air", "substance": "SOx", "source": hidden, "kg_per_year": "200000"}],
    )  # fmt: skip
    public = page(web(None), enterprise_a)
    assert "HIDDEN-9" not in public and 'id="map"' not in public
    assert list(register.published_sources()) == []


def test_the_map_of_sources_shows_published_sources_of_verified_permits(smelter, web):
    hidden = EmissionSourceFactory(enterprise=smelter, code="0002", is_published=False)
    EmissionLimitFactory(permit=smelter.permits.get(), source=hidden, substance=SubstanceFactory(code="SOx"))
    response = web(None).get(reverse("releases:source-map"))
    assert response.status_code == 200
    points = response.context["map_points"]
    assert [(p["name"], p["t"], p["kind"]) for p in points] == [("0001 Main stack", 21000.0, "air")]


def test_downloads_hold_the_published_releases_and_transfers(smelter, web, enterprise_b):
    WasteCode.objects.create(code="10 06 01", hazardous=False, chapter="10", name_en="Slags")
    accepted_report(
        enterprise=smelter, year=YEAR - 1,
        transfers=[{"direction": TransferDirection.SENT, "waste_code": "10 06 01", "counterpart_bin": enterprise_b.bin,
                    "tonnes": "2500"}],
    )  # fmt: skip
    url = reverse("releases:register-download", args=[smelter.pk])
    body = web(None).get(url, {"table": "releases", "format": "csv"}).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:3] == ["Year", "Medium", "Substance"]
    assert [(row[0], row[2], row[6], row[7]) for row in rows[1:]] == [("2024", "SOx", "21000000.000", "kg/yr")]
    workbook = load_workbook(io.BytesIO(web(None).get(url, {"table": "transfers", "format": "xlsx"}).content))
    [_header, transfer] = list(workbook.active.values)
    assert transfer[1] == "10 06 01" and transfer[6] == enterprise_b.name and transfer[7] == 2500
    assert web(None).get(url, {"table": "secrets", "format": "csv"}).status_code == 404


def test_transfers_below_their_threshold_are_not_published(enterprise_a, enterprise_b, web):
    """2,000 t of other waste a year (E-PRTR): 1,500 t sent is kept but not published."""
    TransferThreshold.objects.create(hazardous=False, tonnes_per_year=Decimal("2000"), default=True)
    WasteCode.objects.create(code="10 06 01", hazardous=False, chapter="10", name_en="Slags")
    accepted_report(
        enterprise=enterprise_a, year=YEAR,
        transfers=[{"direction": TransferDirection.SENT, "waste_code": "10 06 01", "counterpart_bin": enterprise_b.bin,
                    "tonnes": "1500"}],
    )  # fmt: skip
    assert list(register.published_transfers()) == []
    assert enterprise_b.name not in page(web(None), enterprise_a)


def test_an_enterprise_without_reports_has_an_empty_register(web):
    assert "No published release yet." in page(web(None), EnterpriseFactory())


def test_the_enterprise_page_links_to_its_register(enterprise_a, web):
    body = web(None).get(reverse("registry:enterprise-detail", args=[enterprise_a.pk])).content.decode()
    assert reverse("releases:register-enterprise", args=[enterprise_a.pk]) in body


def test_the_api_refuses_bad_filters(api_client):
    assert api_client.get("/api/v1/releases/register/", {"medium": "sky"}).status_code == 400
    assert api_client.get("/api/v1/releases/register/", {"enterprise": "12"}).status_code == 400


def test_the_page_reads_a_fixed_number_of_queries(smelter, web, django_assert_max_num_queries):
    client = web(None)
    with django_assert_max_num_queries(40) as few:
        page(client, smelter)
    stack = smelter.emission_sources.get()
    for year in (YEAR - 2, YEAR - 1):
        releases = [{"medium": "air", "substance": "SOx", "source": stack, "kg_per_year": "1"}]
        accepted_report(enterprise=smelter, year=year, releases=releases)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page(client, smelter, year=YEAR - 1)


def test_an_accepted_report_drops_only_its_enterprises_cached_pages(
    smelter, enterprise_b, web, django_capture_on_commit_callbacks
):
    client = web(None)
    pages = {
        "smelter": reverse("releases:register-enterprise", args=[smelter.pk]),
        "other": reverse("releases:register-enterprise", args=[enterprise_b.pk]),
        "map": reverse("releases:source-map"),
    }
    for url in pages.values():
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        accepted_report(enterprise=smelter, year=YEAR + 1, releases=[{"substance": "SOx", "kg_per_year": "4242424.5"}])
    response = client.get(pages["smelter"])
    assert response["X-Page-Cache"] == "miss" and "4,242,424.5" in response.content.decode()
    assert client.get(pages["other"])["X-Page-Cache"] == "hit"
    assert client.get(pages["map"])["X-Page-Cache"] == "miss"  # the tonnes in its popups
    with django_capture_on_commit_callbacks(execute=True):
        EmissionSourceFactory(enterprise=smelter, code="0005")
    assert client.get(pages["smelter"])["X-Page-Cache"] == "miss"
    assert client.get(pages["map"])["X-Page-Cache"] == "miss"
