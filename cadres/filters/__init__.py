"""List filters of the cadres app (django-filter), one module per part."""
