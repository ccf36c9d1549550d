"""Tasks of the imports part. Cadre profile imports run while the officer waits (a node's cadres
are a few thousand rows at most); what runs here is the retention of the files the sheets part keeps."""

from celery import shared_task


@shared_task(name="cadres.sheet_files_purge")
def sheet_files_purge() -> dict[str, int]:
    """Delete export files past their expiry and import files past the retention time (safe to run again)."""
    from ..services import sheets

    return sheets.sheet_files_purge()
