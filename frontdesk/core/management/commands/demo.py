from django.core.management.base import BaseCommand, CommandError

from frontdesk.core.demo import database_is_empty, load_demo


class Command(BaseCommand):
    help = "Load the demo departments, staff and customers into an empty database."

    def handle(self, *args, **options):
        if not database_is_empty():
            raise CommandError("the database already has staff; demo data goes only into an empty one")
        load_demo()
        self.stdout.write("demo data loaded")
