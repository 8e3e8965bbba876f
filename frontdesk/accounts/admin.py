"""Django admin for configuration. Changes made here to staff and their roles are audited like
changes made through the API: the admin writes the rows, we append the event."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from frontdesk.accounts.models import ApiToken, Department, Duty, Membership, Shift, Staff
from frontdesk.audit.services import record_event


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1


@admin.register(Staff)
class StaffAdmin(UserAdmin):
    list_display = ("username", "full_name", "employee_number", "is_active", "is_superuser")
    search_fields = ("username", "full_name", "employee_number")
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("full_name", "employee_number", "phone", "email")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "full_name", "employee_number", "password1", "password2")}),)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record_event(request.user, "staff.updated" if change else "staff.created", obj, {"via": "admin", "fields": sorted(form.changed_data)}, request)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Membership and formset.has_changed():
            memberships = [{"department_id": m.department_id, "role": m.role} for m in form.instance.memberships.all()]
            record_event(request.user, "staff.permissions_changed", form.instance, {"via": "admin", "memberships": memberships}, request)

    def delete_model(self, request, obj):
        record_event(request.user, "staff.deleted", obj, {"via": "admin", "username": obj.username}, request)
        super().delete_model(request, obj)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "phone", "is_active")
    exclude = ("version",)


@admin.register(Shift)
class ShiftAdmin(admin.ModelAdmin):
    list_display = ("department", "name", "starts_at", "ends_at")
    list_filter = ("department",)


@admin.register(Duty)
class DutyAdmin(admin.ModelAdmin):
    list_display = ("date", "shift", "staff")
    list_filter = ("shift__department", "date")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "staff", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "key_hash", "created_at", "last_used_at")

    def has_add_permission(self, request):
        return False  # tokens are made with `frontdesk token` or on the tokens page, shown once
