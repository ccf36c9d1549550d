from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CadresConfig(AppConfig):
    name = "cadres"
    verbose_name = _("Cadres")

    def ready(self) -> None:
        from accounts.kinds import register_kinds
        from members.signals import members_seeded

        from . import kinds, navigation  # noqa: F401  (navigation: the sign-in hook forgetting the cached menu)
        from .management.commands import _scale_cadres

        register_kinds(self.label, kinds)
        # seed_scale's city gets its cadres in the same transaction.
        members_seeded.connect(_scale_cadres.on_members_seeded, dispatch_uid="cadres.scale_cadres")
