"""Sending text messages through a pluggable backend (settings.SMS_BACKEND).

A real provider plugs in as one more backend class with a ``send(phone, message)`` method.
"""

import logging
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from .phone import mask_mobile

logger = logging.getLogger(__name__)


class LoggingBackend:
    """Development: write the message to the log instead of sending it."""

    def send(self, phone: str, message: str) -> None:
        logger.info("SMS to %s: %s", mask_mobile(phone), message)


class MemoryBackend:
    """Tests: keep the messages in ``outbox``, like Django's locmem e-mail backend."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, message: str) -> None:
        type(self).outbox.append((phone, message))


@cache
def _backend_class(path: str):
    return import_string(path)


def send_sms(phone: str, message: str) -> None:
    backend = _backend_class(settings.SMS_BACKEND)()
    backend.send(phone, message)
