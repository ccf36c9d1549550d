"""Roster files at rest: uploads and exports lie encrypted under MEDIA_ROOT, and still round-trip.

The bytes on the disk are searched for the ID numbers and mobiles the files hold; the import and the
export then work as before. The storage itself refuses a file cut short, reordered or written with
another key, reads files of several chunks back whole, and keeps reading after a key rotation.
"""

import datetime
import io
import zipfile
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.files.base import ContentFile
from django.urls import reverse

from members import services, storage
from members.id_number import parse
from members.models import Member, RosterExport, RosterImport
from members.services import roster_export
from tests.pages import client_for
from unions.models import Role

from ..factories import id_number, staff
from .rosters import confirm_import, csv_bytes, row, start_import, xlsx_bytes

R = Role.Kind


def bytes_on_disk(settings) -> list[bytes]:
    files = [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]
    assert files, "nothing was stored"
    return [path.read_bytes() for path in files]


@pytest.mark.parametrize("build", [csv_bytes, xlsx_bytes], ids=["csv", "xlsx"])
def test_uploaded_roster_lies_encrypted_and_still_imports(tree, settings, build):
    clerk = staff(R.UNION_CLERK, tree["g1"])
    numbers = [id_number(), id_number()]
    content = build([row("张三", numbers[0], "13812345678"), row("李四", numbers[1], "13887654321")])

    record = start_import(clerk, tree["g1"], content, name="花名册.csv" if build is csv_bytes else "花名册.xlsx")

    assert record.status == RosterImport.Status.CHECKED, record.problem
    for stored in bytes_on_disk(settings):
        assert content not in stored
        for clear in (*numbers, "13812345678", "张三"):
            assert clear.encode() not in stored
        with pytest.raises(zipfile.BadZipFile):
            zipfile.ZipFile(io.BytesIO(stored))
    # Reading it again for the import (the checked rows dropped from the cache) works as before.
    from django.core.cache import cache

    from members.roster.importing import checked_key

    cache.delete(checked_key(record.pk))
    record = confirm_import(record, clerk, RosterImport.Mode.ALL_OR_NOTHING)
    assert (record.status, record.new_count) == (RosterImport.Status.DONE, 2)
    assert sorted(member.reveal_id_number() for member in Member.objects.all()) == sorted(numbers)


def test_full_details_export_lies_encrypted_and_downloads_in_clear(tree, settings):
    member = Member(union=tree["g1"], name="王五", mobile="13912345678", joined_on=datetime.date(2020, 1, 1))
    number = id_number()
    member.set_id_number(parse(number))
    member.save()
    services.card_issue(member=member, by=None)
    clerk = staff(R.UNION_CLERK, tree["g1"])
    record = RosterExport.objects.create(
        requested_by=clerk, query="", file_format="csv", full_details=True, language="zh-hans"
    )

    roster_export.export_build(record.pk)

    record.refresh_from_db()
    assert record.status == RosterExport.Status.DONE, record.error
    for stored in bytes_on_disk(settings):
        assert number.encode() not in stored and b"13912345678" not in stored
    response = client_for(clerk).get(reverse("members:roster_export_download", args=[record.pk]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert number in content and "13912345678" in content and "王五" in content


def test_an_export_file_that_no_longer_decrypts_answers_404_not_an_error(tree, settings):
    member = Member(union=tree["g1"], name="王五", mobile="13912345678", joined_on=datetime.date(2020, 1, 1))
    member.set_id_number(parse(id_number()))
    member.save()
    clerk = staff(R.UNION_CLERK, tree["g1"])
    record = RosterExport.objects.create(requested_by=clerk, query="", file_format="csv", language="en")
    roster_export.export_build(record.pk)
    record.refresh_from_db()
    settings.FIELD_ENCRYPTION_KEY = Fernet.generate_key().decode()  # the old key was dropped

    response = client_for(clerk).get(reverse("members:roster_export_download", args=[record.pk]))

    assert response.status_code == 404


# --- the storage ----------------------------------------------------------------------------------
def test_a_file_of_several_chunks_reads_back_whole_and_its_size_is_the_clear_size(settings):
    content = bytes(range(256)) * (storage.CHUNK // 256 * 2 + 17)  # two chunks and a bit
    name = storage.roster_storage().save("roster-imports/big", ContentFile(content))

    with storage.roster_storage().open(name) as handle:
        assert handle.read() == content
    assert storage.roster_storage().size(name) == len(content)
    assert content[:4096] not in (Path(settings.MEDIA_ROOT) / name).read_bytes()


def _stored(settings, content: bytes) -> Path:
    name = storage.roster_storage().save("roster-imports/file", ContentFile(content))
    return Path(settings.MEDIA_ROOT) / name


def _read(path: Path) -> bytes:
    with storage.roster_storage().open(f"roster-imports/{path.name}") as handle:
        return handle.read()


def test_a_file_cut_short_or_reordered_is_refused(settings):
    content = b"x" * (storage.CHUNK * 2 + 5)
    path = _stored(settings, content)
    whole = path.read_bytes()
    lines = whole[len(storage.MAGIC) :].split(b"\n")[:-1]
    assert len(lines) == 3

    for damaged in (
        storage.MAGIC + b"\n".join(lines[:2]) + b"\n",  # the last chunk dropped
        storage.MAGIC + b"\n".join([lines[1], lines[0], lines[2]]) + b"\n",  # two chunks swapped
        whole[:-10],  # cut in the middle of a chunk
        whole.replace(b"\n", b"\nX", 1),  # a chunk tampered with
        whole + lines[1] + b"\n",  # a chunk added after the last one
    ):
        path.write_bytes(damaged)
        with pytest.raises(storage.DamagedFile):
            _read(path)


def test_a_clear_file_is_not_read_as_a_roster(settings):
    path = _stored(settings, b"ignored")
    path.write_bytes(csv_bytes([row("张三", id_number())]))

    with pytest.raises(storage.DamagedFile):
        _read(path)


def test_files_stay_readable_after_the_key_is_rotated_and_not_with_another_key(settings):
    path = _stored(settings, b"roster")
    old = settings.FIELD_ENCRYPTION_KEY

    settings.FIELD_ENCRYPTION_KEY = f"{Fernet.generate_key().decode()},{old}"
    assert _read(path) == b"roster"
    settings.FIELD_ENCRYPTION_KEY = Fernet.generate_key().decode()
    with pytest.raises(storage.DamagedFile):
        _read(path)


def test_a_file_kept_in_clear_from_before_is_encrypted_where_it_lies(settings):
    content = csv_bytes([row("张三", id_number())])
    path = Path(settings.MEDIA_ROOT) / "roster-imports" / "old"
    path.parent.mkdir(parents=True)
    path.write_bytes(content)

    assert storage.encrypt_in_place("roster-imports/old") is True
    assert storage.encrypt_in_place("roster-imports/old") is False  # never twice
    assert storage.encrypt_in_place("roster-imports/gone") is False

    assert content not in path.read_bytes()
    assert _read(path) == content
    assert [p.name for p in path.parent.iterdir()] == ["old"]  # no temporary file left behind


def test_local_copy_is_removed_after_reading(tree):
    clerk = staff(R.UNION_CLERK, tree["g1"])
    record = start_import(clerk, tree["g1"], csv_bytes([row("张三", id_number())]), name="花名册.csv")

    with storage.local_copy(record.file) as path:
        assert path.read_bytes().startswith("姓名".encode("utf-8-sig"))
    assert not path.exists()
