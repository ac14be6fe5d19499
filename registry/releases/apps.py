from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReleasesConfig(AppConfig):
    name = "registry.releases"
    label = "releases"
    verbose_name = _("Pollutant releases and transfers")
