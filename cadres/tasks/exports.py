"""Tasks of the exports part."""
