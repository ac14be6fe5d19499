from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReleasesConfig(AppConfig):
    name = "registry.releases"
    label = "releases"
    verbose_name = _("Pollutant releases and transfers")

    def ready(self) -> None:
        # The texts of the app's messages, registered with the outbox (portal.outbox.renderer).
        from registry.releases import messages  # noqa: F401
