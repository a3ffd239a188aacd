from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VizConfig(AppConfig):
    name = "territoria.viz"
    label = "viz"
    verbose_name = _("Visualisation")
