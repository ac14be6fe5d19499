"""Statistics and the public pages are read far more often than they change. Two caches keep them, each entry
with the versions of the tags it depends on (`portal.cache_tags`: a region's figures of a year, an enterprise, a
deposit, the published series...), and is served only while all of them still hold. A write bumps the tags of what
it changes, on commit (`reports.signals`, the aggregates' recompute), so nothing stale is served once the new version
is rendered (a page's previous version stands in only while that render runs, below) and nothing else is dropped: a
return accepted in one region leaves the pages of the other regions cached.

- `cached()` keeps computed statistics, for every reader, under the tags its caller names;
- `PublicPageCacheMiddleware` keeps whole answers of the public pages and of the statistics API, for anonymous
  readers only, keyed by the language, the path, the query parameters the view declares (`portal.page_cache`:
  only values from a known set, so that made-up URLs cannot fill the cache) and the request headers the view
  says its answer varies on, under the tags the view declares next to it (`cached_page(depends=...)`); one read
  (the entry and its tags' versions together) answers a request.

Every entry expires (a Redis that also holds the Celery queues evicts only such keys, `maxmemory-policy
volatile-lru`, see `portal.checks`), the versions too: a lost version is replaced by a new one, which no entry holds.

A cached page holds nothing of one reader: it is rendered with a placeholder for the CSRF token (the language
switcher's form and htmx's headers carry one), and every answer, cached or not, gets the reader's own token. Each
answer the cache could have given says what happened in `X-Page-Cache` (hit: from the cache; miss: rendered and
stored if shareable; stale: the previous version, see below), so that a load test can count the hit rate.

A page whose tags were bumped is rendered again by one request only (issue 13: under a stream of writes, 50 readers
of a popular page would otherwise all miss it at once and render the same page side by side, each taking a worker).
The first request to find the entry outdated takes the page's render lease (`cache.add`) and renders it; until it
stores the new version, at most RENDER_LEASE seconds, the other readers get the previous one, as they would have a
moment earlier. A request that finds no entry at all renders it, and a lone reader (or a test) always gets the new
version, since nobody else holds the lease.
"""

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlencode

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.csrf import get_token
from django.utils.timezone import get_current_timezone_name
from django.utils.translation import get_language

from portal import cache_tags
from portal.cache_tags import Tag, Versions
from portal.page_cache import PageCache, declared, declined, key_parameters

TIMEOUT = 24 * 3600
# Pages also expire on their own: a few details depend on the date (the forecast's default year).
PAGE_TIMEOUT = 3600
# How long the previous version of a page may be served while one request renders its new one: far longer than a
# render, short enough that a render that died (a killed worker) holds nobody back for long.
RENDER_LEASE = 10
CSRF_PLACEHOLDER = "qaldyq-csrf-token-placeholder"
# The request attribute that marks a request whose answer is rendered for the cache (a `_Fill`).
FILL = "_page_cache_fill"
HIT_HEADER = "X-Page-Cache"
COMMAS = re.compile(r"\s*,\s*")  # between the headers a Vary names, as django.utils.cache splits them
T = TypeVar("T")


def cached(name: str, *parts: object, depends: Iterable[Tag], compute: Callable[[], T]) -> T:
    """The value `compute` gives, kept until a tag of `depends` (what it reads) is bumped."""
    tags = cache_tags.with_all(depends)
    key = ":".join(["stats", get_language() or "", name, *map(str, parts)])
    found = cache.get_many([key, *cache_tags.version_keys(tags)])
    versions = cache_tags.versions(tags, found)
    entry = found.get(key)
    if entry is not None and entry[0] == versions:
        return entry[1]
    value = compute()  # after the versions were read: a change committed meanwhile leaves this entry outdated
    cache.set(key, (versions, value), timeout=TIMEOUT)
    return value


@dataclass(frozen=True)
class _Fill:
    """A request whose answer is rendered for the cache: where to store it, and under which versions."""

    view: PageCache
    key: str
    versions: Versions
    lease: str | None = None  # the render lease it holds, given back once the page is stored (or refused)


class PublicPageCacheMiddleware:
    """Answers anonymous GET requests for the views declared with `portal.page_cache.cached_page` from the cache,
    and stores what it renders.

    It comes after the session, locale, CSRF, authentication and message middleware: it needs the reader's
    language, to know that the reader is anonymous and has no message waiting, and the CSRF middleware must see
    the token it inserts. A cached answer skips the view, and so the API's rate limit: it costs next to nothing,
    while every request the cache cannot answer (a new URL, a made-up parameter) is still counted.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        fill: _Fill | None = getattr(request, FILL, None)
        if fill is not None:  # rendered for the cache (see `process_view`)
            if isinstance(response, HttpResponse) and _shareable(request, response, fill.view):
                headers = [(name, value) for name, value in response.items() if name.lower() != "content-length"]
                cache.set(fill.key, (fill.versions, response.content, headers), PAGE_TIMEOUT)
            if fill.lease is not None:
                cache.delete(fill.lease)
            response[HIT_HEADER] = "miss"
            _insert_csrf_token(request, response)
        return response

    def process_view(
        self, request: HttpRequest, view_function: Callable[..., HttpResponseBase], args: tuple, kwargs: dict
    ) -> HttpResponse | None:
        view = declared(view_function)
        parameters = None if view is None else _cacheable_parameters(request, view)
        if view is None or parameters is None:
            return None
        key = _page_key(request, view, parameters)
        tags = view.tags(kwargs, parameters)
        found = cache.get_many([key, *cache_tags.version_keys(tags)])
        versions = cache_tags.versions(tags, found)
        entry = found.get(key)
        # The versions read now are stored with the page: a page rendered while a change commits is stored under an
        # old version, and so never served again.
        if entry is None:
            setattr(request, FILL, _Fill(view, key, versions))
            return None
        state = "hit"
        if entry[0] != versions:
            lease = f"{key}:render"
            if cache.add(lease, 1, timeout=RENDER_LEASE):
                setattr(request, FILL, _Fill(view, key, versions, lease))
                return None
            state = "stale"  # another request is rendering the new version: the previous one meanwhile
        _versions_rendered, content, headers = entry
        response = HttpResponse(content, headers=headers)
        response[HIT_HEADER] = state
        _insert_csrf_token(request, response)
        return response


def csrf_token_placeholder(request: HttpRequest) -> dict[str, str]:
    """Context processor: a page rendered for the cache gets a placeholder instead of this reader's CSRF token
    (it overrides Django's built-in `csrf` processor, which runs first)."""
    return {"csrf_token": CSRF_PLACEHOLDER} if hasattr(request, FILL) else {}


def _cacheable_parameters(request: HttpRequest, view: PageCache) -> list[tuple[str, str]] | None:
    """The query as part of the key, if the cache may answer this request."""
    cacheable = (
        request.method == "GET"
        and "HTTP_AUTHORIZATION" not in request.META  # an API client with a token is not anonymous
        and not request.user.is_authenticated
        and not len(get_messages(request))  # a page showing a message is this reader's (len() keeps them unread)
    )
    return key_parameters(view, request.GET) if cacheable else None


def _page_key(request: HttpRequest, view: PageCache, parameters: list[tuple[str, str]]) -> str:
    varies = [request.headers.get(name) for name in view.headers]
    # The URL as the view reads it: the declared parameters in one order, the empty ones left out. An absent header
    # must not share a key with an empty one.
    url = request.build_absolute_uri(request.path) + "?" + urlencode(parameters)
    parts = [url, *("\x00" if value is None else value for value in varies)]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"page:{get_language()}:{get_current_timezone_name()}:{digest}"


def _shareable(request: HttpRequest, response: HttpResponse, view: PageCache) -> bool:
    """Whether an answer rendered for an anonymous reader (not streamed) holds nothing of theirs and fits its key."""
    vary = {header.strip().lower() for header in COMMAS.split(response.get("Vary", ""))} - {""}
    keyed = {header.lower() for header in view.headers} | {"accept-language"}  # the language is in the key
    cache_control = response.get("Cache-Control", "").lower()
    return (
        response.status_code == 200
        and not declined(request)  # the view corrected or refused a value of the query
        and not response.cookies
        and not request.session.modified
        # The view (or a malformed CSRF cookie) asked for a real token, which may be in the page.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and vary <= keyed
        and not any(word in cache_control for word in ("private", "no-store", "no-cache"))
    )


def _insert_csrf_token(request: HttpRequest, response: HttpResponseBase) -> None:
    """Put this reader's CSRF token where the page has the placeholder; the CSRF middleware then sets its cookie."""
    placeholder = CSRF_PLACEHOLDER.encode()
    # A streamed answer (not an HttpResponse) is never rendered for the cache.
    if not isinstance(response, HttpResponse) or placeholder not in response.content:
        return
    response.content = response.content.replace(placeholder, get_token(request).encode())
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(response.content))
