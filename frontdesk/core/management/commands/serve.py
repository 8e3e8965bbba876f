import threading

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from frontdesk.core import jobs
from frontdesk.core.demo import DEMO_PASSWORD, demo_logins


class Command(BaseCommand):
    help = "Serve frontdesk over ASGI (HTTP and WebSocket). With one process, the worker runs inside it."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1, help="web processes (run `frontdesk worker` separately when > 1)")
        parser.add_argument("--no-worker", action="store_true", help="do not run background jobs in this process")

    def handle(self, *args, host, port, workers, no_worker, **options):
        url = f"http://{host}:{port}/"
        self.stdout.write(_("frontdesk is running at %(url)s") % {"url": url})
        logins = demo_logins()
        if logins:
            self.stdout.write(_("Demo logins (password “%(password)s”):") % {"password": DEMO_PASSWORD})
            for username, full_name, role in logins:
                self.stdout.write(f"  {username:<12} {full_name} · {role}")
        self.stdout.flush()
        if workers == 1 and not no_worker:
            threading.Thread(target=jobs.run_forever, args=(settings.FRONTDESK_WORKER_INTERVAL,), daemon=True, name="worker").start()
        uvicorn.run(
            "frontdesk.asgi:application",
            host=host,
            port=port,
            workers=workers,
            lifespan="off",
            log_level="warning",
            proxy_headers=settings.SECURE_PROXY_SSL_HEADER is not None,
        )
