"""The cadres app's long jobs: spreadsheets out (``CadreExport``) and cadre profiles in (``CadreImport``)."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.jobs import Job
from unions.models import Union


def _export_upload_to(instance, filename: str) -> str:
    return f"cadres/exports/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.xlsx"


def _import_upload_to(instance, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower()[:8] if "." in filename else "bin"
    return f"cadres/imports/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.{suffix}"


class CadreExport(Job):
    """A list of cadres or the hours ledger as XLSX, built by a worker when large. ``query`` is the
    page's filter query string, applied again within the scope of whoever asked."""

    class Kind(models.TextChoices):
        CADRES = "cadres", _("Cadres")
        LEDGER = "ledger", _("Hours ledger")

    build_task = "cadres.export_build"
    requeue_after = timedelta(minutes=15)

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    query = models.CharField(max_length=2000, blank=True)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    file = models.FileField(_("file"), upload_to=_export_upload_to, blank=True, max_length=200)

    class Meta:
        verbose_name = _("cadre export")
        verbose_name_plural = _("cadre exports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"


class CadreImport(models.Model):
    """A spreadsheet of cadre profiles: checked first (dry run, row errors), then imported on
    confirmation, all or nothing or the valid rows only, like the member roster."""

    class Status(models.TextChoices):
        CHECKED = "checked", _("Checked, waiting for confirmation")
        REFUSED = "refused", _("File refused")
        DONE = "done", _("Imported")
        NOTHING_WRITTEN = "nothing_written", _("Not imported: errors found")
        CANCELLED = "cancelled", _("Cancelled")

    class Mode(models.TextChoices):
        ALL_OR_NOTHING = "all_or_nothing", _("All or nothing: any error and nothing is written")
        VALID_ONLY = "valid_only", _("Valid rows only: rows with errors are left out and listed")

    union = models.ForeignKey(Union, on_delete=models.PROTECT, related_name="+", verbose_name=_("import into"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    file = models.FileField(_("file"), upload_to=_import_upload_to, blank=True, max_length=200)
    error_file = models.FileField(_("error file"), upload_to=_import_upload_to, blank=True, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    language = models.CharField(max_length=10, default="zh-hans")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.CHECKED)
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices, blank=True)
    problem = models.TextField(_("problem"), blank=True)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    new_count = models.PositiveIntegerField(_("new"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    error_count = models.PositiveIntegerField(_("rows with errors"), default=0)
    # Row errors as [{"row": n, "name": "...", "message": "..."}], in the uploader's language.
    errors = models.JSONField(default=list, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("cadre import")
        verbose_name_plural = _("cadre imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.original_name
