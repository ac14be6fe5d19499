"""Reference data changed: a year's population drops the answers with per-capita figures, the published series
drop the answers that show them, a region's change drops everything."""

from decimal import Decimal

from monitoring.models import Pollutant
from registry.models import Region
from reports.models import PublishedValue, YearReference

NATIONAL = {"dashboard", "home"}


def test_a_year_reference_changed_drops_the_national_indicators_only(world, cached_after):
    def change() -> None:
        reference = YearReference.objects.exclude(population=None).latest("year")
        reference.population = reference.population + 1
        reference.save()

    assert set(world.pages()) - cached_after(change) == NATIONAL


def test_a_published_value_changed_drops_the_answers_that_show_published_figures(world, cached_after):
    def change() -> None:
        value = PublishedValue.objects.filter(region=world.karaganda).earliest("year")
        value.value += Decimal("0.1")
        value.save()

    assert set(world.pages()) - cached_after(change) == NATIONAL | {
        "regional table", "region K", "region P", "API waste", "API waste 2023", "API waste 2022", "API waste K",
        "API waste 2023 K", "API waste 2023 P", "API waste 2022 K",
    }  # fmt: skip


def test_a_region_changed_drops_everything(world, cached_after):
    def rename() -> None:
        region = Region.objects.get(pk=world.pavlodar.pk)
        region.name_en = "Pavlodar Region"
        region.save()

    assert cached_after(rename) == set()


def test_a_pollutant_renamed_drops_everything(world, cached_after):
    """Its name shows in map popups, charts and downloads: reference rows are not narrowed."""

    def rename() -> None:
        pollutant = Pollutant.objects.create(code="CD-NEW", name_en="Cadmium")
        pollutant.name_en = "Cadmium (renamed)"
        pollutant.save()

    assert cached_after(rename) == set()
