"""The integrity app's forms, one module per part."""
