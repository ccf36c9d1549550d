from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnionsConfig(AppConfig):
    name = "unions"
    verbose_name = _("Union tree and roles")

    def ready(self) -> None:
        from accounts import mfa_policy
        from accounts.kinds import register_kinds

        from . import kinds
        from .roles import holds_mfa_role

        # Accounts enforces the second factor; which roles need one is the tree's rule.
        mfa_policy.register(holds_mfa_role)
        register_kinds(self.label, kinds)
