"""Second-factor secrets at rest.

allauth keeps each TOTP secret and recovery-code seed in ``Authenticator.data`` in clear unless the
adapter encrypts them; whoever read the table (a database dump, a backup) could then make anyone's
codes. They are encrypted here with the personal-data key (``FIELD_ENCRYPTION_KEY``, Fernet keys
newest first, so rotation works as for ID numbers).
"""

from functools import cache

from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings

# Marks an encrypted value, so that a secret stored before encryption was switched on still works
# (and is encrypted by migration accounts 0008).
PREFIX = "fernet:"


@cache
def _fernet(keys: str) -> MultiFernet:
    return MultiFernet([Fernet(key.strip().encode()) for key in keys.split(",") if key.strip()])


def encrypt_secret(text: str) -> str:
    return PREFIX + _fernet(settings.FIELD_ENCRYPTION_KEY).encrypt(text.encode()).decode()


def decrypt_secret(stored: str) -> str:
    if not stored.startswith(PREFIX):
        return stored
    return _fernet(settings.FIELD_ENCRYPTION_KEY).decrypt(stored[len(PREFIX) :].encode()).decode()


class PortalMFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return encrypt_secret(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt_secret(encrypted_text)
