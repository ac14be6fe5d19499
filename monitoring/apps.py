from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("Monitoring and exceedances")

    def ready(self) -> None:
        # The texts of the app's messages, registered with the outbox (portal.outbox.renderer).
        from monitoring import (
            messages,  # noqa: F401
            signals,
        )

        # Handlers of the signals of the apps below (the release register's acceptances).
        signals.connect()
