from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

# Everything frontdesk serves comes from its own origin: no CDN, no inline script.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    """Adds the Content-Security-Policy header. Django 5.2 has none built in, and the policy
    is one constant, so a ten-line middleware is clearer than a configurable package."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


class ApiMethodNotAllowedMiddleware:
    """django-ninja answers a method a route lacks with a bare text/html 405 and offers no hook;
    under /api/ it is rewritten into the API's one error shape, keeping the Allow header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and request.path.startswith("/api/") and "json" not in response.get("Content-Type", ""):
            from django.utils.translation import gettext as _

            from frontdesk.core.api import error_response

            allowed = response.get("Allow", "")
            response = error_response(request, 405, "method_not_allowed", _("This method is not allowed here."))
            response["Allow"] = allowed
        return response


class PageLanguageMiddleware(LocaleMiddleware):
    """Pages speak the language the person chose with the language switch (its cookie), else
    zh-hans: a front desk's browser is often an English one while its staff work in Chinese.
    The API follows Accept-Language, which a program sets on purpose."""

    def process_request(self, request):
        if request.path.startswith("/api/"):
            return super().process_request(request)
        try:
            language = translation.get_supported_language_variant(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, ""))
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
