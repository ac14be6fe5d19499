"""Over-limit alerts: when a year's release report is accepted (`registry.releases.signals.release_accepted`), one
alert per source and substance released over its permit's limit that year, for the inspectors of the region, told
once (`monitoring.services.alerts.notify_once`).

Accepting a corrected version again is idempotent: an open alert of the source, substance and year takes the new
figures (its history records the change) and tells nobody again; one the corrected figures bring within the limit
stays open with them, for the inspector to resolve. An alert the inspector closed is not opened again for the same
figures; a corrected version over the limit with other figures opens a new one.
"""

from django.db import transaction

from monitoring.models import OPEN_ALERT, Alert, AlertKind
from monitoring.services.alerts import notify_once
from registry.releases.compliance import ComplianceStatus, compliance_rows
from registry.releases.models import ReleaseReport


@transaction.atomic
def over_limit_alerts(*, report: ReleaseReport) -> list[Alert]:
    """Open or update the over-limit alerts of the report's enterprise and year from its accepted version; returns
    the alerts opened (and notified). Runs in the accepting transaction: the alerts commit with the acceptance."""
    enterprise, year = report.enterprise, report.year
    rows = {
        (row.source.pk, row.substance.pk): row
        for row in compliance_rows(enterprise, year, published_only=False)
        if row.released_tonnes is not None and row.permitted_tonnes is not None
    }
    alerts = Alert.objects.filter(kind=AlertKind.OVER_LIMIT, enterprise=enterprise, year=year)
    # Held until commit: a second acceptance of the year (or an inspector's move) waits for this one.
    held = {
        (alert.source_id, alert.substance_id): alert
        for alert in alerts.filter(status__in=OPEN_ALERT).select_for_update(no_key=True)
    }
    for key, alert in held.items():
        row = rows.get(key)
        if row is None:  # no longer limited or reported: the alert keeps the figures it was opened for
            continue
        if (alert.released_tonnes, alert.permitted_tonnes) != (row.released_tonnes, row.permitted_tonnes):
            alert.released_tonnes, alert.permitted_tonnes = row.released_tonnes, row.permitted_tonnes
            alert.save(update_fields=["released_tonnes", "permitted_tonnes"])
    closed = set(
        alerts.exclude(status__in=OPEN_ALERT).values_list(
            "source_id", "substance_id", "released_tonnes", "permitted_tonnes"
        )
    )
    opened = [
        Alert.objects.create(
            kind=AlertKind.OVER_LIMIT,
            enterprise=enterprise,
            source=row.source,
            substance=row.substance,
            year=year,
            released_tonnes=row.released_tonnes,
            permitted_tonnes=row.permitted_tonnes,
        )
        for key, row in sorted(rows.items())
        if row.status == ComplianceStatus.OVER_LIMIT
        and key not in held
        and (*key, row.released_tonnes, row.permitted_tonnes) not in closed
    ]
    if opened:
        notify_once(Alert.objects.filter(pk__in=[alert.pk for alert in opened]))
    return opened
