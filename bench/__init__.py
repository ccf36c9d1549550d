"""Benchmarks of the union portal, run against PostgreSQL (never SQLite). See bench/README.md."""
