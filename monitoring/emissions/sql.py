"""The SQL of the staged ingest of emission values (PostgreSQL; monitoring.emissions.staging). The file is copied as
text into a temporary table (monitoring.staging.copy_file), then typed, resolved to channels, checked and converted
in one statement; the rest reads the checked rows set-based. Only rows in the usual shape pass: anything else makes
the caller check the file row by row (monitoring.emissions.ingest), which names every problem's row and field.

The enterprise's channels and the g/s limits in force come as arrays (`unnest`): a few thousand rows, joined by hash
without a lookup per row."""

CHANNELS = """(
    SELECT * FROM unnest(%(channel_sources)s::text[], %(channel_substances)s::text[], %(source_ids)s::bigint[],
                         %(substance_ids)s::bigint[], %(intervals)s::int[])
        AS k(source, substance, source_id, substance_id, interval_minutes)
) k"""

LIMITS = """(
    SELECT * FROM unnest(%(limit_sources)s::bigint[], %(limit_substances)s::bigint[], %(limit_years)s::int[],
                         %(limit_gs)s::float8[])
        AS l(source_id, substance_id, year, gs)
) l"""

# Each row typed, converted (monitoring.emissions.ingest.rate_gs: the same float) and flagged `usual` when it passes
# the row-by-row path's checks in the shape machines write (ISO times with seconds and an offset, plain decimals).
CHECKED = f"""
CREATE TEMPORARY TABLE {{checked}} ON COMMIT DROP AS
SELECT k.source_id, k.substance_id, k.interval_minutes, s.interval_start, s.value, s.unit, s.flow,
       extract(year FROM s.interval_start AT TIME ZONE %(zone)s)::int AS year,
       CASE WHEN s.unit = 'g/s' THEN s.value::float8 ELSE s.value::float8 * s.flow::float8 / 1000 END AS rate_gs,
       s.usual AND k.source_id IS NOT NULL
           AND s.interval_start >= %(earliest)s AND s.interval_start <= %(now)s
           AND extract(epoch FROM s.interval_start)::bigint %% (k.interval_minutes * 60) = 0
           AND s.value >= 0 AND s.value < %(value_limit)s AND s.value = round(s.value, %(value_places)s)
           AND CASE WHEN s.unit = 'g/s' THEN s.flow IS NULL
                    WHEN s.unit = 'mg/m3' THEN s.flow >= 0 AND s.flow < %(flow_limit)s
                        AND s.flow = round(s.flow, %(flow_places)s)
                    ELSE FALSE END AS usual
FROM (
    SELECT {{source}} AS source, {{substance}} AS substance, {{unit}} AS unit,
           {{interval_start}}::timestamptz AS interval_start, {{value}}::numeric AS value,
           nullif({{flow_m3s}}, '')::numeric AS flow,
           translate({{interval_start}}, '123456789', '000000000') = ANY(%(usual_times)s)
           AND substr({{interval_start}}, 12, 2) < '24' AND substr({{interval_start}}, 18, 2) < '60'
           AND {{value}} ~ '^[0-9.]+([eE][+-]?[0-9]+)?$'
           AND coalesce({{flow_m3s}}, '') ~ '^([0-9.]+([eE][+-]?[0-9]+)?)?$' AS usual
    FROM {{staging}}
    OFFSET 0  -- each value is read once
) s
LEFT JOIN {CHANNELS} ON k.source = s.source AND k.substance = s.substance
"""

# Per channel, year and local month: the rows that are not usual, the rows, and the first and last interval (the
# partitions to have, the limits' years, the submission's span and counts).
SUMMARY = """
SELECT source_id, substance_id, year,
       extract(month FROM interval_start AT TIME ZONE %(zone)s)::int AS month,
       count(*) FILTER (WHERE usual IS NOT TRUE), count(*), min(interval_start), max(interval_start)
FROM {checked}
GROUP BY 1, 2, 3, 4
"""

# Per channel, its values above the g/s limit in force in their year: count, highest rate, latest interval, limit.
EXCEEDING = f"""
SELECT c.source_id, c.substance_id, count(*), max(c.rate_gs), max(c.interval_start), max(l.gs)
FROM {{checked}} c
JOIN {LIMITS} ON l.source_id = c.source_id AND l.substance_id = c.substance_id AND l.year = c.year
WHERE c.rate_gs > l.gs
GROUP BY 1, 2
"""

# Between consecutive values of a channel: a step longer than its interval is a gap (the intervals between are
# missing); no step at all is the same interval twice (the row-by-row path reports the duplicate).
GAPS = """
SELECT source_id, substance_id, previous, interval_start, interval_minutes
FROM (
    SELECT source_id, substance_id, interval_start, interval_minutes,
           lag(interval_start) OVER (PARTITION BY source_id, substance_id ORDER BY interval_start) AS previous
    FROM {checked}
) g
WHERE interval_start - previous <> make_interval(mins => interval_minutes)
"""

ALERTS = """(
    SELECT * FROM unnest(%(alert_sources)s::bigint[], %(alert_substances)s::bigint[], %(alert_ids)s::bigint[])
        AS a(source_id, substance_id, id)
) a"""

# The values stored converted, each one above its limit with the alert of its source and substance.
STORE = f"""
INSERT INTO emissions_value (
    submission_id, enterprise_id, source_id, substance_id, interval_start, value, unit, flow_m3s, rate_gs, alert_id)
SELECT %(submission)s, %(enterprise)s, c.source_id, c.substance_id, c.interval_start, c.value, c.unit, c.flow,
       c.rate_gs, CASE WHEN c.rate_gs > l.gs THEN a.id END
FROM {{checked}} c
LEFT JOIN {LIMITS} ON l.source_id = c.source_id AND l.substance_id = c.substance_id AND l.year = c.year
LEFT JOIN {ALERTS} ON a.source_id = c.source_id AND a.substance_id = c.substance_id
"""
