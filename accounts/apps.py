from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and audit")

    def ready(self) -> None:
        from . import audit, kinds, receivers, throttle  # noqa: F401  (connect the signal receivers; the throttles' check)

        kinds.register_kinds(self.label, kinds)
