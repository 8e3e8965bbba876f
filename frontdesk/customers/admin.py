from django.contrib import admin

from frontdesk.customers.models import Tag, Unit


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ("name",)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("building", "entrance", "room", "room_key")
    search_fields = ("room_key",)
    readonly_fields = ("building", "entrance", "room", "room_key")

    def has_add_permission(self, request):
        return False  # units are created with the customers living in them

# Customers are edited on the archive pages, where phone numbers are validated, search keys
# kept and history preserved; the admin would bypass all of that.
