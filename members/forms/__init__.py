"""Forms of the members app, one module per area (unions, joining, staff member pages)."""
