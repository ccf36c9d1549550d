"""Roster files at rest: uploads, error files and exports hold ID numbers and mobiles in clear, so
they are written to the disk encrypted with the personal-data key (``FIELD_ENCRYPTION_KEY``).

``RosterFileStorage`` is a FileSystemStorage that encrypts on save and decrypts on open: the services
save and open roster files as before. The file is cut into chunks of ``CHUNK`` bytes, each one a
Fernet token on its own line (base64 holds no newline), so that neither writing nor reading ever
holds more than a chunk in memory, whatever the size of an export. Each token carries its chunk's
position and whether it is the last, so that a file cut short or with its chunks reordered is
refused rather than read as a shorter roster. Rotating the key works as for the database: older keys
still decrypt.

What needs a real path (calamine and zipfile read the workbook by seeking) uses ``local_copy``: a
clear copy in a private temporary file, removed as soon as the reading is done.
"""

import contextlib
import io
import os
import struct
import tempfile
from collections.abc import Iterator
from pathlib import Path

from cryptography.fernet import InvalidToken
from django.core.files import File
from django.core.files.storage import FileSystemStorage

from . import pii

MAGIC = b"unionportal-encrypted-file 1\n"
CHUNK = 1 << 20
# Before each chunk's bytes, inside the token: its index and whether it is the last one.
_HEADER = struct.Struct(">Q?")


class DamagedFile(FileNotFoundError):
    """The stored file is not one this storage wrote with the current keys, or it was altered.
    A FileNotFoundError: what cannot be read back is, for every caller, a file no longer kept."""


def encrypted_chunks(chunks) -> Iterator[bytes]:
    """The stored form of the bytes in ``chunks``: the marker, then one token line per chunk."""
    yield MAGIC
    index, pending = 0, None
    for chunk in _rechunk(chunks):
        if pending is not None:
            yield _token(index, pending, last=False)
            index += 1
        pending = chunk
    yield _token(index, pending or b"", last=True)


def _rechunk(chunks) -> Iterator[bytes]:
    """The same bytes in pieces of CHUNK (the last one shorter): one token per megabyte, whatever
    size of pieces the caller hands over."""
    buffer = bytearray()
    for chunk in chunks:
        buffer += chunk
        while len(buffer) >= CHUNK:
            yield bytes(buffer[:CHUNK])
            del buffer[:CHUNK]
    if buffer:
        yield bytes(buffer)


def _token(index: int, data: bytes, *, last: bool) -> bytes:
    return pii.encrypt_bytes(_HEADER.pack(index, last) + data) + b"\n"


class _Decrypting(io.RawIOBase):
    """Reads the clear bytes of a stored file, one chunk at a time."""

    def __init__(self, raw):
        self._raw = raw
        self._buffer = b""
        self._index = 0
        self._ended = False
        try:
            if raw.read(len(MAGIC)) != MAGIC:
                raise DamagedFile("not an encrypted roster file")
            # The first chunk now: a file the keys no longer open is refused when opened, before a
            # download has sent its headers.
            self._next_chunk()
        except BaseException:
            raw.close()
            raise

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        while not self._buffer and not self._ended:
            self._next_chunk()
        size = min(len(target), len(self._buffer))
        target[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        return size

    def _next_chunk(self) -> None:
        line = self._raw.readline()
        if not line.endswith(b"\n"):
            raise DamagedFile("the file was cut short")
        try:
            clear = pii.decrypt_bytes(line[:-1])
        except InvalidToken:
            raise DamagedFile("a chunk does not decrypt with the personal-data key") from None
        index, last = _HEADER.unpack_from(clear)
        if index != self._index:
            raise DamagedFile("the chunks are out of order")
        self._index += 1
        self._buffer, self._ended = clear[_HEADER.size :], last
        if last and self._raw.read(1):
            raise DamagedFile("data after the last chunk")

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


class _EncryptedContent:
    """What FileSystemStorage._save streams to the disk: ``content`` encrypted. Deliberately
    without ``temporary_file_path``, which would make the storage move the clear file into place."""

    def __init__(self, content):
        self._content = content

    def chunks(self, chunk_size=None):
        return encrypted_chunks(self._content.chunks(CHUNK))


class RosterFileStorage(FileSystemStorage):
    """Files under MEDIA_ROOT, encrypted at rest; opened for reading only (``rb``)."""

    def _save(self, name, content):
        return super()._save(name, _EncryptedContent(content))

    def _open(self, name, mode="rb"):
        if "b" not in mode or any(flag in mode for flag in "wa+"):
            raise ValueError("roster files are opened for reading bytes only")
        raw = open(self.path(name), "rb")  # noqa: SIM115 - closed with the File returned
        return File(io.BufferedReader(_Decrypting(raw), buffer_size=CHUNK), name)

    def size(self, name):
        """The clear size (the disk holds the larger encrypted form): read through, one chunk at a time."""
        with self.open(name) as handle:
            return sum(len(chunk) for chunk in iter(lambda: handle.read(CHUNK), b""))


_storage = RosterFileStorage()


def roster_storage() -> RosterFileStorage:
    """The storage of every roster file field (a callable, so that migrations name it, not a path)."""
    return _storage


@contextlib.contextmanager
def local_copy(field_file) -> Iterator[Path]:
    """A clear copy of a stored roster file at a real path, for readers that seek (calamine, zipfile);
    removed when the block ends. Raises FileNotFoundError when the file is no longer kept."""
    if not field_file:
        raise FileNotFoundError("no file")
    handle, name = tempfile.mkstemp(prefix="roster-")  # created readable by this user only
    try:
        with os.fdopen(handle, "wb") as out, field_file.storage.open(field_file.name) as stored:
            while chunk := stored.read(CHUNK):
                out.write(chunk)
        yield Path(name)
    finally:
        os.unlink(name)


def encrypt_in_place(name: str) -> bool:
    """Encrypt a roster file written in clear before this storage existed; False if it already is
    encrypted or is gone. The clear file is replaced in one rename, never left half written."""
    path = Path(_storage.path(name))
    try:
        with open(path, "rb") as clear:
            if clear.read(len(MAGIC)) == MAGIC:
                return False
            clear.seek(0)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".encrypting-")
            try:
                with os.fdopen(handle, "wb") as out:
                    for line in encrypted_chunks(iter(lambda: clear.read(CHUNK), b"")):
                        out.write(line)
                os.replace(temporary, path)
            except BaseException:
                os.unlink(temporary)
                raise
    except FileNotFoundError:
        return False
    return True
