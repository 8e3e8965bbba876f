from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from frontdesk.core.demo import database_is_empty


class Command(BaseCommand):
    help = "Load a backup written by `frontdesk backup` into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        call_command("migrate", interactive=False, verbosity=0)
        if not database_is_empty():
            raise CommandError("the database is not empty; restore goes into a new database (set DATABASE_URL or FRONTDESK_DATA_DIR)")
        with transaction.atomic():
            call_command("loaddata", file, verbosity=0)
        self.stdout.write(f"restored from {file}")
