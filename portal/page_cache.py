"""Which anonymous answers the public page cache (`reports.cache.PublicPageCacheMiddleware`) may share, declared
next to each view with `@cached_page(...)`.

A cached answer is keyed by its view's declared query parameters, and only by values from a small known set (a
filter's choices, a year within the form's bounds): a request with any other parameter, a parameter given twice
or a value outside its set is answered without the cache (the view still checks it and answers as ever), so that
made-up URLs cannot fill the cache. Free text and numbers (a search, a minimum tonnage) are never part of a key:
such a request is answered fresh. Where a value passes its check here but the view still corrects or refuses it
while answering 200 (a page number past the last page, a region that does not exist), the view calls `decline`
and its answer is not stored under the URL asked for.

Each view also declares what its answer shows, as tags (`portal.cache_tags`): `depends=` the tags themselves, or a
function of the URL's keyword arguments and the key's query parameters that gives them (it must not query the
database: it runs before every answer from the cache). A write bumps the tags of what it changes, so that it drops
only the answers that show it.

The declarations live in `portal` so that every app's views can make them; the cache itself is in `reports`.
"""

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import django_filters
from django import forms
from django.http import HttpRequest, QueryDict
from rest_framework.request import Request

from portal.cache_tags import Tag, with_all

Check = Callable[[str], bool]  # whether a query parameter's value may be part of a cache key
V = TypeVar("V")
# The tags an answer shows, from the URL's keyword arguments and the query parameters of its key.
Depends = Callable[[Mapping[str, Any], Mapping[str, str]], Iterable[Tag]]
# The request attribute that marks an answer its view does not want shared (`decline`).
DECLINED = "_page_cache_declined"


@dataclass(frozen=True)
class PageCache:
    """What the anonymous answer of a cached view depends on besides the language and the path."""

    depends: Depends  # the tags of what the answer shows
    # Query parameter -> the check of its value. A check that accepts "" declares that the empty value means the
    # same as no parameter (as a filter form sends a field left empty): it is then left out of the key.
    parameters: Mapping[str, Check] = field(default_factory=dict)
    headers: tuple[str, ...] = ()  # request headers the view varies on (and names in Vary), part of the key

    def tags(self, kwargs: Mapping[str, Any], query: list[tuple[str, str]]) -> tuple[Tag, ...]:
        """The tags of one answer (`portal.cache_tags.ALL` included)."""
        return with_all(self.depends(kwargs, dict(query)))


def cached_page(
    *,
    parameters: Mapping[str, Check] | None = None,
    headers: tuple[str, ...] = (),
    depends: Iterable[Tag] | Depends,
) -> Callable[[V], V]:
    """Let the page cache share the anonymous answers of this view (a function or a view class), which show what
    `depends` names (required: an answer that named nothing would be dropped only by `portal.cache_tags.ALL`)."""
    shows = depends if callable(depends) else _always(tuple(depends))

    def mark(view: V) -> V:
        view.page_cache = PageCache(shows, dict(parameters or {}), headers)  # type: ignore[attr-defined]
        return view

    return mark


def _always(tags: tuple[Tag, ...]) -> Depends:
    return lambda kwargs, query: tags


def declared(view_function: Callable[..., Any]) -> PageCache | None:
    """The declaration of the view that answers a request: on the function, or on the class of a class-based view
    (Django's `view_class`, DRF's `cls`)."""
    for holder in (view_function, getattr(view_function, "view_class", None), getattr(view_function, "cls", None)):
        found = getattr(holder, "page_cache", None)
        if isinstance(found, PageCache):
            return found
    return None


def key_parameters(page_cache: PageCache, query: QueryDict) -> list[tuple[str, str]] | None:
    """The query as a part of a cache key: sorted, empty values that mean "no parameter" left out; None when the
    answer to this query may not be shared."""
    pairs = []
    for name, values in query.lists():
        check = page_cache.parameters.get(name)
        if check is None or len(values) != 1 or not check(values[0]):
            return None
        if values[0]:
            pairs.append((name, values[0]))
    return sorted(pairs)


def decline(request: HttpRequest | Request) -> None:
    """This answer shows something else than the URL asks for (a corrected page number, a refused filter), or
    nothing worth keeping: the page cache must not store it under that URL."""
    # DRF's request wraps Django's, which the middleware sees.
    setattr(request._request if isinstance(request, Request) else request, DECLINED, True)


def declined(request: HttpRequest) -> bool:
    return getattr(request, DECLINED, False)


# Checks.


def one_of(*values: str) -> Check:
    return frozenset(values).__contains__


def integer(minimum: int, maximum: int) -> Check:
    """A whole number within the bounds, written plainly (ASCII digits, no sign, no leading zero)."""

    def check(raw: str) -> bool:
        return raw.isascii() and raw.isdigit() and raw == str(int(raw)) and minimum <= int(raw) <= maximum

    return check


def integer_field(field: forms.Field) -> Check:
    """The bounds of a form's integer field (both required)."""
    assert isinstance(field, forms.IntegerField), field
    assert isinstance(field.min_value, int) and isinstance(field.max_value, int), "an integer field with both bounds"
    return integer(field.min_value, field.max_value)


def matching(pattern: str) -> Check:
    regex = re.compile(pattern, re.ASCII)
    return lambda raw: regex.fullmatch(raw) is not None


def optional(check: Check) -> Check:
    """The check, or the empty value that means no parameter."""
    return lambda raw: raw == "" or check(raw)


def blank(raw: str) -> bool:
    """Only the empty value: free text and numbers are never part of a key."""
    return raw == ""


def filterset_parameters(filterset: type[django_filters.FilterSet], **checks: Check) -> dict[str, Check]:
    """A check for each filter of a FilterSet: its choices for a choice or ordering filter (one order at a time),
    `checks` where given, and otherwise only the empty value a form sends for a field left empty."""
    found: dict[str, Check] = {}
    for name, filter_ in filterset.base_filters.items():
        if name in checks:
            found[name] = checks[name]
        elif isinstance(filter_, django_filters.ChoiceFilter) and isinstance(filter_.extra.get("choices"), list):
            # An OrderingFilter is a ChoiceFilter too; a ModelChoiceFilter has a queryset instead, and needs a check.
            found[name] = one_of("", *(str(value) for value, _label in filter_.extra["choices"]))
        else:
            found[name] = blank
    unknown = checks.keys() - found.keys()
    assert not unknown, f"{filterset.__name__} has no filter {', '.join(sorted(unknown))}"
    return found
