from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReturnsConfig(AppConfig):
    name = "registry.returns"
    label = "returns"
    verbose_name = _("Annual waste returns")

    def ready(self) -> None:
        # The texts of the app's messages, registered with the outbox (portal.outbox.renderer).
        from registry.returns import messages  # noqa: F401
