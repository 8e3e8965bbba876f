import datetime
from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from frontdesk.accounts.roles import CAPABILITIES, SEES_ALL_DEPARTMENTS, Capability, Role


class Department(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60, unique=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    # Time limits "in working time" count only these hours, on Chinese working days.
    opens_at = models.TimeField(_("working hours start"), default=datetime.time(9, 0))
    closes_at = models.TimeField(_("working hours end"), default=datetime.time(18, 0))
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens_at__lt=models.F("closes_at")),
                name="department_hours_in_order",
                violation_error_message=_("Working hours must end after they start."),
            )
        ]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return self.name


class Staff(AbstractUser):
    """A person who works in frontdesk. Names are kept whole (张伟), as Chinese names are."""

    full_name = models.CharField(_("full name"), max_length=60)
    employee_number = models.CharField(_("staff number"), max_length=20, unique=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    departments = models.ManyToManyField(Department, through="Membership", related_name="staff", blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["id"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")

    def __str__(self):
        return f"{self.full_name} ({self.employee_number})" if self.full_name else self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        if not self.is_active:
            return frozenset()
        roles = {m.role for m in self.memberships.all()}
        if self.is_superuser:
            roles.add(Role.ADMINISTRATOR)
        return frozenset(roles)

    @cached_property
    def capabilities(self) -> frozenset[str]:
        return frozenset().union(*(CAPABILITIES[role] for role in self.roles)) if self.roles else frozenset()

    def can(self, capability: Capability | str) -> bool:
        return capability in self.capabilities

    # The administrator role holds every Django permission, so the admin works for an
    # administrator created by `frontdesk createstaff` or the API, not only for a superuser.
    def has_perm(self, perm, obj=None) -> bool:
        return Role.ADMINISTRATOR in self.roles or super().has_perm(perm, obj)

    def has_module_perms(self, app_label) -> bool:
        return Role.ADMINISTRATOR in self.roles or super().has_module_perms(app_label)

    @property
    def sees_all_departments(self) -> bool:
        return bool(self.roles & SEES_ALL_DEPARTMENTS)

    @cached_property
    def own_department_ids(self) -> frozenset[int]:
        return frozenset(m.department_id for m in self.memberships.all())


class Membership(models.Model):
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="memberships")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=40, choices=Role.choices)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["staff", "department", "role"], name="membership_unique_role")
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self):
        return f"{self.department} / {self.get_role_display()}"


class Shift(models.Model):
    """A named working period of a department, e.g. 早班 08:00-16:00. A shift whose end is not
    after its start runs past midnight (夜班 22:00-06:00)."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="shifts")
    name = models.CharField(_("name"), max_length=30)
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))

    class Meta:
        ordering = ["department_id", "starts_at"]
        constraints = [models.UniqueConstraint(fields=["department", "name"], name="shift_unique_name")]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")

    def __str__(self):
        return f"{self.department} {self.name} {self.starts_at:%H:%M}-{self.ends_at:%H:%M}"

    @property
    def crosses_midnight(self) -> bool:
        return self.ends_at <= self.starts_at


class Duty(models.Model):
    """One staff member rostered on one shift on one date (the date the shift starts)."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="duties")
    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="duties")
    date = models.DateField(_("date"))

    class Meta:
        ordering = ["date", "shift__starts_at"]
        constraints = [models.UniqueConstraint(fields=["staff", "shift", "date"], name="duty_unique")]
        indexes = [models.Index(fields=["date", "shift"])]
        verbose_name = _("duty")
        verbose_name_plural = _("duty roster")


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored: the token is shown once."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=60)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"
