"""The fast way in for a large file of emission values on PostgreSQL, as monitoring.staging is for results: the file
is COPied as text into a temporary table (monitoring.staging.staged_file), checked, converted and resolved in one
statement, summed up, compared with the limits, searched for gaps, and stored with its alerts, each set-based
(monitoring.emissions.sql). Any row that is not good and in the usual shape, or a duplicate, rolls it all back
(NotUsual) and the caller reads the file row by row (monitoring.emissions.ingest), which says what is wrong where."""

import datetime
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.backends.utils import CursorWrapper

from monitoring import partitions
from monitoring import sql as monitoring_sql
from monitoring.emissions import sql
from monitoring.emissions.ingest import COLUMNS, FLOW_COLUMN, REQUIRED, VALUE_COLUMN, Catalogue, Gap, Pair
from monitoring.emissions.limits import Exceeding, Outcome, open_or_extend
from monitoring.emissions.models import EmissionSubmission
from monitoring.emissions.partitions import VALUES
from monitoring.staging import SPACES, NotUsual, staged_file


def ingest(submission: EmissionSubmission, *, catalogue: Catalogue, progress: Callable[[int], None]) -> Outcome:
    """Store the file's values in the caller's transaction; raises NotUsual, having rolled back everything it did,
    when the file needs the row-by-row path."""
    staging, checked = f"emissions_staging_{submission.pk}", f"emissions_checked_{submission.pk}"
    with staged_file(submission.file, staging, progress, columns=COLUMNS, required=REQUIRED) as copied:
        cursor = copied.cursor
        params = _params(submission, catalogue)
        cursor.execute(sql.CHECKED.format(staging=staging, checked=checked, **copied.columns), params)
        outcome, months = _summary(cursor, checked, params, copied.rows)
        params.update(_limits(catalogue, outcome.years))
        cursor.execute(sql.EXCEEDING.format(checked=checked), params)
        exceeding = {
            (source, substance): Exceeding(count, peak, latest, permitted)
            for source, substance, count, peak, latest, permitted in cursor.fetchall()
        }
        outcome.gaps = _gaps(cursor, checked)
        VALUES.prepare_for_rows(months)
        alerts = open_or_extend(enterprise_id=submission.enterprise_id, exceeding=exceeding, outcome=outcome)
        params.update(
            alert_sources=[source for source, _ in alerts],
            alert_substances=[substance for _, substance in alerts],
            alert_ids=list(alerts.values()),
        )
        cursor.execute(sql.STORE.format(checked=checked), params)
        cursor.execute(f"DROP TABLE {staging}, {checked}")
    return outcome


def _params(submission: EmissionSubmission, catalogue: Catalogue) -> dict[str, Any]:
    channels = sorted(catalogue.channels.items())
    return {
        "zone": settings.TIME_ZONE,
        "usual_times": monitoring_sql.USUAL_TIMES,
        "now": catalogue.now,
        "earliest": catalogue.earliest,  # nor a value of an archived year
        "value_limit": 10 ** (VALUE_COLUMN["max_digits"] - VALUE_COLUMN["decimal_places"]),
        "value_places": VALUE_COLUMN["decimal_places"],
        "flow_limit": 10 ** (FLOW_COLUMN["max_digits"] - FLOW_COLUMN["decimal_places"]),
        "flow_places": FLOW_COLUMN["decimal_places"],
        "channel_sources": [source for (source, _), _ in channels],
        "channel_substances": [substance for (_, substance), _ in channels],
        "source_ids": [known.source_id for _, known in channels],
        "substance_ids": [known.substance_id for _, known in channels],
        "intervals": [known.interval_minutes for _, known in channels],
        "submission": submission.pk,
        "enterprise": submission.enterprise_id,
        "spaces": SPACES,
    }


def _summary(
    cursor: CursorWrapper, checked: str, params: dict[str, Any], rows: int
) -> tuple[Outcome, set[partitions.Month]]:
    """The outcome's counts and span, and the months of the rows; NotUsual for a row that is not."""
    cursor.execute(sql.SUMMARY.format(checked=checked), params)
    outcome = Outcome(received=rows)
    months = set()
    for _source, _substance, year, month, unusual, _count, first, last in cursor.fetchall():
        if unusual:
            raise NotUsual
        months.add((year, month))
        outcome.years.add(year)
        outcome.widen(first, last)
    return outcome, months


def _limits(catalogue: Catalogue, years: set[int]) -> dict[str, list[Any]]:
    rows = [(pair, year, gs) for year in sorted(years) for pair, gs in catalogue.limits(year).items()]
    return {
        "limit_sources": [source for (source, _), _, _ in rows],
        "limit_substances": [substance for (_, substance), _, _ in rows],
        "limit_years": [year for _, year, _ in rows],
        "limit_gs": [gs for _, _, gs in rows],
    }


def _gaps(cursor: CursorWrapper, checked: str) -> list[Gap]:
    cursor.execute(sql.GAPS.format(checked=checked))
    gaps = []
    for source, substance, previous, start, minutes in cursor.fetchall():
        step = datetime.timedelta(minutes=minutes)
        if start == previous:
            raise NotUsual  # the same interval twice: the row-by-row path names both rows
        pair: Pair = (source, substance)
        gaps.append(Gap(*pair, previous + step, start - step, round((start - previous) / step) - 1))
    return gaps
