"""Keyset (cursor) pagination: a page is "the next N rows after this id", so page 1,000
costs one index seek, the same as page 1. Newest first."""

import base64
import binascii

from django.utils.translation import gettext as _

from frontdesk.core.errors import field_error


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _sep, value = text.partition(":")
        if kind != "id" or not value.isdigit():
            raise ValueError
        return int(value)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise field_error("cursor", _("This page link is not valid; start again from the first page.")) from None


def keyset_page(queryset, cursor: str | None, limit: int) -> tuple[list, str | None]:
    """Rows of `queryset` after `cursor`, newest first, and the cursor of the next page."""
    queryset = queryset.order_by("-id")
    if cursor:
        queryset = queryset.filter(id__lt=decode_cursor(cursor))
    rows = list(queryset[: limit + 1])
    if len(rows) > limit:
        return rows[:limit], encode_cursor(rows[limit - 1].id)
    return rows, None
