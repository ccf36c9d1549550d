"""Write the portal's default responsibility letter template again (``integrity/templates_docx``)."""

from django.core.management.base import BaseCommand

from integrity.letter_documents import DEFAULT_TEMPLATE, build_default_template


class Command(BaseCommand):
    help = "Build the default Word template of the responsibility letter (python-docx)."

    def handle(self, *args, **options):
        path = build_default_template(DEFAULT_TEMPLATE)
        self.stdout.write(f"Written {path}")
