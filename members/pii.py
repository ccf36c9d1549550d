"""Personal identifiers at rest: a keyed hash (HMAC) for uniqueness and lookup, the value encrypted.

The database never holds a resident ID number in clear. Two keys, both from the environment:
``ID_HASH_KEY`` (HMAC; changing it means recomputing every hash) and ``FIELD_ENCRYPTION_KEY``
(Fernet keys, comma-separated, newest first: older keys still decrypt, so keys can be rotated).
"""

import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


@cache
def _fernet(keys: str) -> MultiFernet:
    return MultiFernet([Fernet(key.strip().encode()) for key in keys.split(",") if key.strip()])


def id_hash(value: str) -> str:
    """The lookup key of a normalised ID number: equal numbers, equal hashes; no way back."""
    return hmac.new(settings.ID_HASH_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def encrypt(value: str) -> str:
    return _fernet(settings.FIELD_ENCRYPTION_KEY).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet(settings.FIELD_ENCRYPTION_KEY).decrypt(token.encode()).decode()


def encrypt_bytes(data: bytes) -> bytes:
    """For what holds ID numbers outside the database for a while (a checked roster's rows)."""
    return _fernet(settings.FIELD_ENCRYPTION_KEY).encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    """Raises ``cryptography.fernet.InvalidToken`` for anything this key did not encrypt."""
    return _fernet(settings.FIELD_ENCRYPTION_KEY).decrypt(token)
