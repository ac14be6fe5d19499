"""Reads of continuous emission data, scoped by portal.permissions."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, Max, Min, QuerySet
from django.db.models.functions import TruncDate

from monitoring.emissions.models import Channel, EmissionSubmission, EmissionValue
from monitoring.local_time import portal_zone
from monitoring.models import OPEN_ALERT, Alert
from monitoring.selectors import RAW_POINTS
from monitoring.windows import Window
from portal.permissions import Action, AnyUser
from registry.permits.models import EmissionSource, Substance
from registry.permits.selectors import limits_in_force
from registry.releases.register import sees_everything


def submissions(*, user: AnyUser) -> QuerySet[EmissionSubmission]:
    """The submissions the user may see (their enterprise's; an inspector's regions'), newest first."""
    return (
        EmissionSubmission.objects.restrict(user, Action.VIEW)
        .select_related("enterprise")
        .order_by("-received_at", "-pk")
    )


def emission_values(*, user: AnyUser) -> QuerySet[EmissionValue]:
    """The values the user may see, by their key (source, substance, interval_start, enterprise)."""
    return (
        EmissionValue.objects.restrict(user, Action.VIEW)
        .select_related("source", "substance")
        .order_by("source_id", "substance_id", "interval_start", "enterprise_id")
    )


def channels(*, user: AnyUser) -> QuerySet[Channel]:
    """The channels the user may see: published sources' for everyone, the others' for their enterprise's staff and
    the inspectors of its region."""
    return Channel.objects.restrict(user, Action.VIEW).select_related("source", "substance", "source__enterprise")


# The source's page (helper "cov"): its channels, the rate over a window with the g/s limit, its enterprise's recent
# submissions. Whoever sees the source (published: everyone; else its enterprise's staff, the inspectors of its
# region, administrators) sees its channels, coverage and rates; the submissions are the enterprise's (never
# public). Every read of values names the source's enterprise, source and substance and a range of
# `interval_start`: the leading columns of the values' key, pruned to the range's partitions.

# A source's page lists its enterprise's newest submissions, up to this many.
RECENT_SUBMISSIONS = 10


def sources(*, user: AnyUser) -> QuerySet[EmissionSource]:
    """The sources the user sees, with their enterprise and region."""
    return EmissionSource.objects.restrict(user, Action.VIEW).select_related("enterprise__region")


def source_channels(source: EmissionSource, *, user: AnyUser) -> QuerySet[Channel]:
    """The channels of a source the user sees, by substance."""
    return channels(user=user).filter(source=source).order_by("substance__code")


def _values(source: EmissionSource, substance: Substance) -> QuerySet[EmissionValue]:
    return EmissionValue.objects.filter(enterprise_id=source.enterprise_id, source=source, substance=substance)


def latest_day(source: EmissionSource, substance: Substance) -> datetime.date | None:
    """The local day of a channel's newest value (the end of its chart's default window): one backward step on the
    values' key."""
    newest = _values(source, substance).order_by("-interval_start").values_list("interval_start", flat=True)[:1]
    return next((moment.astimezone(portal_zone()).date() for moment in newest), None)


def limits_gs(source: EmissionSource, substance: Substance, years: Iterable[int]) -> dict[int, float | None]:
    """By year: the g/s limit of the source and substance in the verified permit in force that year (None without
    one), as the chart draws it. The limits are public: the register of permits is."""
    found: dict[int, float | None] = {}
    for year in sorted(set(years)):
        limit = (
            limits_in_force(year=year)
            .filter(source=source, substance=substance, grams_per_second__isnull=False)
            .values_list("grams_per_second", flat=True)
            .first()
        )
        found[year] = None if limit is None else float(limit)
    return found


@dataclass(frozen=True)
class RateSeries:
    daily: bool  # rows of days ({"t", "low", "mean", "high", "mpc", "severity", "n"}), else of intervals
    rows: list[dict[str, Any]]


def _over(rate: float | None, limit: float | None) -> int:
    return int(rate is not None and limit is not None and rate > limit)


def _year(moment: datetime.datetime) -> int:
    return moment.astimezone(portal_zone()).year


def rate_series(source: EmissionSource, substance: Substance, window: Window) -> RateSeries:
    """A channel's emission rate (g/s) in the window for the chart with the limit line, in the shape
    static/js/result_chart.js draws (the limit as its `mpc`, over the limit as its `severity`): each interval while
    there are at most RAW_POINTS, else per local day the minimum, mean and maximum rate and the number of intervals.
    The caller has checked that the reader sees the source."""
    values = window.filter(_values(source, substance), "interval_start")
    if values.order_by()[: RAW_POINTS + 1].count() <= RAW_POINTS:
        rows = list(values.order_by("interval_start").values_list("interval_start", "rate_gs"))
        limits = limits_gs(source, substance, {_year(moment) for moment, _ in rows})
        return RateSeries(
            False,
            [
                {"t": moment.isoformat(), "v": rate, "mpc": limits[_year(moment)],
                 "severity": _over(rate, limits[_year(moment)])}
                for moment, rate in rows
            ],
        )  # fmt: skip
    days = list(
        values.annotate(day=TruncDate("interval_start", tzinfo=portal_zone()))
        .order_by("day")
        .values("day")
        .annotate(low=Min("rate_gs"), mean=Avg("rate_gs"), high=Max("rate_gs"), n=Count("pk"))
    )
    limits = limits_gs(source, substance, {day["day"].year for day in days})
    return RateSeries(
        True,
        [
            {
                "t": day["day"].isoformat(),
                "low": day["low"],
                "mean": day["mean"],
                "high": day["high"],
                "mpc": limits[day["day"].year],
                "severity": _over(day["high"], limits[day["day"].year]),
                "n": day["n"],
            }
            for day in days
        ],
    )


@dataclass(frozen=True)
class SubmissionRow:
    submission: EmissionSubmission
    gaps: list[dict[str, Any]]  # the submission's gaps of this source: substance, first, last, intervals


def recent_submissions(source: EmissionSource, *, user: AnyUser) -> list[SubmissionRow] | None:
    """The newest submissions of the source's enterprise, each with its gaps of this source; None for a reader who
    does not see the enterprise's own data (the public, other enterprises' staff, other regions' inspectors)."""
    if not sees_everything(user, source.enterprise):
        return None
    newest = submissions(user=user).filter(enterprise_id=source.enterprise_id)[:RECENT_SUBMISSIONS]
    return [SubmissionRow(item, _gaps_of(source, item.gaps)) for item in newest]


def _gaps_of(source: EmissionSource, gaps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The stored gaps of a submission (codes, ISO times) that are the source's, with their times as times."""
    return [
        {
            "substance": gap["substance"],
            "first": datetime.datetime.fromisoformat(gap["from"]),
            "last": datetime.datetime.fromisoformat(gap["to"]),
            "intervals": gap["intervals"],
        }
        for gap in gaps
        if gap.get("source") == source.code
    ]


def open_alerts(source: EmissionSource, *, user: AnyUser) -> QuerySet[Alert]:
    """The source's open alerts of every kind the user may see (none for the public)."""
    return (
        Alert.objects.restrict(user, Action.VIEW)
        .filter(source=source, status__in=OPEN_ALERT)
        .select_related("substance")
        .order_by("-opened_at")
    )
