from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from frontdesk.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Load a backup written by `frontdesk backup` (records and attached files) into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .tar backup (or a .json.gz one of an earlier version)")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            files = restore_backup(path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"restored from {file} ({files} attached files)")
