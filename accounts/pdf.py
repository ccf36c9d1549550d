"""PDF rendering with WeasyPrint, fenced in: it reads the portal's own static files and nothing else.
It sits at the bottom of the stack so that every app prints through the same fence (reports' documents,
integrity's letters).

Templates are ours, but they print data typed by users (union and member names), so the fetcher is
what stands between a hostile string and the machine: no ``file://``, no network (so no cloud
metadata address), no redirects. ``data:`` URLs stay, since they carry their content with them.
Fonts come from fontconfig (Debian's ``fonts-noto-cjk``), never through the fetcher.
"""

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils import translation
from django.utils._os import safe_join
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)
# WeasyPrint reports every rendering step at INFO; the worker log needs only its warnings.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# Relative URLs in the PDF templates resolve against the portal's own address; only its static files
# under that address are served, from disk.
BASE_URL = f"{settings.SITE_URL}/"


class RefusedURL(ValueError):
    pass


def static_file_path(relative: str) -> str | None:
    """The file on disk behind ``/static/<relative>``: a finder's (development) or STATIC_ROOT's."""
    relative = unquote(relative)
    if not relative or relative.startswith("/") or "\\" in relative or "\x00" in relative:
        return None
    try:
        found = finders.find(relative)
    except SuspiciousFileOperation:
        return None
    if isinstance(found, list):
        found = found[0] if found else None
    if found:
        return str(found)
    try:
        candidate = safe_join(str(settings.STATIC_ROOT), relative)
    except SuspiciousFileOperation:
        return None
    return candidate if Path(candidate).is_file() else None


class PortalStaticFetcher(URLFetcher):
    """Serves ``<SITE_URL>/static/...`` (or ``/static/...``) from the portal's static files and ``data:``;
    refuses everything else, so WeasyPrint simply leaves the resource out."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"data"}, allow_redirects=False, timeout=1)

    def fetch(self, url, headers=None):
        if url.lower().startswith("data:"):
            return super().fetch(url, headers)
        relative = self._static_relative(url)
        path = static_file_path(relative) if relative is not None else None
        if path is None:
            logger.warning("PDF rendering refused a resource outside the portal's static files: %.200s", url)
            raise RefusedURL(f"Refused: {url[:200]}")
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        with open(path, "rb") as handle:
            body = handle.read()
        return URLFetcherResponse(url, body, {"Content-Type": content_type})

    @staticmethod
    def _static_relative(url: str) -> str | None:
        static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
        parts = urlsplit(url)
        site = urlsplit(settings.SITE_URL)
        if (parts.scheme or parts.netloc) and (parts.scheme, parts.netloc) != (site.scheme, site.netloc):
            return None
        if parts.query or not parts.path.startswith(static_prefix) or "/../" in parts.path:
            return None
        return parts.path[len(static_prefix) :]


def render_pdf(template: str, context: dict, *, language: str = "zh-hans") -> bytes:
    """Render a PDF template (``templates/reports/...``) to PDF bytes, in Chinese by default."""
    with translation.override(language):
        html = render_to_string(template, context)
        return HTML(string=html, base_url=BASE_URL, url_fetcher=PortalStaticFetcher()).write_pdf()
