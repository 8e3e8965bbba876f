from django.conf import settings
from django.core.management.base import BaseCommand

from frontdesk.core import jobs


class Command(BaseCommand):
    help = "Run frontdesk's background jobs (timers, reminders, clean-up) until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run every job once and exit")
        parser.add_argument("--interval", type=int, default=settings.FRONTDESK_WORKER_INTERVAL)

    def handle(self, *args, once, interval, **options):
        if once:
            for name, count in jobs.run_jobs_once().items():
                self.stdout.write(f"{name}: {count}")
            return
        try:
            jobs.run_forever(interval)
        except KeyboardInterrupt:
            pass
