from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CadresConfig(AppConfig):
    name = "cadres"
    verbose_name = _("Cadres")

    def ready(self) -> None:
        from accounts.kinds import register_kinds

        from . import kinds

        register_kinds(self.label, kinds)
