"""What the site offers, read from the code: every URL pattern (Django's resolver) and every API operation
(drf-spectacular's schema); and how an answer is written in the table."""

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from django.apps import apps
from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator

ADMIN = "admin:"
# The format group DRF's routers add: the same route with ".json" etc.
FORMAT_GROUP = re.compile(r"\(\?P<format>|<drf_format_suffix:format>")


def _join(prefix: str, pattern: str) -> str:
    """As Django joins the routes of nested patterns (ResolverMatch.route)."""
    return prefix + (pattern.removeprefix("^") if prefix else pattern)


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry, _join(prefix, str(entry.pattern)), inner)
        elif isinstance(entry, URLPattern):
            yield namespace + (entry.name or ""), _join(prefix, str(entry.pattern))


def pattern_key(name: str, route: str) -> str:
    """How the table names a pattern: its route name, ".format" for its format-suffix twin; a pattern without
    a name (the admin's redirects) by its route."""
    if name.endswith(":") or not name:
        return route
    return f"{name}.format" if FORMAT_GROUP.search(route) else name


@cache
def url_patterns() -> dict[str, str]:
    """Every URL pattern of the site, key -> route."""
    patterns: dict[str, str] = {}
    for name, route in _walk(get_resolver()):
        key = pattern_key(name, route)
        assert key not in patterns, f"two URL patterns share the key {key!r}: {patterns[key]!r} and {route!r}"
        patterns[key] = route
    return patterns


def key_of(path: str) -> str:
    """The key of the pattern a concrete path resolves to."""
    match = get_resolver().resolve(path.split("?")[0])
    name = match.view_name if match.url_name else f"{match.namespace}:"
    return pattern_key(name, match.route)


@cache
def api_operations() -> frozenset[tuple[str, str]]:
    """Every operation of the OpenAPI schema: (method, path template)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return frozenset((method.upper(), path) for path, item in schema["paths"].items() for method in item)


def _template_regex(template: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(template)) + "$")


def operations_of(path: str) -> set[tuple[str, str]]:
    """The operations (any method) whose path template a concrete path fills in."""
    bare = path.split("?")[0]
    return {(method, template) for method, template in api_operations() if _template_regex(template).match(bare)}


def is_admin(key: str) -> bool:
    return key.startswith((ADMIN, "admin/"))


ADMIN_GROUP = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


def admin_path(route: str, keys: dict[str, Any]) -> str:
    """A concrete path of an admin pattern: an object that exists where the pattern names one (any would do for
    whoever is refused), the registry's app page, a path nothing else answers for the catch-all."""
    values = {"id": keys["staff_a_id"], "app_label": "registry", "url": "nowhere/"}
    parts = route.split("/")
    if parts[1] == "r":  # view on site
        values.update(content_type_id=keys["deposit_type"], object_id=keys["a_pub"])
    elif "<path:object_id>" in route:
        model = apps.get_model(parts[1], parts[2])
        values["object_id"] = model._default_manager.order_by("pk").values_list("pk", flat=True).first() or 1
    path = ADMIN_GROUP.sub(lambda match: str(values[match.group(1) or match.group(2)]), route)
    return "/" + path.removesuffix("$")


# How the table writes an answer: the status code, or where a redirect leads.
TO_LOGIN = "L"  # to the login page
TO_ADMIN_LOGIN = "A"  # to the admin's login page
ELSEWHERE = "R"  # anywhere else: a write's success, a language switched, a logout
FORM_REFUSED = "F"  # the form again with its error (200), nothing written
REFUSALS = {"400", "401", "403", "404", "405", TO_LOGIN, TO_ADMIN_LOGIN}


def outcome(response: HttpResponse) -> str:
    if response.status_code != 302:
        return str(response.status_code)
    location = response["Location"]
    if location.startswith("/accounts/login/?next="):
        return TO_LOGIN
    if location.startswith("/admin/login/?next="):
        return TO_ADMIN_LOGIN
    return ELSEWHERE
