"""Forms of the cadres app, one module per part."""
