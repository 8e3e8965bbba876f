"""The hotel entries of the main navigation, by what the person may do (base.html)."""

from django import template
from django.urls import reverse

from frontdesk.hotel.views import hotel_nav as hotel_nav_items

register = template.Library()

# Pages that belong to an entry without sharing its url name: url name -> the entry's.
_ENTRY_OF = {
    "hotel_reservation": "hotel_reservations",
    "hotel_walk_in": "hotel_check_in",
    "hotel_check_in_reservation": "hotel_check_in",
    "hotel_stay": "hotel_stays",
    "hotel_deposit_slip": "hotel_stays",
    "hotel_bill": "hotel_stays",
}


@register.simple_tag(takes_context=True)
def hotel_nav(context) -> list[dict]:
    request = context.get("request")
    if request is None:
        return []
    match = getattr(request, "resolver_match", None)
    current = (match.url_name or "") if match else ""
    return [
        {"url": reverse(name), "label": label, "current": _ENTRY_OF.get(current, current) == name}
        for name, label in hotel_nav_items(request.user)
    ]
