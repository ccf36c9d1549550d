"""The campaigns app's forms, one module per part."""
