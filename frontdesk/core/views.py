"""Pages that belong to no one domain (the dashboard), and the few helpers every page shares:
turning a service's refusal into a page or into errors on a form, and telling an htmx request
from a whole-page request."""

import sys
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from frontdesk.accounts.roles import Capability
from frontdesk.accounts.services import duties_at
from frontdesk.core import clock
from frontdesk.core.errors import NotFound, PermissionDenied, ServiceError
from frontdesk.customers.services import visible_customers

# How long a client should wait before trying again when the database is unavailable: about
# what a PostgreSQL restart takes.
RETRY_AFTER_SECONDS = 5


def healthz(request):
    """A liveness check for load balancers and the benchmarks' baseline: plain "ok", no
    database, no session, so its time is the server's own overhead per request."""
    return HttpResponse("ok", content_type="text/plain")


def server_error(request):
    """Django's handler500, called while the exception is being handled. A database that
    cannot be reached (restarting, or an SQLite file locked for too long) is the one failure
    the client should simply retry: 503 with Retry-After. Under /api/ both answer in the API's
    error shape; a page gets the error page."""
    failure = sys.exc_info()[1]
    unavailable = isinstance(failure, (OperationalError, InterfaceError))
    status = 503 if unavailable else 500
    if unavailable:
        message = _("The database cannot be reached just now. Please try again in a moment.")
    else:
        message = _("Something went wrong on our side. The error has been logged; please try again in a moment.")
    if request.path.startswith("/api/"):
        code = "unavailable" if unavailable else "server_error"
        response = JsonResponse({"code": code, "message": message, "fields": {}}, status=status)
    else:
        # No context processors: they would read the session and the database.
        page = loader.get_template("500.html").render({"status": status, "message": message})
        response = HttpResponse(page, status=status)
    if unavailable:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def api_not_found(request, *args, **kwargs):
    return JsonResponse({"code": "not_found", "message": _("Not found."), "fields": {}}, status=404)


# --- helpers shared by the pages of every app ----------------------------------------------


def is_htmx(request) -> bool:
    """An htmx request that wants a fragment. A history restore wants the whole page."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"


def render_fragment_or_page(request, fragment: str, page: str, context: dict, status: int = 200):
    """The fragment for htmx (live search, "load more"), the whole page otherwise."""
    response = render(request, fragment if is_htmx(request) else page, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def more_url(next_cursor: str | None, **params) -> str | None:
    """The link to the next page of a list, keeping the search."""
    if not next_cursor:
        return None
    query = {key: value for key, value in params.items() if value}
    query["cursor"] = next_cursor
    return "?" + urlencode(query)


def service_page(view):
    """Show a service's refusal as a page: 403 when not allowed, 404 when not found, and the
    message with its status for anything else, never a 500."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            return render(request, "403.html", {"message": exc.message}, status=403)
        except NotFound as exc:
            return render(request, "404.html", {"message": exc.message}, status=404)
        except ServiceError as exc:
            messages = [m for field_messages in exc.fields.values() for m in field_messages]
            context = {"message": exc.message, "details": messages}
            return render(request, "core/problem.html", context, status=exc.status)

    return wrapper


def add_service_error(form, exc: ServiceError, field_map: dict[str, str | None] | None = None) -> None:
    """Put a service's refusal on the form: each message next to the input it is about (keys
    such as "contacts.0.value" are translated through `field_map`), anything else on top."""
    field_map = field_map or {}
    for key, messages in exc.fields.items():
        name = field_map.get(key, key)
        if name not in form.fields:
            name = None
        for message in messages:
            form.add_error(name, message)
    if not exc.fields or exc.message != exc.default_message:
        form.add_error(None, str(exc.message))


# --- dashboard ------------------------------------------------------------------------------


def _greeting(hour: int) -> str:
    if hour < 5:
        return pgettext("greeting", "Good evening")
    if hour < 12:
        return pgettext("greeting", "Good morning")
    if hour < 18:
        return pgettext("greeting", "Good afternoon")
    return pgettext("greeting", "Good evening")


@login_required
def dashboard(request):
    now = timezone.localtime(clock.now())
    customer_count = None
    if request.user.can(Capability.VIEW_CUSTOMERS):
        customer_count = visible_customers(request.user).count()
    on_duty = sorted(duties_at(), key=lambda d: (d.shift.department.name, d.shift.starts_at, d.staff.full_name))
    context = {
        "greeting": _greeting(now.hour),
        "today": now,
        "customer_count": customer_count,
        "on_duty": on_duty,
    }
    return render(request, "core/dashboard.html", context)
