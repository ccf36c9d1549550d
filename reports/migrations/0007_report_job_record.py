"""Reports stand on the shared job record (accounts.jobs), which keeps the requester's language.
Reports made before were asked for in the portal's language, the default."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0006_union_moved_to_unions"),
    ]

    operations = [
        migrations.AddField(
            model_name="report",
            name="language",
            field=models.CharField(default="zh-hans", max_length=10, verbose_name="language"),
        ),
    ]
