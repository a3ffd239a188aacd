from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "territoria.access"
    label = "access"
    verbose_name = _("Politique d'accès")

    def ready(self) -> None:
        from territoria.access import signals

        signals.connect()
