"""Working time: limits that count only working hours on working days.

A working day is what `chinese_calendar` says: Monday to Friday, minus the public holidays,
plus the make-up working days (调休) that fall on a weekend. So a 4-working-hour limit set at
16:00 on the last working day before National Day runs two hours that day and two more on the
first working day after the holiday.
"""

import datetime

import chinese_calendar
from django.utils import timezone

# The working hours of a department that has not set its own (accounts.Department.opens_at).
DEFAULT_HOURS = (datetime.time(9, 0), datetime.time(18, 0))

# Ten years of days: a bound that no real limit reaches, so a bad input cannot loop forever.
_MAX_DAYS = 3660


def is_working_day(day: datetime.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        # The package knows the State Council's calendar up to the last published year; after
        # that, count Monday to Friday until an update brings the new year's holidays.
        return day.weekday() < 5


def add_working_minutes(
    start: datetime.datetime, minutes: int, hours: tuple[datetime.time, datetime.time] = DEFAULT_HOURS
) -> datetime.datetime:
    """The moment `minutes` of working time after `start`. Time outside working hours does not
    count: a limit set in the evening starts counting when the next working day opens."""
    tz = timezone.get_current_timezone()
    cursor = timezone.localtime(start, tz)
    remaining = datetime.timedelta(minutes=minutes)
    for _ in range(_MAX_DAYS):
        day = cursor.date()
        if is_working_day(day):
            opens = datetime.datetime.combine(day, hours[0], tzinfo=tz)
            closes = datetime.datetime.combine(day, hours[1], tzinfo=tz)
            cursor = max(cursor, opens)
            if cursor < closes:
                available = closes - cursor
                if remaining <= available:
                    return cursor + remaining
                remaining -= available
        cursor = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(0), tzinfo=tz)
    raise ValueError(f"{minutes} working minutes from {start} do not end within {_MAX_DAYS} days")
