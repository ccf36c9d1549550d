"""The cadres app's writes and state changes, one module per part (STYLE.md: services)."""
