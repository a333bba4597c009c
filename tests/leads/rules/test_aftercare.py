"""The contact rhythm and the early-warning rules, on known dates."""
from datetime import date

import pytest

from portal.leads.rules.aftercare import (
    DEFAULT_RHYTHM_SETTING,
    EarlyWarning,
    add_months,
    company_warnings,
    ends_soon,
    parse_rhythm,
    rhythm_months,
    visit_due_on,
)

RHYTHM = parse_rhythm(DEFAULT_RHYTHM_SETTING)


@pytest.mark.parametrize("capital, months", [
    (None, 24), (0, 24), (9_999_999, 24), (10_000_000, 12), (49_999_999, 12), (50_000_000, 6), (2_000_000_000, 6),
])
def test_the_rhythm_follows_the_registered_capital(capital, months):
    assert rhythm_months(capital, RHYTHM) == months


def test_a_company_may_have_its_own_rhythm():
    assert rhythm_months(80_000_000, RHYTHM, own=3) == 3


def test_the_setting_is_read_in_any_order_and_a_wrong_one_refused():
    assert parse_rhythm("0:36, 100:4, 5:18") == ((100_000_000, 4), (5_000_000, 18), (0, 36))
    for wrong in ("50:6", "50:0,0:12", "lots:6,0:12", ""):
        with pytest.raises(ValueError):
            parse_rhythm(wrong)


def test_months_are_added_to_the_last_day_the_month_has():
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2026, 1, 15), 24) == date(2028, 1, 15)


def test_a_visit_due_on_a_weekend_or_holiday_is_due_the_next_working_day():
    # Last visit Saturday 2 August 2025; a year later is Sunday 2 August 2026: due Monday 3rd
    assert visit_due_on(date(2025, 8, 2), 12) == date(2026, 8, 3)
    # Due Wednesday 2 September 2026, National Day, and the day before is off too: Thursday 3rd
    holidays = {date(2026, 9, 1), date(2026, 9, 2)}
    assert visit_due_on(date(2026, 3, 2), 6, holidays) == date(2026, 9, 3)
    assert visit_due_on(date(2026, 3, 2), 6) == date(2026, 9, 2)


def test_an_end_date_is_a_warning_from_today_to_twelve_months_ahead():
    today = date(2026, 12, 7)
    assert ends_soon(date(2026, 12, 7), today)
    assert ends_soon(date(2027, 12, 7), today)
    assert not ends_soon(date(2027, 12, 8), today)
    assert not ends_soon(date(2026, 12, 6), today)  # already ended: not a warning of what is coming
    assert not ends_soon(None, today)


def test_each_warning_on_known_dates():
    today = date(2026, 12, 7)
    assert company_warnings(date(2026, 12, 7), [], [], today) == []  # due today: not yet overdue
    assert company_warnings(date(2026, 12, 4), [], [], today) == [EarlyWarning.NO_RECENT_CONTACT]
    assert company_warnings(None, [date(2027, 6, 30), None], [date(2040, 1, 1)], today) == \
        [EarlyWarning.INCENTIVE_ENDING]
    assert company_warnings(date(2027, 1, 4), [None], [date(2027, 11, 30)], today) == [EarlyWarning.LEASE_ENDING]
    assert company_warnings(None, [], [], today, issue_overdue=True) == [EarlyWarning.ISSUE_OVERDUE]
