"""An uploaded sheet opened with the member roster's machinery, checked against our own columns.

``members.roster.files.open_roster`` decides the type by content, refuses zip bombs and DTDs before
anything is unpacked, reads the rows with python-calamine and finds the header among the first rows
(by the roster's columns: 姓名 and 手机号码 are ours too, so it finds our header row). What is ours
is the check that the header names our required columns.
"""

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext as _

from members.roster.files import FileRefused, Roster, check_size, open_roster

from .columns import Column, HeaderMap, map_headers

__all__ = ["FileRefused", "Sheet", "open_sheet", "saved_upload"]


@dataclass
class Sheet:
    roster: Roster
    headers: HeaderMap

    def rows(self):
        return self.roster.rows()


@contextlib.contextmanager
def saved_upload(upload) -> Iterator[tuple[Path, str]]:
    """The upload written to a private temporary file, and its SHA-256; removed when the block ends.
    A size over the roster's limit is refused before anything is written."""
    try:
        check_size(upload.size)
    except FileRefused:
        raise
    handle, name = tempfile.mkstemp(prefix="cadre-sheet-")
    digest = hashlib.sha256()
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in upload.chunks():
                digest.update(chunk)
                out.write(chunk)
        yield Path(name), digest.hexdigest()
    finally:
        os.unlink(name)


def open_sheet(path, columns: tuple[Column, ...], *, max_rows: int) -> Sheet:
    """Open the file; FileRefused with the reason when it is not a sheet of these columns."""
    roster = open_roster(path, max_rows=max_rows)
    headers = map_headers(roster.header, columns)
    if headers.missing:
        chinese = (translation.get_language() or "zh-hans").startswith("zh")
        names = (
            "、".join(column.zh for column in headers.missing)
            if chinese
            else ", ".join(f"{column.zh} ({column.en})" for column in headers.missing)
        )
        raise FileRefused(
            _("The first row must name the columns; these required columns were not found: %(names)s.")
            % {"names": names}
        )
    return Sheet(roster=roster, headers=headers)
