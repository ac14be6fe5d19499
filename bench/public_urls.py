"""The URLs of the load tests (scripts/loadtest.sh, bench/bench_read_under_writes.py): every public page kind and the
stats API, from the demo data, one "group kind path" a line (scripts/loadtest.lua reads them)."""

from registry.models import Deposit, Enterprise, Region
from reports.models import WasteAggregate


def public_urls() -> list[str]:
    lines = [
        "home page /",
        "deposit-list page /registry/deposits/",
        "deposit-list page /registry/deposits/?region=KZ-35",
        "enterprise-list page /registry/enterprises/",
        "points page /monitoring/points/",
        "statistics page /statistics/",
        "regional-table page /statistics/regions/",
        "regional-table page /statistics/regions/?order=-2019",
    ]
    lines += [f"deposit page /registry/deposits/{pk}/" for pk in Deposit.objects.filter(is_published=True)
              .order_by("pk").values_list("pk", flat=True)[:20]]  # fmt: skip
    regions = list(Region.objects.order_by("iso_code").values_list("iso_code", flat=True))
    lines += [f"region page /statistics/regions/{iso}/" for iso in regions]
    lines += [f"enterprise page /statistics/enterprises/{pk}/" for pk in Enterprise.objects.order_by("pk")
              .values_list("pk", flat=True)[:20]]  # fmt: skip
    years = sorted(set(WasteAggregate.objects.values_list("year", flat=True)))
    lines += [f"api-waste api /api/v1/stats/waste/?year={year}" for year in years]
    lines += [f"api-waste api /api/v1/stats/waste/?region={iso}" for iso in regions[:10]]
    lines += [
        "api-monitoring api /api/v1/stats/monitoring/",
        "api-monitoring api /api/v1/stats/monitoring/?region=KZ-35",
    ]
    lines += [f"api-monitoring api /api/v1/stats/monitoring/?year={year}" for year in years]
    return lines
