from django.core.management import call_command
from django.core.management.base import BaseCommand

from frontdesk.core.demo import database_is_empty, load_demo


class Command(BaseCommand):
    help = "Bring the database up to date; on a new, empty database load the demo data."

    def add_arguments(self, parser):
        parser.add_argument("--no-demo", action="store_true", help="never load demo data")

    def handle(self, *args, no_demo, **options):
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("database ready")
        if not no_demo and database_is_empty():
            load_demo()
            self.stdout.write("demo data loaded")
