"""Text encrypted at rest with the portal's personal-data key (``members.pii``, Fernet).

Talk content, statements, opinions and rectification texts are the most sensitive records the portal
holds: the column keeps only the token, so a database dump or a look at the table shows none of it.
Such a column cannot be searched or sorted in SQL, which nothing here needs.
"""

from cryptography.fernet import InvalidToken
from django.db import models

from members.pii import decrypt, encrypt


class EncryptedTextField(models.TextField):
    description = "Text encrypted at rest"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        try:
            return decrypt(value)
        except InvalidToken:
            # A key that was rotated away: say so rather than fail the whole page.
            return "?"

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)
