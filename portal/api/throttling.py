"""The API's throttles, counting each client by `portal.throttling.client_address`.

DRF's own `get_ident` believes X-Forwarded-For from anyone when NUM_PROXIES is unset, so a client sending a new
address in it with every request was never throttled; here only our trusted proxies are believed.
"""

from typing import Any

from rest_framework import throttling
from rest_framework.request import Request

from portal.throttling import LOGIN_FAILURES, client_address


class AnonRateThrottle(throttling.AnonRateThrottle):
    def get_ident(self, request: Request) -> str:
        return client_address(request)


class UserRateThrottle(throttling.UserRateThrottle):
    def get_ident(self, request: Request) -> str:
        return client_address(request)


class LoginThrottle(throttling.BaseThrottle):
    """The token endpoint refuses an address with too many failed logins (`LOGIN_ADDRESS_FAILURE_RATE`) before
    the password is hashed; the failures are counted by `portal.throttling` as they happen."""

    seconds = 0

    def allow_request(self, request: Request, view: Any) -> bool:
        self.seconds = LOGIN_FAILURES.wait(client_address(request))
        return not self.seconds

    def wait(self) -> float | None:
        return self.seconds or None
