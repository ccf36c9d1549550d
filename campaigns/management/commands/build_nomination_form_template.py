"""Write the nomination approval form's Word template again (``templates/campaigns/docx/nomination_form.docx``).

The file in git is what the portal fills; the federation may replace it with its own layout, keeping the
fields listed in ``campaigns.nomination_form.FIELDS``."""

from pathlib import Path

from django.core.management.base import BaseCommand

from campaigns.nomination_form import TEMPLATE, build_template


class Command(BaseCommand):
    help = "Build the Word template of the nomination approval form (推荐审批表) with python-docx."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(TEMPLATE), help="where to write the .docx")

    def handle(self, *args, **options):
        path = build_template(Path(options["output"]))
        self.stdout.write(f"Written {path}")
