"""The whole demo: reference data, the real Balkhash slag dump, synthetic records, returns, monitoring, published
statistics, the demo smelter's emissions and the demo accounts, then the statistics built from them. Loaded by
`manage.py load_demo` and by the browser journeys' tests, so that both see the same demo."""

from django.db import transaction

from monitoring.demo import load_monitoring_demo
from monitoring.reference import load_monitoring_reference
from monitoring.regimes.demo import load_regimes_demo
from monitoring.regimes.plans_demo import load_plans_demo
from portal.models import User
from registry.demo import load_demo
from registry.releases.demo import load_releases_demo
from registry.returns.demo import load_returns_demo
from reports.aggregates import rebuild_all
from reports.reference import load_published_statistics


def load_all_demo() -> None:
    with transaction.atomic():
        load_demo()
        load_returns_demo()
        load_monitoring_reference()
        load_published_statistics()
        load_monitoring_demo(User.objects.get(username="staff"), User.objects.get(username="admin"))
        # Then: accepting its reports opens the smelter's over-limit alert through monitoring's signal handler.
        load_releases_demo()
        # A regime over Ust-Kamenogorsk verified on the smelter's continuous data (after the smelter exists).
        load_regimes_demo()
        load_plans_demo()  # the smelter's regime plans, one of them short
    rebuild_all()  # once the records are committed, in transactions of its own
