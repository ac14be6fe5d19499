"""What PostgreSQL's plan of a query reads, for the tests that check partition pruning and index use."""

import json

from django.db import connection
from django.db.models import QuerySet


def scanned(queryset: QuerySet) -> set[str]:
    """The tables (partitions among them) that the plan of a query reads, from its EXPLAIN (FORMAT JSON)."""
    return _relations(json.loads(queryset.explain(format="json"))[0]["Plan"])


def scanned_by(sql: str) -> set[str]:
    """The same of a statement as it was sent (a query that a request made, as CaptureQueriesContext has it)."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        (plan,) = cursor.fetchone()
    return _relations((json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"])


def _relations(node: dict) -> set[str]:
    found = {node["Relation Name"]} if "Relation Name" in node else set()
    for child in node.get("Plans", []):
        found |= _relations(child)
    return found
