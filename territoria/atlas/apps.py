from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AtlasConfig(AppConfig):
    name = "territoria.atlas"
    label = "atlas"
    verbose_name = _("Atlas des actions numériques")

    def ready(self) -> None:
        from territoria.atlas.signals import install_default_referential

        post_migrate.connect(install_default_referential, sender=self, dispatch_uid="atlas-default-referential")
