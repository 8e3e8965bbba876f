from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

# Rebuilt by `migrate` on the target, with ids of their own: copying them would clash.
EXCLUDED = ["contenttypes", "auth.permission"]


class Command(BaseCommand):
    help = "Write every record to one compressed JSON file that `frontdesk restore` reads into any database (SQLite or PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="where to write, ending in .json.gz")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.name.endswith(".json.gz"):
            raise CommandError("the backup file name must end in .json.gz")
        if path.exists():
            raise CommandError(f"{path} exists; choose a new name so no backup is overwritten")
        tmp = path.with_name(path.name[: -len(".json.gz")] + ".partial.json.gz")
        call_command("dumpdata", exclude=EXCLUDED, natural_foreign=True, output=str(tmp), verbosity=0)
        tmp.rename(path)  # a crash mid-way leaves a .partial file, never a truncated backup
        self.stdout.write(f"backup written to {path}")
