from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from members.signals import members_changed, members_seeded
        from unions.signals import unions_changed

        from . import tallies

        members_changed.connect(tallies.on_members_changed, dispatch_uid="reports.tallies")
        members_seeded.connect(tallies.on_members_seeded, dispatch_uid="reports.tallies.seeded")
        unions_changed.connect(tallies.on_unions_changed, dispatch_uid="reports.tallies.unions")
