"""Nothing of the integrity app is registered in the Django admin: its records are confidential
(DESIGN "Integrity"), and the admin site would show their content to whoever reaches it."""
