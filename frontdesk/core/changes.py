"""Two steps every update operation shares."""

from django.utils.translation import gettext as _

from frontdesk.core.errors import StaleVersion, field_error


def claim_version(model, obj_id: int, version: int) -> int:
    """Move the row from the version the client saw to the next one, or refuse: a stale write
    is never merged. Call inside the transaction that writes the change; returns the new version."""
    if model.objects.filter(id=obj_id, version=version).update(version=version + 1) != 1:
        raise StaleVersion()
    return version + 1


def apply_changes(instance, changes: dict, allowed: set[str]) -> None:
    """Set the given fields on `instance` (text stripped), refusing any field not in `allowed`."""
    for key in changes:
        if key not in allowed:
            raise field_error(key, _("This field cannot be changed."))
    for key, value in changes.items():
        setattr(instance, key, value.strip() if isinstance(value, str) else value)
