"""Accounts made before sign-up asked for a name were called by their generated username ("user9"),
even after their application was approved. They take the name of their membership record, which the
approval checked against the ID card; an account that already has a name keeps it."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def names_from_members(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    Member = apps.get_model("members", "Member")
    member_name = Member.objects.filter(user=OuterRef("pk")).values("name")[:1]
    User.objects.filter(name="", member__isnull=False).update(name=Subquery(member_name))


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0010_roster_error_file"),
    ]

    operations = [
        migrations.RunPython(names_from_members, migrations.RunPython.noop, elidable=True),
    ]
