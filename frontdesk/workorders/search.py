"""Finding work orders by what a front desk types: 漏水 or 漏, the Traditional 投訴 for 投诉,
"Leak" in any case, a fragment of the caller's phone, or the order number.

Each order keeps a `search_text`: its number, text fields, phone digits and customer name,
Simplified and lower-cased. A query is split on spaces into terms, each term normalised the same
way (core.text.search_key), and every term must be contained in the text. `contains` scans the
visible orders; the department and state filters narrow them first.
"""

import re

from django.db.models import Q

from frontdesk.core.phones import dialled_digits, national_digits
from frontdesk.core.text import clean_query, search_key, to_simplified
from frontdesk.workorders.procedure import Procedure

# Field types whose values a person would type to find the order again.
_TEXT_TYPES = ("text", "long_text", "room")
_SPACES = re.compile(r"\s+")


def _normalised(text: str) -> str:
    return _SPACES.sub(" ", to_simplified(text)).strip().lower()


def search_text_for(order, procedure: Procedure) -> str:
    """The text a search matches for `order` as it is now (fields and customer in memory)."""
    parts = [order.number]
    for key, value in order.fields.items():
        spec = procedure.fields.get(key)
        if spec is None or not value:
            continue
        if spec.type in _TEXT_TYPES:
            parts.append(str(value))
        elif spec.type == "phone":
            parts.append(national_digits(value))
    if order.customer_id is not None:
        customer = order.customer
        parts.append(customer.name)
        parts += [c.digits for c in customer.contacts.all() if c.digits]
    return "\n".join(_normalised(part) for part in parts if part)


_INTERNATIONAL_PHONE = re.compile(r"(\+|00)[\d\s-]+")


def query_terms(q: str) -> list[str]:
    """The search keys of the words of `q`. A phone typed the international way (+86 136 1234
    9876) is one term, its national digits, as the order stores them."""
    q = clean_query(q)
    if _INTERNATIONAL_PHONE.fullmatch(q):
        return [dialled_digits(q)]
    return [key for key in (search_key(word) for word in q.split()) if key]


def matching(q: str) -> Q:
    """A filter every term of `q` must satisfy (an empty query matches everything)."""
    condition = Q()
    for term in query_terms(q):
        condition &= Q(search_text__contains=term)
    return condition
