"""The HTTP API under /api/v1/: authentication, the one error shape, and the routers.

Every 4xx answers {"code": "...", "message": "...", "fields": {"name": ["..."]}} in the
request's language (Accept-Language, else the session's, else zh-hans).
"""

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth

from frontdesk.accounts.services import staff_for_token
from frontdesk.core.errors import ServiceError


class StaffSession(SessionAuth):
    """The UI's session. Without a session cookie this scheme steps aside (so the answer is
    401, not a CSRF failure); with one, ninja checks the CSRF token on unsafe methods."""

    def _get_key(self, request):
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        staff = staff_for_token(token)
        if staff is not None:
            request.user = staff
        return staff


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


api = NinjaAPI(
    title="frontdesk API",
    version="1",
    urls_namespace="api-v1",
    auth=[BearerToken(), StaffSession()],
    docs_url="/docs",
)


def error_response(request, status: int, code: str, message: str, fields: dict | None = None):
    return api.create_response(request, {"code": code, "message": str(message), "fields": fields or {}}, status=status)


@api.exception_handler(ServiceError)
def service_error(request, exc: ServiceError):
    return error_response(request, exc.status, exc.code, exc.message, exc.fields)


_PARAM_LOCATIONS = {"body", "query", "path", "header", "cookie", "form", "file"}
_PARAM_NAMES = {"payload", "filters"}


def _field_name(loc) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in _PARAM_LOCATIONS:
        parts = parts[1:]
    if parts and parts[0] in _PARAM_NAMES:
        parts = parts[1:]
    return ".".join(parts) or "__all__"


def _message_for(error: dict) -> str:
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "extra_forbidden":
        return _("Unknown field.")
    if kind == "string_too_long":
        return _("Ensure this value has at most %(limit)s characters.") % {"limit": ctx.get("max_length")}
    if kind == "string_too_short":
        return _("Ensure this value has at least %(limit)s characters.") % {"limit": ctx.get("min_length")}
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("Enter a whole number.")
    if kind in ("string_type", "string_unicode"):
        return _("Enter text.")
    if kind in ("bool_parsing", "bool_type"):
        return _("Enter true or false.")
    if kind in ("greater_than_equal", "greater_than"):
        return _("Ensure this value is at least %(limit)s.") % {"limit": ctx.get("ge", ctx.get("gt"))}
    if kind in ("less_than_equal", "less_than"):
        return _("Ensure this value is at most %(limit)s.") % {"limit": ctx.get("le", ctx.get("lt"))}
    if kind in ("literal_error", "enum"):
        return _("Choose one of: %(choices)s.") % {"choices": ctx.get("expected", "")}
    if kind.startswith(("date", "time", "datetime")):
        return _("Enter a valid date or time.")
    if kind in ("list_type", "dict_type", "model_type", "model_attributes_type"):
        return _("This value has the wrong type.")
    if kind == "null_character":
        return _("Null characters are not allowed.")
    if kind == "json_invalid":
        return _("The request body is not valid JSON.")
    return _("Enter a valid value.")


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        fields.setdefault(_field_name(error.get("loc", ())), []).append(str(_message_for(error)))
    return error_response(request, 422, "invalid", _("Please correct the errors below."), fields)


@api.exception_handler(AuthenticationError)
def authentication_error(request, exc):
    return error_response(request, 401, "unauthenticated", _("Log in, or send a valid API token."))


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    if exc.status_code == 403:
        return error_response(request, 403, "forbidden", _("The request was refused (missing CSRF token or permission)."))
    if exc.status_code == 400:
        return error_response(request, 400, "bad_request", _("The request body could not be read; send JSON."))
    return error_response(request, exc.status_code, "error", str(exc))


@api.exception_handler(Http404)
def not_found(request, exc):
    return error_response(request, 404, "not_found", _("Not found."))


def register_routers() -> None:
    from frontdesk.accounts.api import router as accounts_router
    from frontdesk.customers.api import router as customers_router
    from frontdesk.workorders.api import router as workorders_router
    from frontdesk.handover.api import router as handover_router
    from frontdesk.hotel.api import router as hotel_router

    api.add_router("/", accounts_router)
    api.add_router("/customers", customers_router)
    api.add_router("/", workorders_router)
    api.add_router("/", handover_router)
    api.add_router("/hotel", hotel_router)


register_routers()
