"""What `make run` prints before it starts the development server: the address, where background
tasks run, and (with Redis) the worker and beat commands for the configuration actually running.

The commands are built from the settings and environment of this process, which `make run` gives
the server too, so they cannot drift from it the way text written into the Makefile did.
"""

import os
import shlex
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.management.base import BaseCommand

# Variables the workers must share with the web process, printed with their values (passwords hidden).
SHARED = ("DEBUG", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "SMS_BACKEND")
# Secrets the workers need too; named, never printed.
SECRET = ("SECRET_KEY", "FIELD_ENCRYPTION_KEY", "ID_HASH_KEY")


def hide_password(url: str) -> str:
    """``scheme://user:***@host/...``: the console and its scroll-back are no place for a password."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    user = f"{parts.username}:***" if parts.username else ":***"
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{user}@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


class Command(BaseCommand):
    help = "Print the portal's address and, with Redis, the worker commands for this configuration."

    def add_arguments(self, parser):
        parser.add_argument("address", nargs="?", default="127.0.0.1:8000", help="the address runserver is given")

    def handle(self, *args, address, **options):
        out = self.stdout.write
        out("")
        out(f"工会服务平台 Union portal: http://{address}/")
        out(f"Links in e-mail, SMS and the e-card's QR code: SITE_URL={settings.SITE_URL}")
        if settings.CELERY_TASK_ALWAYS_EAGER:
            out("Background tasks run eagerly in this process (REDIS_URL is not set).")
            out(
                "To run them in workers, start with REDIS_URL=redis://HOST:6379/N make run: the commands are then printed here."
            )
            return
        out(f"Background tasks go to Redis ({hide_password(settings.REDIS_URL)}): run these in two more shells:")
        shared = {name: os.environ[name] for name in SHARED if os.environ.get(name)}
        shared["SITE_URL"] = settings.SITE_URL
        prefix = " ".join(f"{name}={shlex.quote(hide_password(value))}" for name, value in shared.items())
        celery = Path(sys.executable).with_name("celery")
        if celery.is_relative_to(settings.BASE_DIR):  # make runs in the project: .venv/bin/celery
            celery = celery.relative_to(settings.BASE_DIR)
        for process in ("worker", "beat"):
            out(f"  {prefix} {celery} -A unionportal {process} -l info")
        if any(value != hide_password(value) for value in shared.values()):
            out("  (passwords are shown as ***: give the workers the same ones)")
        secrets = [name for name in SECRET if os.environ.get(name)]
        if secrets:
            out(f"  and the same {', '.join(secrets)} as this shell (not printed).")
