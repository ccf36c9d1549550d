from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self) -> None:
        from accounts.kinds import register_kinds
        from members.signals import members_seeded

        from . import kinds, navigation  # noqa: F401  (navigation: the sign-in hook remembering who judges)
        from .management.commands import _scale_campaigns, _scale_honours

        register_kinds(self.label, kinds)
        # seed_scale's city gets its competitions in the same transaction, after its cadres and integrity
        # records (those apps come first in INSTALLED_APPS and connected their receivers first).
        members_seeded.connect(_scale_campaigns.on_members_seeded, dispatch_uid="campaigns.scale_campaigns")
        members_seeded.connect(_scale_honours.on_members_seeded, dispatch_uid="campaigns.scale_honours")
