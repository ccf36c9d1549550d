"""Every write and state change of the campaigns app, one module per part; each in a transaction, the
acting user passed in, the rule checked here (``campaigns.permissions``)."""
