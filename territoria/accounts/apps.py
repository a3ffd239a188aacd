from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "territoria.accounts"
    label = "accounts"
    verbose_name = _("Personnes et organisations")

    def ready(self) -> None:
        from territoria.accounts import audit_signals

        audit_signals.connect()

        from territoria.accounts import checks, signals

        signals.connect()
        checks.warn_at_startup()
