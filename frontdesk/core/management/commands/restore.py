from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from frontdesk.core.demo import database_is_empty
from frontdesk.workorders import search
from frontdesk.workorders.models import WorkOrder


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
            # The search index is derived from the orders and not in the backup: rebuild it.
            search.fill_index(WorkOrder)
        self.stdout.write(f"restored from {file}")
