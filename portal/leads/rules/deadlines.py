"""Working time in Vietnam, for first-response deadlines: the best promotion agencies answer
within one working day. A working day is 08:00–12:00 and 13:00–17:00, Monday to Friday,
Vietnam time (8 hours), except public holidays (``Holiday`` records, see ``queries.working_hours_after``)."""
from __future__ import annotations

from collections.abc import Container
from datetime import date, datetime, time, timedelta, timezone

from portal.clock import VIETNAM

WORKING_PERIODS = ((time(8), time(12)), (time(13), time(17)))


def _at(day: datetime, moment: time) -> datetime:
    return day.replace(hour=moment.hour, minute=moment.minute, second=0, microsecond=0)


def add_working_hours(start: datetime, hours: float, holidays: Container[date] = ()) -> datetime:
    """The moment ``hours`` of working time after ``start`` (aware), returned in UTC; the days in
    ``holidays`` have no working time."""
    cursor = start.astimezone(VIETNAM)
    remaining = timedelta(hours=hours)
    while True:
        if cursor.weekday() < 5 and cursor.date() not in holidays:
            for opens, closes in WORKING_PERIODS:
                period_start, period_end = _at(cursor, opens), _at(cursor, closes)
                if cursor >= period_end:
                    continue
                cursor = max(cursor, period_start)
                if cursor + remaining <= period_end:
                    return (cursor + remaining).astimezone(timezone.utc)
                remaining -= period_end - cursor
                cursor = period_end
        cursor = _at(cursor + timedelta(days=1), time(0))


def add_working_days(day: date, days: int, holidays: Container[date] = ()) -> date:
    """The ``days``-th working day after ``day`` (Monday to Friday, not in ``holidays``)."""
    cursor = day
    while days > 0:
        cursor += timedelta(days=1)
        if cursor.weekday() < 5 and cursor not in holidays:
            days -= 1
    return cursor
