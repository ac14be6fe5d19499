"""Reads of returns: the scoped queryset, a version's lines with last year's, and the difference of two versions."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from portal.models import AnyUser
from registry.returns.models import AMOUNT_FIELDS, ReturnLine, ReturnVersion, WasteReturn
from registry.returns.services import previous_accepted_lines


def return_list(*, user: AnyUser) -> QuerySet[WasteReturn]:
    return WasteReturn.objects.restrict(user).select_related("enterprise__region", "current", "accepted")


def version_lines(version: ReturnVersion) -> list[ReturnLine]:
    return list(version.lines.select_related("waste_code", "storage_deposit"))


@dataclass(frozen=True)
class Comparison:
    line: ReturnLine
    last_year: ReturnLine | None


def compare_with_last_year(version: ReturnVersion) -> list[Comparison] | None:
    """Each line beside the same waste code and storage place in last year's accepted return."""
    previous = previous_accepted_lines(version.waste_return)
    if previous is None:
        return None
    by_key = {line.key: line for line in previous}
    return [Comparison(line, by_key.get(line.key)) for line in version_lines(version)]


@dataclass(frozen=True)
class LineDifference:
    change: str  # "added", "removed" or "changed"
    older: ReturnLine | None
    newer: ReturnLine | None
    fields: dict[str, tuple[Decimal | str, Decimal | str]]

    @property
    def line(self) -> ReturnLine:
        return self.newer or self.older


def version_difference(older: ReturnVersion, newer: ReturnVersion) -> list[LineDifference]:
    """Lines added, removed or changed between two versions, matched by waste code and storage place."""
    before = {line.key: line for line in version_lines(older)}
    after = {line.key: line for line in version_lines(newer)}
    differences = []
    for key in sorted(before.keys() | after.keys(), key=lambda k: (k[0], k[1] or 0)):
        old, new = before.get(key), after.get(key)
        if old is None or new is None:
            differences.append(LineDifference("added" if old is None else "removed", old, new, {}))
            continue
        fields = {
            name: (getattr(old, name), getattr(new, name))
            for name in ("hazard_level", *AMOUNT_FIELDS)
            if getattr(old, name) != getattr(new, name)
        }
        if fields:
            differences.append(LineDifference("changed", old, new, fields))
    return differences
