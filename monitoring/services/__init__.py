"""Writes of monitoring: points, submissions (API, form, file), their evaluation, and the alert workflow.

- `submissions`: results received, checked and stored, files read by a worker under a lease;
- `evaluation`: norms, ratios and severities set in the database, alerts opened or extended, inspectors notified;
- `alerts`: an inspector's moves of an alert, and the inspectors told of new alerts of every kind;
- `compliance`: alerts opened or updated when a year's release report is accepted over a permit's limits;
- `points`: monitoring points.
"""

from monitoring.services.alerts import alert_message_key, alert_update
from monitoring.services.points import point_create
from monitoring.services.submissions import (
    RowsInvalid,
    progress_key,
    submission_create,
    submission_evaluate,
    submission_from_file,
    submission_ingest_file,
    submissions_retry,
    submissions_sweep_unevaluated,
)

__all__ = [
    "RowsInvalid",
    "alert_message_key",
    "alert_update",
    "point_create",
    "progress_key",
    "submission_create",
    "submission_evaluate",
    "submission_from_file",
    "submission_ingest_file",
    "submissions_retry",
    "submissions_sweep_unevaluated",
]
