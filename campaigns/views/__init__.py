"""The campaigns app's pages, one module per part (thin: parse, call a service or selector, render)."""
