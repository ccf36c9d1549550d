"""The hours rules a federation starts with (they are changed in the portal's rules page), and the
settings row."""

from django.db import migrations

# 乡科级 and below: at least 90 credit hours every year; 县处级 and above: 550 hours in every rolling
# five years. No cap on the online share until staff set one.
DEFAULT_RULES = [
    ("bureau", 550, 5),
    ("county_division", 550, 5),
    ("township_section", 90, 1),
    ("staff", 90, 1),
    ("clerk", 90, 1),
]
FROM_YEAR = 2000


def create(apps, schema_editor):
    HoursRule = apps.get_model("cadres", "HoursRule")
    CadreSettings = apps.get_model("cadres", "CadreSettings")
    for rank, hours, period in DEFAULT_RULES:
        HoursRule.objects.get_or_create(
            rank=rank, starts_year=FROM_YEAR, defaults={"hours": hours, "period_years": period}
        )
    CadreSettings.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("cadres", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
