"""The `frontdesk` console command: Django's management commands with frontdesk's settings.

    frontdesk setup        migrate, and load the demo data into an empty database
    frontdesk serve        run the ASGI server (HTTP and WebSocket) with the worker inside
    frontdesk worker       run background jobs in their own process
    frontdesk createstaff  add a staff member
    frontdesk token        create, list or revoke API tokens
    frontdesk demo         load demo data
    frontdesk backup FILE / frontdesk restore FILE
    frontdesk migrate, shell, ... any other Django command
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontdesk.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "frontdesk"
    if len(argv) == 1:
        print(__doc__)
        return
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
