"""Browser journeys: Debian's Chromium driven by Playwright for Python against pytest-django's live_server.

The fixtures (``browser``, ``new_context``, ``screenshot``) live in tests/conftest.py: journeys of
other folders (tests/cadres/) use the same single browser."""

from ..conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: F401  (where journeys look for them)
