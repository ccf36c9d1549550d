"""Demo enrolment targets: this year's new-employment-form targets for the city and the nodes just
below it, a little above what each has enrolled so far, so the demo dashboard has targets to show.

Run by ``seed_demo`` after the summary data is counted. Leaves any target that exists alone.
"""

import math

from django.core.management.base import BaseCommand
from django.db.models import Q, Sum
from django.utils import timezone

from reports.dashboard import NEW_FORM_GROUPS
from reports.models import EnrolmentTarget, UnionTally
from unions.models import Union


class Command(BaseCommand):
    help = "Give the demo city and its districts and industry unions this year's enrolment targets."

    def handle(self, *args, **options):
        year = timezone.localdate().year
        created = 0
        for root in Union.objects.filter(depth=1):
            nodes = [root, *Union.objects.filter(path__startswith=root.path, depth=2, closed_on__isnull=True)]
            for node in nodes:
                joined = UnionTally.objects.filter(Q(union__path__startswith=node.path)).aggregate(
                    **{group: Sum(f"joined_{group}") for group in NEW_FORM_GROUPS}
                )
                for group in NEW_FORM_GROUPS:
                    # Reachable but not reached: a quarter more than enrolled so far, at least 5.
                    target = max(5, math.ceil((joined[group] or 0) * 1.25 / 5) * 5)
                    _target, made = EnrolmentTarget.objects.get_or_create(
                        union=node, year=year, group=group, defaults={"target": target}
                    )
                    created += made
        self.stdout.write(f"{created} enrolment targets set.")
