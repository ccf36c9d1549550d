"""``manage.py seed_scale --members 1000000``: a city at full scale, to measure the portal against.

For a database of its own (the benches use one): it refuses a database that holds any other union,
and empties the tables before writing again when the database holds an earlier scale city.
"""

import datetime
import time

from django.core.management.base import BaseCommand, CommandError

from ._scale import CITY_NAME, Plan, seed_city


class Command(BaseCommand):
    help = "Fill a PostgreSQL database of its own with a city of the given size (COPY, minutes for 1M members)."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=1_000_000)
        parser.add_argument("--seed", type=int, default=2026, help="the same seed (and day) gives the same data")
        parser.add_argument("--unions", type=int, help="grassroots and joint unions (default 12,000 per million)")
        parser.add_argument("--applications", type=int, help="pending applications (default 3 %% of members)")
        parser.add_argument("--transfers", type=int, help="open transfers (default 0.5 %% of members)")
        parser.add_argument("--today", type=datetime.date.fromisoformat, help="the day the data is as of (YYYY-MM-DD)")

    def handle(self, *args, members, seed, unions, applications, transfers, today, **options):
        if members < 100:
            raise CommandError("--members must be at least 100.")
        plan = Plan(members=members, seed=seed, unions=unions, applications=applications, transfers=transfers)
        if today:
            plan.today = today
        started = time.perf_counter()
        try:
            figures = seed_city(plan, log=self.stdout.write)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        figures["seconds"] = round(time.perf_counter() - started, 1)
        width = max(len(key) for key in figures)
        for key, value in figures.items():
            self.stdout.write(f"{key:<{width}}  {value:,}" if isinstance(value, int) else f"{key:<{width}}  {value}")
        self.stdout.write(
            self.style.SUCCESS(f"{CITY_NAME}: {figures['members']:,} members, {figures['unions']:,} unions.")
        )
