"""Tasks of the imports part."""
