"""First-response deadlines counted in Vietnam working hours (``portal.leads.rules.deadlines``):
08:00–12:00 and 13:00–17:00, Monday to Friday, holidays excepted, answered in UTC.

Calendar used: 2026-03-02 is a Monday, 2026-03-06 a Friday, 2026-03-08 a Sunday."""
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from portal.clock import VIETNAM
from portal.leads.rules.deadlines import add_working_hours


def vn(year, month, day, hour=0, minute=0) -> datetime:
    """A moment on the centre's clock."""
    return datetime(year, month, day, hour, minute, tzinfo=VIETNAM)


@pytest.mark.parametrize(("start", "hours", "due"), [
    (vn(2026, 3, 2, 9), 2, vn(2026, 3, 2, 11)),
    (vn(2026, 3, 2, 9), 0.5, vn(2026, 3, 2, 9, 30)),
    (vn(2026, 3, 2, 8), 4, vn(2026, 3, 2, 12)),
    (vn(2026, 3, 2, 8), 8, vn(2026, 3, 2, 17)),
], ids=["two hours", "half an hour", "whole morning", "whole working day"])
def test_within_one_day(start, hours, due):
    assert add_working_hours(start, hours) == due


def test_lunch_break_is_not_counted():
    assert add_working_hours(vn(2026, 3, 2, 11), 2) == vn(2026, 3, 2, 14)


def test_received_during_lunch_counts_from_13_00():
    assert add_working_hours(vn(2026, 3, 3, 12, 30), 1) == vn(2026, 3, 3, 14)


def test_evening_is_not_counted():
    assert add_working_hours(vn(2026, 3, 2, 16), 2) == vn(2026, 3, 3, 9)


def test_friday_afternoon_runs_into_monday():
    assert add_working_hours(vn(2026, 3, 6, 16), 8) == vn(2026, 3, 9, 16)


def test_received_at_night_counts_from_next_morning():
    assert add_working_hours(vn(2026, 3, 3, 22), 1) == vn(2026, 3, 4, 9)


def test_received_before_opening_counts_from_08_00():
    assert add_working_hours(vn(2026, 3, 3, 6, 45), 1) == vn(2026, 3, 3, 9)


def test_received_on_sunday_counts_from_monday_morning():
    assert add_working_hours(vn(2026, 3, 8, 10), 8) == vn(2026, 3, 9, 17)


def test_received_on_saturday_counts_from_monday_morning():
    assert add_working_hours(vn(2026, 3, 7, 15), 1) == vn(2026, 3, 9, 9)


def test_holiday_is_skipped():
    national_day = date(2026, 9, 2)  # a Wednesday
    assert add_working_hours(vn(2026, 9, 1, 16), 2, holidays={national_day}) == vn(2026, 9, 3, 9)


def test_same_hours_without_the_holiday_end_on_that_day():
    assert add_working_hours(vn(2026, 9, 1, 16), 2) == vn(2026, 9, 2, 9)


def test_tet_week_is_skipped():
    tet = {date(2026, 2, 16) + timedelta(days=n) for n in range(5)}  # Monday 16 to Friday 20 February
    assert add_working_hours(vn(2026, 2, 13, 16), 8, holidays=tet) == vn(2026, 2, 23, 16)


def test_result_is_in_utc():
    due = add_working_hours(vn(2026, 3, 2, 9), 2)
    assert due.tzinfo == timezone.utc
    assert due == datetime(2026, 3, 2, 4, tzinfo=timezone.utc)  # 11:00 in Vietnam


def test_start_in_utc_is_read_on_vietnam_time():
    start = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)  # 16:30 on Monday in Vietnam
    assert add_working_hours(start, 1) == datetime(2026, 3, 3, 1, 30, tzinfo=timezone.utc)  # Tue 08:30


def test_start_in_another_zone_is_read_on_vietnam_time():
    start = datetime(2026, 3, 6, 18, 30, tzinfo=ZoneInfo("Asia/Tokyo"))  # 16:30 on Friday in Vietnam
    assert add_working_hours(start, 1) == vn(2026, 3, 9, 8, 30)


def test_office_hours_in_seoul_can_be_before_opening_in_vietnam():
    start = datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Asia/Seoul"))  # 07:30 on Monday in Vietnam
    assert add_working_hours(start, 1) == vn(2026, 3, 2, 9)
