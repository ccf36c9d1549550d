"""Helpers for tests that drive pages through Django's test client."""

from django.conf import settings
from django.test import Client


def client_for(user=None, *, english: bool = True, csrf: bool = False) -> Client:
    """A client signed in as ``user`` (anonymous when None), in English unless asked otherwise.

    Pages default to Chinese; most tests compare the English source messages.
    """
    client = Client(enforce_csrf_checks=csrf)
    if english:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []
