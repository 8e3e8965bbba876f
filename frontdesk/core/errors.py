"""Errors raised by services. The API and the UI turn each into the same message.

A service never returns half a result: it raises one of these before it writes anything,
so "bad input changes nothing" holds wherever the operation is called from.
"""

from django.utils.translation import gettext_lazy as _


class ServiceError(Exception):
    status = 400
    code = "bad_request"
    default_message = _("The request could not be carried out.")

    def __init__(self, message=None, fields: dict[str, list[str]] | None = None):
        self.message = message or self.default_message
        self.fields = fields or {}
        super().__init__(str(self.message))


class InvalidInput(ServiceError):
    status = 422
    code = "invalid"
    default_message = _("Please correct the errors below.")


class PermissionDenied(ServiceError):
    status = 403
    code = "forbidden"
    default_message = _("You do not have permission to do this.")


class NotFound(ServiceError):
    status = 404
    code = "not_found"
    default_message = _("Not found.")


class StaleVersion(ServiceError):
    status = 409
    code = "stale_version"
    default_message = _(
        "Someone else changed this record after you opened it. Reload to see their change, then try again."
    )


def field_error(field: str, message) -> InvalidInput:
    return InvalidInput(fields={field: [str(message)]})


def check_model(instance, exclude: list[str] | None = None) -> None:
    """Run the model's own validation (lengths, choices, required fields, unique constraints)
    and raise it as InvalidInput, so every entry point reports the same messages."""
    from django.core.exceptions import ValidationError

    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        fields = {
            ("__all__" if name == "__all__" else name): [str(m) for m in messages]
            for name, messages in exc.message_dict.items()
        }
        raise InvalidInput(fields=fields) from None
