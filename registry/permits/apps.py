from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PermitsConfig(AppConfig):
    name = "registry.permits"
    label = "permits"
    verbose_name = _("Emission permits")

    def ready(self) -> None:
        # The texts of the app's messages, registered with the outbox (portal.outbox.renderer).
        from registry.permits import messages  # noqa: F401
