"""What the home page shows each reader: the public figures for everyone; a filer's returns, submissions and
open alerts; an inspector's queue, new alerts by severity and late filers. Every read is restricted to the
reader (portal.permissions), so a panel with nothing the reader may see is simply empty."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet, Sum

from monitoring import selectors as monitoring_selectors
from monitoring.models import OPEN_ALERT, Alert, AlertStatus, Severity, Submission
from monitoring.regimes import selectors as regime_selectors
from monitoring.regimes.models import Regime
from portal import cache_tags
from portal.permissions import Action, AnyUser, can
from registry.models import Enterprise
from registry.returns import selectors as return_selectors
from registry.returns.models import FilingYear, ReturnStatus, WasteReturn
from registry.selectors import deposit_list, deposit_map_points, map_settings
from reports.cache import cached
from reports.selectors import NationalYear, national_indicators

# What the national indicators show (the dashboard's and the home page's): every year's national waste figures, the
# published ones, and the population.
NATIONAL = (cache_tags.figures("waste", None, None), cache_tags.PUBLISHED, cache_tags.YEAR_REFERENCE)
# Each panel lists this many rows at most, with a link to the whole list.
PANEL_ROWS = 5


@dataclass
class Home:
    totals: dict[str, Any]
    map_points: list[dict[str, object]]
    map_settings: dict[str, object]
    statistics: NationalYear | None  # the latest year with published figures
    returns: list[tuple[WasteReturn, datetime.date]] = field(default_factory=list)  # the filer's, with deadlines
    submissions: list[Submission] = field(default_factory=list)
    open_alerts: list[Alert] = field(default_factory=list)  # on the filer's points
    # Regimes running or to come over a city where the filer's enterprises have sources, with those enterprises.
    regimes: list[tuple[Regime, list[Enterprise]]] = field(default_factory=list)
    awaiting: list[WasteReturn] = field(default_factory=list)  # submitted, awaiting the inspector's decision
    awaiting_count: int = 0
    new_alerts: list[tuple[str, int]] = field(default_factory=list)  # (severity label, count), the worst first
    late_filers: list[Enterprise] = field(default_factory=list)
    late_year: int | None = None


def _with_deadlines(returns: QuerySet[WasteReturn]) -> list[tuple[WasteReturn, datetime.date]]:
    rows = list(returns)
    stored = dict(FilingYear.objects.filter(year__in={r.year for r in rows}).values_list("year", "deadline"))
    return [(r, stored.get(r.year) or FilingYear.default_deadline(r.year)) for r in rows]


def home(*, user: AnyUser, today: datetime.date) -> Home:
    deposits = deposit_list(user=user)
    published = [year for year in cached("national", depends=NATIONAL, compute=national_indicators) if year.published]
    page = Home(
        totals=deposits.aggregate(count=Count("id"), tonnage=Sum("tonnage_t")),
        map_points=deposit_map_points(deposits),
        map_settings=map_settings(),
        statistics=published[-1] if published else None,
    )
    returns = return_selectors.return_list(user=user).select_related("enterprise__region", "current")
    alerts = monitoring_selectors.alerts(user=user).filter(status__in=OPEN_ALERT)
    if can(user, Action.FILE):
        page.returns = _with_deadlines(returns[:PANEL_ROWS])  # newest first, by name (return_list)
        page.submissions = list(monitoring_selectors.submissions(user=user)[:PANEL_ROWS])
        page.open_alerts = list(monitoring_selectors.alert_rows(alerts)[:PANEL_ROWS])
        page.regimes = regime_selectors.regimes_affecting(user=user)[:PANEL_ROWS]
    if can(user, Action.DECIDE):
        awaiting = returns.filter(current__status=ReturnStatus.SUBMITTED).order_by("first_submitted_at")
        page.awaiting = list(awaiting[:PANEL_ROWS])
        page.awaiting_count = awaiting.count()
        counts = dict(
            alerts.filter(status=AlertStatus.NEW)
            .values("severity")
            .annotate(n=Count("pk"))
            .values_list("severity", "n")
        )
        page.new_alerts = [(str(s.label), counts[s.value]) for s in reversed(Severity) if counts.get(s.value)]
        due = return_selectors.latest_overdue(today=today)
        page.late_year = due.year
        page.late_filers = list(return_selectors.late_filers(user=user, due=due)[:PANEL_ROWS])
    return page
