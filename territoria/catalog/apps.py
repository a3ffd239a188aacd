from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "territoria.catalog"
    label = "catalog"
    verbose_name = _("Catalogue")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from territoria.catalog import signals

        post_migrate.connect(signals.analyze_after_migrate, sender=self)
