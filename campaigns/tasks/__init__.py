"""Background jobs of the campaigns app, one module per part: thin wrappers that take IDs, call a
service and own the retries. Every task is named ``campaigns.<name>``."""

from . import reminders

__all__ = ["reminders"]
