"""Strict parsing of settings from the environment.

A malformed value stops start-up with a message naming the variable, instead of
silently falling back to a default (healthchecks style).
"""

import ipaddress
import os
import re
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of {sorted(_TRUE | _FALSE - {''})}, got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        bounds = f"from {minimum}" if maximum is None else f"from {minimum} to {maximum}"
        raise ImproperlyConfigured(f"{name} must be an integer {bounds}, got {raw!r}")
    return value


def env_percent(name: str, default: int) -> int:
    return env_int(name, default, minimum=0, maximum=100)


def env_positive(name: str, default: int) -> int:
    return env_int(name, default, minimum=1)


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env_str(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


# A name for a broker queue: letters, digits, '.', '-' and '_' (Redis and AMQP both take them as they are).
_QUEUE = re.compile(r"^[A-Za-z0-9._-]+$")


def env_queue(name: str) -> str:
    """A queue name, or '' when unset."""
    value = env_str(name)
    if value and not _QUEUE.match(value):
        raise ImproperlyConfigured(f"{name} must be a queue name (letters, digits, '.', '-', '_'), got {value!r}")
    return value


# DRF's throttle rate: requests per second, minute, hour or day (its parser reads the first letter of the period).
_RATE = re.compile(r"^[1-9]\d*/(s|sec|second|m|min|minute|h|hour|d|day)$")


def env_rate(name: str, default: str) -> str:
    value = env_str(name, default)
    if not _RATE.match(value):
        raise ImproperlyConfigured(
            f"{name} must be a rate such as 120/minute (per second, minute, hour or day), got {value!r}"
        )
    return value


def env_url(name: str, default: str = "", *, schemes: tuple[str, ...]) -> str:
    """A URL with one of `schemes` and a host; empty when not set and no default."""
    value = env_str(name, default)
    if not value:
        return value
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 -- reading it validates the port
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} is not a valid URL ({exc}), got {value!r}") from None
    if parts.scheme not in schemes or not (parts.hostname or parts.path):
        raise ImproperlyConfigured(f"{name} must be a {' or '.join(schemes)} URL, got {value!r}")
    return value


def env_email(name: str, default: str = "") -> str:
    """An e-mail address, optionally with a display name ("Qaldyq <noreply@qaldyq.kz>")."""
    value = env_str(name, default)
    if not value:
        return value
    try:
        validate_email(parseaddr(value)[1])
    except ValidationError:
        raise ImproperlyConfigured(f"{name} must be an e-mail address, got {value!r}") from None
    return value


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_networks(name: str) -> tuple[str, ...]:
    """Comma-separated IP addresses or networks ("127.0.0.1,10.0.0.0/8"), each normalised ("10.0.0.0/8")."""
    networks = []
    for item in env_list(name):
        try:
            networks.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} must be IP addresses or networks separated by commas, got {item!r}"
            ) from None
    return tuple(networks)


def env_int_list(name: str, default: tuple[int, ...], *, minimum: int, maximum: int) -> tuple[int, ...]:
    """Comma-separated integers ("30,7"), each from `minimum` to `maximum`, largest first, without repeats."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        values = {int(item) for item in raw.split(",")}
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be integers separated by commas, got {raw!r}") from None
    if any(value < minimum or value > maximum for value in values):
        raise ImproperlyConfigured(f"{name} must be integers from {minimum} to {maximum}, got {raw!r}")
    return tuple(sorted(values, reverse=True))


def env_required(name: str) -> str:
    value = env_str(name)
    if not value:
        raise ImproperlyConfigured(f"{name} must be set when DJANGO_ENV=production")
    return value


def csp_source(name: str, url: str) -> str:
    """The Content-Security-Policy source of a server's URL template (MAP_TILE_URL): its scheme and host, with a
    placeholder in the host's first label (Leaflet's `{s}.tile.example`) as the wildcard."""
    parts = urlsplit(url)
    first, dot, rest = parts.netloc.partition(".")
    if "{" in rest:
        raise ImproperlyConfigured(f"{name} may have a placeholder only in the first label of its host, got {url!r}")
    return f"{parts.scheme}://{'*' if '{' in first else first}{dot}{rest}"
