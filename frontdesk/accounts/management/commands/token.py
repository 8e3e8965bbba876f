from django.core.management.base import BaseCommand, CommandError

from frontdesk.accounts.models import ApiToken, Staff
from frontdesk.accounts.services import create_token, revoke_token
from frontdesk.core.errors import NotFound


class Command(BaseCommand):
    help = "Create, list or revoke API tokens. The token is printed once and stored only as a hash."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("username")
        create.add_argument("--name", default="console")
        listing = sub.add_parser("list")
        listing.add_argument("username", nargs="?")
        revoke = sub.add_parser("revoke")
        revoke.add_argument("token_id", type=int)

    def handle(self, *args, action, **options):
        if action == "create":
            staff = Staff.objects.filter(username=options["username"]).first()
            if staff is None:
                raise CommandError(f"no staff member {options['username']!r}")
            token, raw = create_token(None, name=options["name"], staff_id=staff.id)
            self.stdout.write(raw)
        elif action == "list":
            tokens = ApiToken.objects.select_related("staff")
            if options.get("username"):
                tokens = tokens.filter(staff__username=options["username"])
            for t in tokens:
                state = f"revoked {t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else "active"
                self.stdout.write(f"{t.id}\t{t.staff.username}\t{t.name}\t{t.prefix}…\t{state}")
        else:
            try:
                token = revoke_token(None, options["token_id"])
            except NotFound:
                raise CommandError("no such token") from None
            self.stdout.write(f"revoked {token.id}")
