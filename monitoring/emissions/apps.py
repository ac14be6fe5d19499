from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmissionsConfig(AppConfig):
    name = "monitoring.emissions"
    label = "emissions"
    verbose_name = _("Continuous emission monitoring")
