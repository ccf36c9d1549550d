"""Roster exports stand on the shared job record (accounts.jobs): attempts, queued and start times,
and an expiry of their own.

Exports made before keep their data: one that started is counted as one attempt (the old code did
not count them), and a built one is kept until its build time plus the retention the old purge
applied (ROSTER_FILE_RETENTION_DAYS), so no file goes sooner or later than it would have.
"""

from datetime import timedelta

from django.conf import settings
from django.db import migrations, models
from django.db.models import F

STARTED = ["running", "done", "failed", "expired"]
BUILT = ["done", "expired"]


def fill_in(apps, schema_editor):
    RosterExport = apps.get_model("members", "RosterExport")
    RosterExport.objects.filter(status__in=STARTED, attempts=0).update(attempts=1)
    keep = timedelta(days=settings.ROSTER_FILE_RETENTION_DAYS)
    RosterExport.objects.filter(status__in=BUILT, finished_at__isnull=False, expires_at__isnull=True).update(
        expires_at=F("finished_at") + keep
    )


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0012_union_moved_to_unions"),
    ]

    operations = [
        migrations.AddField(
            model_name="rosterexport",
            name="attempts",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="attempts"),
        ),
        migrations.AddField(
            model_name="rosterexport",
            name="expires_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="expires at"),
        ),
        migrations.AddField(
            model_name="rosterexport",
            name="queued_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="queued at"),
        ),
        migrations.AddField(
            model_name="rosterexport",
            name="started_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="started at"),
        ),
        migrations.AlterField(
            model_name="rosterexport",
            name="language",
            field=models.CharField(default="zh-hans", max_length=10, verbose_name="language"),
        ),
        migrations.RunPython(fill_in, migrations.RunPython.noop),
    ]
