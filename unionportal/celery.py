"""The Celery app. Tasks live in each app's ``tasks.py``; settings come from Django's (CELERY_*).

``autodiscover_tasks()`` with no arguments imports ``tasks`` of every app in INSTALLED_APPS (through
Celery's Django fix-up) once Django is set up; ``unionportal/__init__.py`` imports this module so
that web processes queue through this app (eagerly when no broker is configured).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings")

app = Celery("unionportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
