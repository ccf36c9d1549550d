from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrityConfig(AppConfig):
    name = "integrity"
    verbose_name = _("Integrity")

    def ready(self) -> None:
        from accounts.kinds import register_kinds
        from cadres.evidence import register_integrity_flag
        from members.signals import members_seeded

        from . import kinds
        from .assessment_flag import valid_letter_shows_problem
        from .management.commands import _scale_integrity

        register_kinds(self.label, kinds)
        # The cadres' yearly assessment asks only this yes/no of integrity (cadres.evidence).
        register_integrity_flag(valid_letter_shows_problem)
        # seed_scale's city gets its integrity records in the same transaction, after its cadres (the
        # cadres app, before this one in INSTALLED_APPS, connected its receiver first).
        members_seeded.connect(_scale_integrity.on_members_seeded, dispatch_uid="integrity.scale_integrity")
