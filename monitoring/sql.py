"""The SQL of monitoring's set-based work, in one place: how a result is evaluated against its norm, and the staged
ingest of a file on PostgreSQL. Results are aliased `r`, norms with their severity thresholds `n`."""

# The norms, each with the thresholds of the current rule set for its pollutant and medium (a norm without them
# classifies nothing).
NORMS = """(
    SELECT n.id, n.pollutant_id, n.medium, n.averaging, n.valid_from, n.valid_to, n.value_base, t.high, t.extreme,
           t.ruleset_id
    FROM monitoring_mpcnorm n
    JOIN monitoring_severitythreshold t ON t.pollutant_id = n.pollutant_id AND t.medium = n.medium
    WHERE t.ruleset_id = %(ruleset)s
) n"""

# The norm in force for a result: its pollutant, medium and averaging period, valid on the local sampling date.
NORM_MATCH = """
    n.pollutant_id = r.pollutant_id AND n.medium = r.medium AND n.averaging = r.averaging
    AND (n.valid_from IS NULL OR n.valid_from <= r.sampled_on) AND (n.valid_to IS NULL OR n.valid_to > r.sampled_on)
"""

SEVERITY = """CASE
    WHEN r.below_detection THEN 0
    WHEN r.value_base >= n.value_base * n.extreme THEN 3
    WHEN r.value_base >= n.value_base * n.high THEN 2
    WHEN r.value_base > n.value_base THEN 1
    ELSE 0 END"""

# Results stored unevaluated (API and form submissions) get their norm, ratio and severity.
EVALUATE = f"""
UPDATE monitoring_result AS r SET
    norm_id = n.id, mpc_base = n.value_base, ratio = r.value_base / n.value_base,
    severity = {SEVERITY}, ruleset_id = n.ruleset_id, evaluated = TRUE
FROM {NORMS}
WHERE r.submission_id = %(submission)s AND NOT r.evaluated AND {NORM_MATCH}
    -- The submission's span of sampling times: the planner reads only its months' partitions.
    AND r.sampled_at BETWEEN %(first)s AND %(last)s
"""

# The highest severity, number and latest time of the results of each of the alerts given (those a submission's
# results joined), recounted in one grouped statement, so that evaluating again changes nothing. The alerts are named
# by their ids, not by a subquery over the submission's results: the planner then reads the alert index for just
# those alerts, rather than guessing how many the subquery yields (a guess once planned into an 8-minute loop).
ALERT_TOTALS = """
UPDATE monitoring_alert AS a SET severity = totals.top, result_count = totals.n, last_sampled_at = totals.latest
FROM (
    SELECT alert_id, max(severity) AS top, count(*) AS n, max(sampled_at) AS latest
    FROM monitoring_result
    WHERE alert_id IN ({alerts})
    GROUP BY alert_id
) totals
WHERE a.id = totals.alert_id
"""

# Whether each alert given is persistent (monitoring.services.evaluation._set_persistent): at least `share` of the
# results of its point and pollutant with a norm, sampled in the `window` up to its latest result, exceed their norm.
# The same division as in Python, so that a share on the boundary counts the same either way.
PERSISTENT = """
UPDATE monitoring_alert AS a SET persistent = w.total > 0 AND w.exceeding::float8 / w.total >= %(share)s
FROM (
    SELECT a.id, count(r.id) AS total, count(r.id) FILTER (WHERE r.severity > 0) AS exceeding
    FROM monitoring_alert a
    -- The point's enterprise, which the results' unique index leads with.
    JOIN monitoring_monitoringpoint p ON p.id = a.point_id
    LEFT JOIN monitoring_result r ON r.enterprise_id = p.enterprise_id AND r.point_id = a.point_id
        AND r.pollutant_id = a.pollutant_id
        AND r.sampled_at > a.last_sampled_at - %(window)s AND r.norm_id IS NOT NULL
    WHERE a.id = ANY(%(alerts)s)
    GROUP BY a.id
) w
WHERE a.id = w.id AND a.persistent IS DISTINCT FROM (w.total > 0 AND w.exceeding::float8 / w.total >= %(share)s)
"""

# For the statements of an ingest or an evaluation on PostgreSQL, in their transaction: their sorts and hashes of a
# million rows (the file's months, alerts, series and years) in memory rather than in temporary files. (JIT is off
# for every portal connection, see portal.settings.)
BULK_SETTINGS = ("SET LOCAL work_mem = '64MB'",)

# The staged ingest of a file (PostgreSQL): the file is copied as text into a temporary table, then typed, resolved
# and evaluated in one statement. It only accepts rows in the usual shape; anything else makes the caller fall back
# to checking row by row in Python, which reports every problem (see monitoring.staging).
STAGE = "CREATE TEMPORARY TABLE {staging} ({columns}) ON COMMIT DROP"

# ISO 8601 with seconds and an explicit offset, as machines write it ('0' stands for any digit).
USUAL_TIMES = [
    "0000-00-00T00:00:00+00:00", "0000-00-00T00:00:00-00:00", "0000-00-00T00:00:00Z",
    "0000-00-00 00:00:00+00:00", "0000-00-00 00:00:00-00:00", "0000-00-00 00:00:00Z",
]  # fmt: skip

CHECKED = f"""
CREATE TEMPORARY TABLE {{checked}} ON COMMIT DROP AS
SELECT r.*, n.id AS norm_id, n.value_base AS mpc_base, r.value_base / n.value_base AS ratio,
       coalesce({SEVERITY}, 0) AS severity, n.ruleset_id
FROM (
    SELECT p.id AS point_id, q.id AS pollutant_id, p.medium, s.sampled_at,
           (s.sampled_at AT TIME ZONE %(zone)s)::date AS sampled_on, s.averaging, s.value, s.below_detection,
           s.unit, s.value::float8 * u.factor::float8 AS value_base, s.method, s.laboratory,
           s.usual AND q.id IS NOT NULL AND u.factor IS NOT NULL
               AND s.sampled_at >= %(earliest)s AND s.sampled_at <= %(now)s
               -- No more decimals than the column holds, which would round them.
               AND s.value >= 0 AND s.value < 1e9 AND s.value = round(s.value, %(decimal_places)s)
               AND s.averaging = ANY(%(averagings)s) AS usual
    FROM (
        SELECT {{point}} AS point, {{pollutant}} AS pollutant, {{unit}} AS unit, {{averaging}} AS averaging,
               {{sampled_at}}::timestamptz AS sampled_at, ltrim({{value}}, '<')::numeric AS value,
               {{value}} LIKE '<%%' AS below_detection,
               coalesce({{method}}, '') AS method, coalesce({{laboratory}}, '') AS laboratory,
               translate({{sampled_at}}, '123456789', '000000000') = ANY(%(usual_times)s)
               -- Text as its column holds it, never cut, and without control characters.
               AND length(coalesce({{method}}, '')) <= %(method_length)s
               AND length(coalesce({{laboratory}}, '')) <= %(laboratory_length)s
               AND coalesce({{method}}, '') || coalesce({{laboratory}}, '') !~ '[[:cntrl:]]'
               -- PostgreSQL reads hour 24 and second 60; ISO 8601 as Python reads it does not.
               AND substr({{sampled_at}}, 12, 2) < '24' AND substr({{sampled_at}}, 18, 2) < '60'
               -- Plain decimals only: PostgreSQL 16 also reads 0x1A, which Python's Decimal does not.
               AND {{value}} ~ '^<?[0-9.]+([eE][+-]?[0-9]+)?$' AS usual
        FROM {{staging}}
        OFFSET 0  -- each value is read once, not again wherever the outer queries use it
    ) s
    -- Left joins, and a flag rather than a filter: a filter's guessed selectivity leads the planner into loops.
    LEFT JOIN monitoring_monitoringpoint p ON p.enterprise_id = %(enterprise)s AND p.code = s.point
    LEFT JOIN monitoring_pollutant q ON q.code = s.pollutant
    LEFT JOIN monitoring_unit u ON u.code = s.unit AND u.medium = p.medium
    OFFSET 0
) r
LEFT JOIN {NORMS} ON {NORM_MATCH}
"""

# What the rest of the ingest and the evaluation need of the checked rows, in one pass over them (each further pass
# over a million rows costs a second): per local sampling day, the rows that are not usual and the first and last
# sampling time (the months whose partitions must exist, Submission.sampled_from and sampled_to); per point,
# pollutant and year, the rows, and the exceeding ones' count, highest severity and latest time (the alerts to open
# and their totals, the statistics' cells to refresh). `day` is NULL on the rows of the second grouping.
SUMMARY = """
SELECT CASE WHEN GROUPING(sampled_on) = 0 THEN sampled_on END AS day, point_id, pollutant_id,
       extract(year FROM sampled_on)::int AS year, count(*) FILTER (WHERE usual IS NOT TRUE) AS unusual,
       min(sampled_at), max(sampled_at), count(*) FILTER (WHERE severity > 0) AS exceeding, max(severity),
       max(sampled_at) FILTER (WHERE severity > 0) AS latest
FROM {checked}
GROUP BY GROUPING SETS ((sampled_on), (point_id, pollutant_id, extract(year FROM sampled_on)::int))
"""

# One open alert per point and pollutant exceeding its norm (`points` and `pollutants`, from SUMMARY), opened before
# its results are stored, so that each result is stored with its alert rather than updated afterwards.
OPEN_ALERTS = """
INSERT INTO monitoring_alert (
    enterprise_id, kind, point_id, pollutant_id, status, severity, persistent, opened_at, result_count)
SELECT %(enterprise)s, 'exceedance', point_id, pollutant_id, 'new', 1, FALSE, %(now)s, 0
FROM unnest(%(points)s::bigint[], %(pollutants)s::bigint[]) AS s(point_id, pollutant_id)
ON CONFLICT DO NOTHING
"""

# The open alerts the file's exceedances will join, held until the file is stored: an inspector closing one
# meanwhile waits, rather than closing it under results it never saw. Held for an update (their totals), in the
# order of their ids, so that two files extending the same alerts take turns rather than deadlock.
LOCK_ALERTS = """
SELECT a.id, a.point_id, a.pollutant_id FROM monitoring_alert a
WHERE a.status IN ('new', 'acknowledged', 'investigating')
  AND (a.point_id, a.pollutant_id) IN (
      SELECT * FROM unnest(%(points)s::bigint[], %(pollutants)s::bigint[]))
ORDER BY a.id
FOR NO KEY UPDATE
"""

# The file's exceeding results added to the totals of the alerts they join (from SUMMARY, without reading the
# stored rows again), in the transaction that stores them: the totals then stay those ALERT_TOTALS would count.
ALERT_ADD = """
UPDATE monitoring_alert AS a SET result_count = a.result_count + s.n, severity = greatest(a.severity, s.top),
    last_sampled_at = greatest(a.last_sampled_at, s.latest)
FROM unnest(%(alerts)s::bigint[], %(counts)s::int[], %(tops)s::int[], %(latests)s::timestamptz[])
    AS s(id, n, top, latest)
WHERE a.id = s.id
"""

# The persistence rule of PERSISTENT for the open alerts of a file's series, in its staged ingest before its rows
# are stored (monitoring.staging): the results stored before, then the file's own rows, in each alert's window,
# counted apart (each without reading the other's million rows) and added up.
SERIES_ALERTS = """
SELECT a.id FROM monitoring_alert a
WHERE a.status IN ('new', 'acknowledged', 'investigating')
  AND (a.point_id, a.pollutant_id) IN (SELECT * FROM unnest(%(points)s::bigint[], %(pollutants)s::bigint[]))
"""

WINDOW_STORED = """
SELECT a.id, count(r.id), count(r.id) FILTER (WHERE r.severity > 0)
FROM monitoring_alert a
JOIN monitoring_monitoringpoint p ON p.id = a.point_id
LEFT JOIN monitoring_result r ON r.enterprise_id = p.enterprise_id AND r.point_id = a.point_id
    AND r.pollutant_id = a.pollutant_id
    AND r.sampled_at > a.last_sampled_at - %(window)s AND r.norm_id IS NOT NULL
WHERE a.id = ANY(%(alerts)s)
GROUP BY a.id
"""

WINDOW_STAGED = """
SELECT a.id, count(*), count(*) FILTER (WHERE c.severity > 0)
FROM {checked} c
JOIN monitoring_alert a ON a.point_id = c.point_id AND a.pollutant_id = c.pollutant_id
WHERE a.id = ANY(%(alerts)s) AND c.sampled_at > a.last_sampled_at - %(window)s AND c.norm_id IS NOT NULL
GROUP BY a.id
"""

SET_PERSISTENT = """
UPDATE monitoring_alert AS a SET persistent = s.persistent
FROM unnest(%(alerts)s::bigint[], %(flags)s::boolean[]) AS s(id, persistent)
WHERE a.id = s.id AND a.persistent IS DISTINCT FROM s.persistent
"""

STORE = """
INSERT INTO monitoring_result (
    submission_id, point_id, pollutant_id, medium, sampled_at, sampled_on, averaging, value, below_detection, unit,
    value_base, method, laboratory, norm_id, mpc_base, ratio, severity, ruleset_id, evaluated, alert_id, enterprise_id)
SELECT %(submission)s, c.point_id, c.pollutant_id, c.medium, c.sampled_at, c.sampled_on, c.averaging, c.value,
       c.below_detection, c.unit, c.value_base, c.method, c.laboratory, c.norm_id, c.mpc_base, c.ratio, c.severity,
       c.ruleset_id, TRUE, a.id, %(enterprise)s
FROM {checked} c
LEFT JOIN monitoring_alert a ON c.severity > 0 AND a.point_id = c.point_id AND a.pollutant_id = c.pollutant_id
    AND a.status IN ('new', 'acknowledged', 'investigating')
"""
