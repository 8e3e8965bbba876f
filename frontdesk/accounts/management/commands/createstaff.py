import getpass

from django.core.management.base import BaseCommand, CommandError

from frontdesk.accounts.models import Department
from frontdesk.accounts.roles import Role
from frontdesk.accounts.services import MembershipSpec, create_staff
from frontdesk.core.errors import ServiceError


class Command(BaseCommand):
    help = "Add a staff member. Example: frontdesk createstaff li --name 李四 --number F010 --department service --role representative"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="full name, e.g. 李四")
        parser.add_argument("--number", required=True, help="staff number, e.g. F010")
        parser.add_argument("--department", action="append", default=[], help="department code (repeatable, paired with --role)")
        parser.add_argument("--role", action="append", default=[], choices=Role.values)
        parser.add_argument("--superuser", action="store_true", help="may use the Django admin")
        parser.add_argument("--password", help="omit to be asked (safer than the command line)")

    def handle(self, *args, username, name, number, department, role, superuser, password, **options):
        if len(department) != len(role):
            raise CommandError("give one --role for each --department")
        departments = {d.code: d.id for d in Department.objects.filter(code__in=department)}
        unknown = sorted(set(department) - set(departments))
        if unknown:
            raise CommandError(f"unknown department code(s): {', '.join(unknown)}")
        if password is None:
            password = getpass.getpass("password: ")
            if password != getpass.getpass("again: "):
                raise CommandError("the passwords differ")
        try:
            staff = create_staff(
                None,
                username=username,
                full_name=name,
                employee_number=number,
                password=password,
                memberships=[MembershipSpec(departments[d], r) for d, r in zip(department, role)],
            )
        except ServiceError as exc:
            raise CommandError(f"{exc.message} {exc.fields}") from None
        if superuser:
            staff.is_superuser = staff.is_staff = True
            staff.save(update_fields=["is_superuser", "is_staff"])
        self.stdout.write(f"created {staff}")
