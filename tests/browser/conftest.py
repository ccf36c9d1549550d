"""Browser journeys: Debian's Chromium driven by Playwright for Python against pytest-django's live_server.

The fixtures (``browser``, ``new_context``, ``screenshot``) live in tests/conftest.py, so that journeys of
other folders (tests/cadres/) share the one browser of the run."""
