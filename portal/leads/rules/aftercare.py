"""Aftercare rules as plain functions: how often the centre sees a company (its contact rhythm),
when the next contact is due, and the early warnings on the company list.

The rhythm by registered capital is the setting ``AFTERCARE_VISIT_RHYTHM`` ("50:6,10:12,0:24":
from US$50 million a contact every 6 months, from US$10 million every 12, else every 24); a
company may have its own. A contact falling due on a weekend or public holiday is due on the
next working day."""
from __future__ import annotations

import calendar
import enum
from collections.abc import Container
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

#: (capital from, in USD; months between contacts), largest first.
Rhythm = tuple[tuple[int, int], ...]

DEFAULT_RHYTHM_SETTING = "50:6,10:12,0:24"
#: How far ahead an incentive or a land lease ending is a warning.
ENDING_WITHIN_MONTHS = 12


class EarlyWarning(enum.StrEnum):
    NO_RECENT_CONTACT = "no_recent_contact"
    INCENTIVE_ENDING = "incentive_ending"
    LEASE_ENDING = "lease_ending"
    #: An investor's issue past its due day and not yet resolved (``Issue.overdue``).
    ISSUE_OVERDUE = "issue_overdue"


WARNING_LABELS = {
    EarlyWarning.NO_RECENT_CONTACT: _l("No contact for longer than its rhythm"),
    EarlyWarning.INCENTIVE_ENDING: _l("Incentive ends within 12 months"),
    EarlyWarning.LEASE_ENDING: _l("Land lease ends within 12 months"),
    EarlyWarning.ISSUE_OVERDUE: _l("An issue is overdue"),
}


def parse_rhythm(setting: str) -> Rhythm:
    """``"50:6,10:12,0:24"`` (capital in US$ million: months) as tiers, largest capital first;
    raises ``ValueError`` on anything else, so a wrong setting stops the start."""
    tiers = []
    for part in setting.split(","):
        millions, _, months = part.partition(":")
        capital, every = int(float(millions.strip()) * 1_000_000), int(months)
        if capital < 0 or every < 1:
            raise ValueError(f"AFTERCARE_VISIT_RHYTHM: {part!r}")
        tiers.append((capital, every))
    if not tiers or min(capital for capital, _ in tiers) != 0:
        raise ValueError("AFTERCARE_VISIT_RHYTHM needs a tier from 0")
    return tuple(sorted(tiers, reverse=True))


def rhythm_months(capital_usd: int | None, rhythm: Rhythm, own: int | None = None) -> int:
    """Months between contacts: the company's own rhythm, else the tier of its registered capital."""
    if own:
        return own
    capital = capital_usd or 0
    return next(months for floor, months in rhythm if capital >= floor)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it has no such day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_working_day(day: date, holidays: Container[date] = ()) -> date:
    """``day`` itself if the centre works that day, else the next day it does."""
    while day.weekday() >= 5 or day in holidays:
        day += timedelta(days=1)
    return day


def visit_due_on(since: date, months: int, holidays: Container[date] = ()) -> date:
    """When the next contact is due: ``months`` after the last one (or after the record was made),
    on a working day."""
    return next_working_day(add_months(since, months), holidays)


def ends_soon(end: date | None, today: date) -> bool:
    """An end date from today to 12 months ahead."""
    return end is not None and today <= end <= add_months(today, ENDING_WITHIN_MONTHS)


def company_warnings(visit_due: date | None, incentive_ends: list[date | None], lease_ends: list[date | None],
                     today: date, issue_overdue: bool = False) -> list[EarlyWarning]:
    """The early warnings of one company on ``today``."""
    found = []
    if visit_due is not None and visit_due < today:
        found.append(EarlyWarning.NO_RECENT_CONTACT)
    if issue_overdue:
        found.append(EarlyWarning.ISSUE_OVERDUE)
    if any(ends_soon(end, today) for end in incentive_ends):
        found.append(EarlyWarning.INCENTIVE_ENDING)
    if any(ends_soon(end, today) for end in lease_ends):
        found.append(EarlyWarning.LEASE_ENDING)
    return found
