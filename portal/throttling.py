"""Who is asking, and how often: the client's address, and rate limits counted in the cache.

`client_address` is the one answer to "which address is this request from": django-axes
(`AXES_CLIENT_IP_CALLABLE`), the API's throttles (`portal.api.throttling`) and the limits below all use it, so
that behind the TLS proxy each client is counted as itself and nobody can choose their address by sending a
header.

The limits are fixed windows in the cache: a counter per scope, address and window, raised with `incr` and
created with `add` (both atomic in Redis, so parallel workers never lose a count), as django-ratelimit keeps its own.
Its `get_usage` would do; it is not used because it fails closed when the cache cannot be reached (Django's Redis
backend raises, which it does not catch), which would refuse every anonymous reader while Redis is down, and its
system check refuses the in-process cache of the embedded default. Here an unreachable cache lets the request
through and logs it.
"""

import ipaddress
import logging
import math
import time
from collections.abc import Callable
from functools import cache, wraps
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache as default_cache
from django.core.cache import caches
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import ngettext
from redis.exceptions import RedisError

from portal.cache_backend import RedisCache

logger = logging.getLogger(__name__)

Response = TypeVar("Response", bound=HttpResponseBase)

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}  # the rates of portal.env.env_rate, as DRF reads them


@cache
def _networks(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    # An IPv4 client seen through an IPv6 socket is the IPv4 client.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address | None) -> bool:
    return address is not None and any(address in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_address(request: HttpRequest) -> str:
    """The address of the client that sent `request`.

    When the connection comes from a trusted proxy (`TRUSTED_PROXIES`), X-Forwarded-For is read from the right:
    each proxy appends the address it was connected from, so the right-most entry that is not a trusted proxy was
    written by our outermost proxy and is the client's; what lies left of it the client may have sent itself. From
    any other connection the header is ignored. An IPv6 client stands for its /64 network, which one subscriber
    holds whole (otherwise each of its 2^64 addresses would be counted apart).
    """
    address = _address(request.META.get("REMOTE_ADDR", ""))
    if _trusted(address):
        for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
            hop_address = _address(hop)
            if hop_address is None:
                # Our proxies write addresses only: a proxy set up to pass something else on; the last proxy stands.
                break
            address = hop_address
            if not _trusted(hop_address):
                break
    if address is None:
        return ""
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((address, 64), strict=False).network_address)
    return str(address)


class RateLimit:
    """At most the rate in `setting` ("300/minute", read when used) of events per client, counted in fixed windows."""

    def __init__(self, scope: str, setting: str) -> None:
        self.scope = scope
        self.setting = setting

    def _window(self, ident: str) -> tuple[str, int, int, int]:
        """The cache key of the current window, the limit, the window's length and the seconds left in it."""
        count, period = str(getattr(settings, self.setting)).split("/")
        seconds = _PERIODS[period[0]]
        now = time.time()
        window = int(now // seconds)
        left = max(1, math.ceil((window + 1) * seconds - now))
        return f"ratelimit:{self.scope}:{ident}:{window}", int(count), seconds, left

    def hit(self, ident: str) -> int:
        """Count one event; the seconds to wait if it went over the limit, else 0."""
        key, limit, seconds, left = self._window(ident)
        try:
            count = _count(key, timeout=seconds + 1)
        except (RedisError, OSError) as exc:
            logger.warning("rate limit %s not counted, the cache cannot be reached: %s", self.scope, exc)
            return 0
        return left if count > limit else 0

    def wait(self, ident: str) -> int:
        """The seconds to wait if the limit is already reached (the next event would go over it), else 0."""
        key, limit, _seconds, left = self._window(ident)
        try:
            count = default_cache.get(key, 0)
        except (RedisError, OSError) as exc:
            logger.warning("rate limit %s not read, the cache cannot be reached: %s", self.scope, exc)
            return 0
        return left if count >= limit else 0


def _count(key: str, *, timeout: int) -> int:
    """Add one to a window's counter, made with its expiry by the window's first event: in one round trip on Redis
    (`portal.cache_backend`, counted before every anonymous page), else with `incr` and `add`."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        return backend.count(key, timeout=timeout)
    try:
        return backend.incr(key)
    except ValueError:  # the window's first event
        return 1 if backend.add(key, 1, timeout=timeout) else backend.incr(key)


LOGIN_FAILURES = RateLimit("login-failures", "LOGIN_ADDRESS_FAILURE_RATE")
ANONYMOUS_PAGES = RateLimit("anonymous-pages", "ANON_HTML_RATE")


@receiver(user_login_failed)
def _count_login_failure(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """Every failed login (the pages, the admin, the API's token endpoint) counts against its address."""
    if request is not None:
        LOGIN_FAILURES.hit(client_address(request))


def too_many_requests(seconds: int) -> HttpResponse:
    # Plain text: a flood of refusals should cost less than the pages it asked for.
    message = ngettext(
        "Too many requests from your address. Try again in %(seconds)d second.",
        "Too many requests from your address. Try again in %(seconds)d seconds.",
        seconds,
    ) % {"seconds": seconds}
    response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(seconds)
    return response


def login_throttled(view: Callable[..., Response]) -> Callable[..., Response | HttpResponse]:
    """A login page refuses a login from an address with too many failed logins, before the password is hashed."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Response | HttpResponse:
        if request.method == "POST" and (seconds := LOGIN_FAILURES.wait(client_address(request))):
            response = render(request, "registration/throttled.html", {"seconds": seconds}, status=429)
            response["Retry-After"] = str(seconds)
            return response
        return view(request, *args, **kwargs)

    return wrapped


class AnonymousRateLimitMiddleware:
    """Anonymous requests for pages, per client address, at most `ANON_HTML_RATE`; then 429 with Retry-After.

    Not counted: the API (its own throttles, portal.api.throttling), static files, and logged-in users. Answers the
    public page cache serves count too: a flood of them still takes a worker each.
    """

    EXEMPT = ("/api/",)

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.exempt = (*self.EXEMPT, "/" + settings.STATIC_URL.lstrip("/"))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(self.exempt) and not request.user.is_authenticated:
            seconds = ANONYMOUS_PAGES.hit(client_address(request))
            if seconds:
                return too_many_requests(seconds)
        return self.get_response(request)
