"""Which region a year's figures lie in: the enterprise's on 31 December of that year (registry.region_history)."""

from typing import Any

from django.db.models import DateField, F, Func, Q


class YearEnd(Func):
    """31 December of a year given as an integer expression, as a date."""

    output_field = DateField()

    template = "make_date(CAST(%(expressions)s AS integer), 12, 31)"

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        # SQLite keeps dates as ISO text, which compares in date order.
        return self.as_sql(compiler, connection, template="printf('%%04d-12-31', %(expressions)s)", **extra_context)


def year_end_region(enterprise: str, year: Any, region_id: int | None) -> tuple[Q, F]:
    """A year's figures lie in the regions of its 31 December: the filter that joins the enterprise's region period
    holding that day (registry.region_history), optionally in one region, and that period's region. One filter()
    call, so that the grouping reads the same joined period. `enterprise` is the lookup to the enterprise, "" for a
    queryset of enterprises."""
    periods = f"{enterprise}__region_periods" if enterprise else "region_periods"
    end = YearEnd(year)
    held = (Q(**{f"{periods}__valid_from__isnull": True}) | Q(**{f"{periods}__valid_from__lte": end})) & (
        Q(**{f"{periods}__valid_to__isnull": True}) | Q(**{f"{periods}__valid_to__gte": end})
    )
    if region_id is not None:
        held &= Q(**{f"{periods}__region_id": region_id})
    return held, F(f"{periods}__region_id")
