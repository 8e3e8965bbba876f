"""Login audit. Django announces logins from every path (our login page, the admin's, a
session opened by a test client) only through these signals, so listening to them is the one
way not to miss one. They record; they decide nothing."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from frontdesk.audit.services import record_event


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    record_event(user, "login", target=user, request=request)


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        record_event(user, "logout", target=user, request=request)


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    record_event(None, "login_failed", data={"username": str(credentials.get("username", ""))[:150]}, request=request)
