"""Background jobs of the integrity app, one module per part: thin wrappers that take IDs, call a
service and own the retries. Every task is named ``integrity.<name>``."""

from . import letters, reminders

__all__ = ["letters", "reminders"]
