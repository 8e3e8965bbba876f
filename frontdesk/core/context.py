"""What every page's layout needs: the navigation a person's roles allow, and what they may do
(`can.edit_customers` ...) for templates, which cannot call `user.can(...)` with an argument."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from frontdesk.accounts.roles import Capability


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str
    capability: str | None  # None: everyone signed in
    section: str  # url names starting with this mark the item as the current one


NAV_ITEMS = [
    NavItem("dashboard", _("Dashboard"), None, "dashboard"),
    NavItem("customer_list", _("Customer archive"), Capability.VIEW_CUSTOMERS, "customer_"),
    NavItem("staff_list", _("Staff"), Capability.VIEW_STAFF, "staff_"),
    NavItem("department_list", _("Departments"), Capability.VIEW_STAFF, "department_"),
    NavItem("token_list", _("API tokens"), Capability.USE_API_TOKENS, "token_"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "can": {}}
    match = getattr(request, "resolver_match", None)
    current = (match.url_name or "") if match else ""
    items = [
        {"url": reverse(item.url_name), "label": item.label, "current": current.startswith(item.section)}
        for item in NAV_ITEMS
        if item.capability is None or user.can(item.capability)
    ]
    if user.is_superuser:
        items.append({"url": reverse("admin:index"), "label": _("Admin"), "current": False})
    return {
        "nav_items": items,
        "can": {name.lower(): user.can(capability) for name, capability in Capability.__members__.items()},
    }
