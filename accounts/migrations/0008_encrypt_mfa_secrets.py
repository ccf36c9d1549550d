from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.db import migrations

# As accounts.mfa_adapter writes them, copied here so that this migration does not change with it.
PREFIX = "fernet:"
# The keys of Authenticator.data that allauth passes through the adapter's encrypt().
SECRET_KEYS = ("secret", "seed")


def encrypt_stored_secrets(apps, schema_editor):
    keys = [Fernet(key.strip().encode()) for key in settings.FIELD_ENCRYPTION_KEY.split(",") if key.strip()]
    fernet = MultiFernet(keys)

    def encrypt_secret(text):
        return PREFIX + fernet.encrypt(text.encode()).decode()

    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.all().iterator():
        data = dict(authenticator.data)
        changed = False
        for key in SECRET_KEYS:
            value = data.get(key)
            if isinstance(value, str) and not value.startswith(PREFIX):
                data[key] = encrypt_secret(value)
                changed = True
        codes = data.get("migrated_codes")
        if isinstance(codes, list):
            data["migrated_codes"] = [c if c.startswith(PREFIX) else encrypt_secret(c) for c in codes]
            changed = changed or codes != data["migrated_codes"]
        if changed:
            authenticator.data = data
            authenticator.save(update_fields=["data"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_mfa_enrolment_link"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt_stored_secrets, migrations.RunPython.noop)]
