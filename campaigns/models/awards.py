"""Prizes awarded from the frozen ranking, each with a certificate whose QR code opens a public check
page that says only "valid, this prize, this competition" (as the e-card's check does)."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .competitions import Prize
from .entries import Entry


def _check_token() -> str:
    # 256 random bits: certificates cannot be guessed or listed.
    return secrets.token_urlsafe(32)


class Award(models.Model):
    entry = models.OneToOneField(Entry, on_delete=models.PROTECT, related_name="award")
    prize = models.ForeignKey(Prize, on_delete=models.PROTECT, related_name="awards")
    # The certificate's number: the competition's id and the place, e.g. JS000042-003.
    number = models.CharField(_("certificate number"), max_length=32, unique=True)
    token = models.CharField(max_length=64, default=_check_token, unique=True, editable=False)
    awarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    awarded_at = models.DateTimeField(_("awarded at"), default=timezone.now)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["entry__rank", "id"]

    def __str__(self) -> str:
        return self.number


def certificate_number(competition_id: int, rank: int) -> str:
    """The certificate's number: the competition and the place, e.g. JS000042-003."""
    return f"JS{competition_id:06d}-{rank:03d}"
