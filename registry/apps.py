from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("Registry of enterprises and deposits")

    def ready(self) -> None:
        from registry import region_history  # models are ready only now
        from registry.models import Deposit, Enterprise

        for model in (Enterprise, Deposit):
            post_save.connect(
                region_history.follow, sender=model, dispatch_uid=f"registry.region_history.{model.__name__}"
            )
