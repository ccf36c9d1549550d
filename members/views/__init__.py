"""Pages of the members app, one module per area; each module lists its own URL patterns."""
