from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrityConfig(AppConfig):
    name = "integrity"
    verbose_name = _("Integrity")

    def ready(self) -> None:
        from accounts.kinds import register_kinds
        from cadres.evidence import register_integrity_flag

        from . import kinds
        from .assessment_flag import valid_letter_shows_problem

        register_kinds(self.label, kinds)
        # The cadres' yearly assessment asks only this yes/no of integrity (cadres.evidence).
        register_integrity_flag(valid_letter_shows_problem)
