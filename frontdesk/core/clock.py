"""The one clock. Code asks `now()`; tests move it with time-machine."""

from django.utils import timezone


def now():
    return timezone.now()


def today():
    return timezone.localdate(now())
