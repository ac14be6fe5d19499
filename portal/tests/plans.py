"""What PostgreSQL's plan of a query reads, for the tests that check partition pruning and index use."""

import json

from django.db.models import QuerySet


def scanned(queryset: QuerySet) -> set[str]:
    """The tables (partitions among them) that the plan of a query reads, from its EXPLAIN (FORMAT JSON)."""
    found: set[str] = set()

    def walk(node: dict) -> None:
        if "Relation Name" in node:
            found.add(node["Relation Name"])
        for child in node.get("Plans", []):
            walk(child)

    walk(json.loads(queryset.explain(format="json"))[0]["Plan"])
    return found
