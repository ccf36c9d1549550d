from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members and rosters")

    def ready(self) -> None:
        from accounts.kinds import register_kinds

        from . import kinds

        register_kinds(self.label, kinds)
