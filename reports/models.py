"""Statistics: the official published tables, with their source, and the reference figures per year."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from registry.models import Region


class PublishedSeries(models.Model):
    """One official table, as published (e.g. hazardous waste held at enterprises, by region)."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=300)
    source = models.TextField(_("source"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = _("published series")

    def __str__(self) -> str:
        return self.title


class PublishedValue(models.Model):
    """One figure of a published table. A null region is the republic as a whole."""

    series = models.ForeignKey(PublishedSeries, on_delete=models.CASCADE, related_name="values")
    indicator = models.CharField(_("indicator"), max_length=40)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=1)
    unit = models.CharField(_("unit"), max_length=40)
    # The row of the region in the official table, so that pages keep its order.
    row = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["series", "indicator", "row", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "indicator", "region", "year"],
                condition=Q(region__isnull=False),
                name="published_value_unique_regional",
            ),
            models.UniqueConstraint(
                fields=["series", "indicator", "year"],
                condition=Q(region__isnull=True),
                name="published_value_unique_national",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.series.code} {self.indicator} {self.region_id or 'KZ'} {self.year}: {self.value}"


class YearReference(models.Model):
    """Population and GDP of a year, entered by administrators; per-capita figures stay blank without them."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    population = models.PositiveBigIntegerField(_("average annual population"), null=True, blank=True)
    gdp_million_usd = models.DecimalField(_("GDP, million US$"), max_digits=14, decimal_places=1, null=True, blank=True)
    source = models.TextField(_("source"), blank=True)

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)
