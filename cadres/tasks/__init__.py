"""Background jobs of the cadres app, one module per part: thin wrappers that take IDs, call a
service and own the retries. Every task is named ``cadres.<name>``."""

from . import exports, imports, ledger, reminders

__all__ = ["exports", "imports", "ledger", "reminders"]
