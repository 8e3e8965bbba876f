"""`frontdesk backup` and `frontdesk restore`: every record and every attached file in one file.

A backup is a tar archive holding `records.json.gz` (dumpdata of every table but the ones
`migrate` rebuilds) and `media/<name>` for each attachment's file, under the name its row
refers to. Photos and PDFs are compressed already, so the archive itself is not. Restore goes
into an empty database of either engine; it also reads the records-only `.json.gz` backups of
earlier versions.
"""

import gzip
import shutil
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction

from frontdesk.core.demo import database_is_empty
from frontdesk.workorders import search
from frontdesk.workorders.models import WorkOrder, WorkOrderAttachment

# Rebuilt by `migrate` on the target, with ids of their own: copying them would clash.
EXCLUDED = ["contenttypes", "auth.permission"]
RECORDS = "records.json.gz"
MEDIA = "media/"


class BackupError(Exception):
    """Something the person running the command must fix; nothing was written."""


def write_backup(path: Path) -> list[str]:
    """Write the backup to `path` (a new name ending in .tar). Returns the names of attachment
    files that were missing from the media folder (their rows are in the backup)."""
    if not path.name.endswith(".tar"):
        raise BackupError("the backup file name must end in .tar")
    if path.exists():
        raise BackupError(f"{path} exists; choose a new name so no backup is overwritten")
    partial = path.with_name(path.name[: -len(".tar")] + ".partial.tar")
    missing = []
    with tempfile.TemporaryDirectory() as scratch:
        records = Path(scratch) / RECORDS
        call_command("dumpdata", exclude=EXCLUDED, natural_foreign=True, output=str(records), verbosity=0)
        # Listed after the records: an attachment added meanwhile brings a file without a row,
        # which restore puts back harmlessly; never a row without its file.
        names = WorkOrderAttachment.objects.order_by("id").values_list("file", flat=True)
        with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as archive:
            archive.add(records, arcname=RECORDS)
            for name in names.iterator():
                source = Path(default_storage.path(name))
                if source.is_file():
                    archive.add(source, arcname=MEDIA + name)
                else:
                    missing.append(name)
    partial.rename(path)  # a crash mid-way leaves a .partial file, never a truncated backup
    return missing


def restore_backup(path: Path) -> int:
    """Load a backup into this (empty) database and its files into the media folder, all or
    nothing. Returns how many files were restored."""
    call_command("migrate", interactive=False, verbosity=0)
    if not database_is_empty():
        raise BackupError(
            "the database is not empty; restore goes into a new database (set DATABASE_URL or FRONTDESK_DATA_DIR)"
        )
    if path.name.endswith(".json.gz"):
        _load_records(path)
        return 0
    if not path.name.endswith(".tar"):
        raise BackupError("a backup file name ends in .tar (or .json.gz for a backup without attachments)")
    try:
        archive = tarfile.open(path, "r")
    except tarfile.ReadError:
        raise BackupError(f"{path} is not a backup written by `frontdesk backup`") from None
    with archive, tempfile.TemporaryDirectory() as scratch:
        if RECORDS not in archive.getnames():
            raise BackupError(f"{path} holds no {RECORDS}: not a backup written by `frontdesk backup`")
        files = [member for member in archive.getmembers() if member.name.startswith(MEDIA)]
        for member in files:
            _check_media_member(member)
        records = Path(scratch) / RECORDS
        with archive.extractfile(RECORDS) as source, open(records, "wb") as target:
            shutil.copyfileobj(source, target)
        written: list[Path] = []
        try:
            with transaction.atomic():
                _load_records(records)
                for member in files:
                    target = Path(default_storage.path(member.name[len(MEDIA) :]))
                    if target.exists():
                        raise BackupError(f"{target} exists: restore into a new data folder; nothing was restored")
                    written.append(target)
                    _put_file(archive, member, target)
        except BaseException:
            for done in written:  # the records rolled back: no file without its row
                done.unlink(missing_ok=True)
            raise
    return len(files)


def _load_records(records: Path) -> None:
    with gzip.open(records, "rb") as check:
        check.read(1)  # not a gzip file: a clear error before anything is loaded
    with transaction.atomic():
        call_command("loaddata", str(records), verbosity=0)
        # The search index is derived from the orders and not in the backup: rebuild it.
        search.fill_index(WorkOrder)


def _check_media_member(member: tarfile.TarInfo) -> None:
    name = PurePosixPath(member.name[len(MEDIA) :])
    if not member.isfile() or name.is_absolute() or ".." in name.parts or not name.parts:
        raise BackupError(f"{member.name}: not a file this backup could have written; nothing was restored")


def _put_file(archive: tarfile.TarFile, member: tarfile.TarInfo, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with archive.extractfile(member) as source, open(target, "xb") as copy:  # never over a file
        shutil.copyfileobj(source, copy)
