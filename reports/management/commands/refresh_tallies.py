"""Rebuild the dashboards' summary data for every union (the nightly job does the same)."""

from django.core.management.base import BaseCommand

from reports import tallies


class Command(BaseCommand):
    help = "Recount the dashboards' summary data of every grassroots and joint union."

    def handle(self, *args, **options):
        count = tallies.refresh()
        self.stdout.write(f"{count} unions counted.")
