from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegimesConfig(AppConfig):
    name = "monitoring.regimes"
    label = "regimes"
    verbose_name = _("Adverse-weather regimes")

    def ready(self) -> None:
        # The texts of the app's messages, registered with the outbox (portal.outbox.renderer).
        from monitoring.regimes import messages  # noqa: F401
