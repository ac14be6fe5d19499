from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubscriptionsConfig(AppConfig):
    name = "monitoring.subscriptions"
    label = "subscriptions"
    verbose_name = _("Public subscriptions")

    def ready(self) -> None:
        # The texts of the app's e-mails (portal.outbox.renderer), and the events it listens to.
        from monitoring.subscriptions import messages  # noqa: F401
        from monitoring.subscriptions.receivers import connect

        connect()
