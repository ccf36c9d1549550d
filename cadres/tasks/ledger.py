"""Tasks of the ledger part."""
