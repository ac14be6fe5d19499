from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal and accounts")

    def ready(self) -> None:
        # Signal receivers: failed logins counted per address; API tokens revoked when a password changes. System
        # checks (portal.checks): the cache's entries expire, and in production its Redis evicts only them.
        from portal import checks, throttling, tokens  # noqa: F401
