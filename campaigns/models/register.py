"""The honours register (荣誉名录) and the care of model workers (劳模关爱).

An ``Honour`` is one honour held: conferred by a round's final decision (审定, with its document number
文号), or entered for the register (a provincial or national honour, an earlier year's). It may be
revoked with a reason. Its certificate's QR opens a public check that says only "this honour, this year,
valid" (or revoked).

Holders of a kind that grants care are model workers the federation looks after: each year's
entitlements (``CareEntitlement``) against the care delivered (``CareRecord``), visited by ``care_union``.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Member, Sex
from unions.models import Union

from .honours import CareEntitlement, HonourKind, Round
from .nominations import Nomination


def _check_token() -> str:
    return secrets.token_urlsafe(32)


class Honour(models.Model):
    class Level(models.TextChoices):
        NATIONAL = "national", _("National level")
        PROVINCIAL = "provincial", _("Provincial level")
        CITY = "city", _("City level")
        DISTRICT = "district", _("District level")
        INDUSTRY = "industry", _("Industry level")

    kind = models.ForeignKey(HonourKind, on_delete=models.PROTECT, related_name="honours", verbose_name=_("honour"))
    round = models.ForeignKey(Round, on_delete=models.PROTECT, null=True, blank=True, related_name="honours")
    nomination = models.OneToOneField(
        Nomination, on_delete=models.PROTECT, null=True, blank=True, related_name="honour"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    # The holder: a person (a member where known), or a team, unit or studio by name.
    holder_name = models.CharField(_("holder"), max_length=100)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("member")
    )
    # Ties one person's honours at every level together: "m<member id>", else a hash of name and birth date.
    person_key = models.CharField(max_length=64, db_index=True)
    unit_name = models.CharField(_("unit"), max_length=100)
    post = models.CharField(_("post"), max_length=100, blank=True)
    # The union the holder belongs to: the register's scope, and who visits them (劳模关爱).
    union = models.ForeignKey(Union, on_delete=models.PROTECT, related_name="honours", verbose_name=_("union"))
    document_number = models.CharField(_("document number"), max_length=60)  # 文号
    conferring_body = models.CharField(_("conferred by"), max_length=100)
    decided_on = models.DateField(_("decided on"))
    number = models.CharField(_("certificate number"), max_length=32, unique=True)
    token = models.CharField(max_length=64, default=_check_token, unique=True, editable=False)
    # Model workers in hardship receive the hardship allowance where the kind grants it.
    in_hardship = models.BooleanField(_("in hardship"), default=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoke_reason = models.CharField(_("reason for revoking"), max_length=500, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("honour")
        verbose_name_plural = _("honours register")
        ordering = ["-year", "kind__order", "holder_name", "id"]
        indexes = [
            models.Index(fields=["kind", "year"], name="honour_kind_year"),
            models.Index(fields=["year", "level"], name="honour_year_level"),
            models.Index(fields=["holder_name"], name="honour_holder_name"),
        ]

    def __str__(self) -> str:
        return f"{self.holder_name} · {self.kind_id and self.kind} · {self.year}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class CareRecord(models.Model):
    """Care delivered to a model worker: a health check, a recuperation, a festival visit, an allowance."""

    honour = models.ForeignKey(Honour, on_delete=models.PROTECT, related_name="care_records")
    care = models.CharField(_("care"), max_length=24, choices=CareEntitlement.Care.choices)
    year = models.PositiveSmallIntegerField(_("for the year"))
    delivered_on = models.DateField(_("delivered on"))
    delivered_by = models.CharField(_("delivered by"), max_length=100)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=9, decimal_places=2, null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("care delivered")
        verbose_name_plural = _("care delivered")
        ordering = ["-delivered_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["honour", "care", "year"], name="care_once_a_year")]

    def __str__(self) -> str:
        return f"{self.get_care_display()} {self.year}"
