from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from frontdesk.core.backup import BackupError, write_backup


class Command(BaseCommand):
    help = (
        "Write every record and every attached file to one .tar file that `frontdesk restore` "
        "reads into any database (SQLite or PostgreSQL)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="where to write, ending in .tar")

    def handle(self, *args, file, **options):
        try:
            missing = write_backup(Path(file))
        except BackupError as error:
            raise CommandError(str(error)) from None
        for name in missing:
            self.stderr.write(f"attachment file missing from the media folder, not in the backup: {name}")
        self.stdout.write(f"backup written to {file}")
