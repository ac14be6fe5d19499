"""The security headers of every answer, and TRACE refused.

Django 5.2's SecurityMiddleware already sends HSTS, `X-Content-Type-Options`, `Referrer-Policy` and
`Cross-Origin-Opener-Policy`, and XFrameOptionsMiddleware `X-Frame-Options`. This adds what it lacks:

- `Content-Security-Policy` (settings.SECURE_CSP, in the format of Django 6.0's setting of that name, whose
  ContentSecurityPolicyMiddleware replaces this one then). No page has an inline script or style, an event handler
  attribute or a `style` attribute, so the policy needs no nonce: a page shared through the page cache holds
  nothing of one reader. An answer that sets its own policy keeps it (DRF's browsable API, `portal.api.renderers`).
- `Permissions-Policy`: no page uses the camera, the microphone, the location or any other powerful feature.
- `Cache-Control: no-store` on every private answer (to a logged-in user or an API client with a token, or
  setting a cookie: the CSRF cookie and the token in the page) and on every API answer, so that no browser or
  proxy keeps them. The public pages are kept by the portal's own page cache, which knows when they change.
- TRACE (and IIS's TRACK) answered 405 before any view: Django would otherwise dispatch them to the views.
"""

from collections.abc import Callable, Mapping, Sequence

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase, HttpResponseNotAllowed
from django.utils.cache import add_never_cache_headers, patch_cache_control

CSP_HEADER = "Content-Security-Policy"
REFUSED_METHODS = frozenset({"TRACE", "TRACK"})
ALLOWED_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
API_PREFIX = "/api/"
# Powerful browser features, all off (features a browser does not know only make it log a warning, so these are the
# ones Chromium, Firefox and Safari know).
DENIED_FEATURES = (
    "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "fullscreen",
    "geolocation", "gyroscope", "hid", "idle-detection", "magnetometer", "microphone", "midi", "payment",
    "picture-in-picture", "publickey-credentials-get", "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
)  # fmt: skip
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in DENIED_FEATURES)


def build_policy(directives: Mapping[str, Sequence[str]]) -> str:
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


class SecurityHeadersMiddleware:
    """Refuses TRACE and adds the headers above. It comes right after Django's SecurityMiddleware, so that every
    answer gets them, also those of the middleware after it (a refused upload, a rate limit)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.policy = build_policy(settings.SECURE_CSP)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method in REFUSED_METHODS:
            response: HttpResponseBase = HttpResponseNotAllowed(ALLOWED_METHODS)
        else:
            response = self.get_response(request)
        response.setdefault(CSP_HEADER, self.policy)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if _private(request, response):
            add_never_cache_headers(response)  # no-store, private
        elif request.path.startswith(API_PREFIX):
            # Public figures too: a new figure shows on the next request, never from a copy kept on the way.
            patch_cache_control(response, no_store=True)
        return response


def _private(request: HttpRequest, response: HttpResponseBase) -> bool:
    user = getattr(request, "user", None)  # absent when an earlier middleware answered
    return bool(
        response.cookies or "HTTP_AUTHORIZATION" in request.META or (user is not None and user.is_authenticated)
    )
