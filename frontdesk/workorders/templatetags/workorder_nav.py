"""The work-order entries of the main navigation, by what the person may do (base.html)."""

from django import template
from django.urls import reverse

from frontdesk.workorders.views import open_counts, work_order_nav

register = template.Library()

# Pages that belong to an entry without sharing its url name (the intake form under "new").
_SECTIONS = {"workorder_new": ("workorder_new", "workorder_intake", "workorder_customer_")}


@register.simple_tag(takes_context=True)
def workorder_nav(context) -> list[dict]:
    request = context.get("request")
    if request is None:
        return []
    match = getattr(request, "resolver_match", None)
    current = (match.url_name or "") if match else ""
    return [
        {"url": reverse(name), "label": label, "current": current.startswith(_SECTIONS.get(name, (name,)))}
        for name, label in work_order_nav(request.user)
    ]


@register.simple_tag(takes_context=True)
def workorder_counts(context) -> dict | None:
    request = context.get("request")
    return open_counts(request.user) if request is not None else None
