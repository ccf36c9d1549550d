"""Every write and state change of the integrity app, one module per part; each in a transaction,
the acting user passed in, the rule checked here."""
