"""Reset a user's authenticators and print a fresh set-up link, for whoever operates the server.

How a superuser made with ``createsuperuser`` (who has no e-mailed invitation) sets up the
authenticator app that the Django admin asks for, and how the demo accounts get one.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.services import mfa_enrolment_reset_by_operator


class Command(BaseCommand):
    help = "Remove a user's authenticators and print a link that sets up a new one (audited)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username__iexact=username).first()
        if user is None:
            raise CommandError(f"No account with the username {username!r}.")
        path = mfa_enrolment_reset_by_operator(user=user)
        self.stdout.write(
            f"Open this link within {settings.MFA_ENROLMENT_LINK_HOURS} hours, sign in as {user.username} "
            f"and scan the code shown:\n{settings.SITE_URL}{path}"
        )
