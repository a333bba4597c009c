"""Dates and times as each language writes them, in the portal's time zone (Vietnam).

The one home for dates: CLDR's defaults are not what readers write ("31 thg 12, 2022" where a
Vietnamese reader writes "31/12/2022", "PM 5:00" where a Korean reads "오후 5:00", "Dec 31, 2022"
where the portal's English readers, in Asia and Europe, write "31 Dec 2022").
"""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import format_date, format_datetime, format_timedelta

from portal.clock import as_utc

#: Babel patterns per language: a short and a long date, a time, and how a moment joins them.
PATTERNS: dict[str, dict[str, str]] = {
    "vi": {"short": "dd/MM/y", "long": "d 'tháng' M 'năm' y", "weekday": "EEEE, dd/MM/y", "month": "'tháng' M/y", "time": "HH:mm",
           "moment": "{time} {date}"},
    "en": {"short": "d MMM y", "long": "d MMMM y", "weekday": "EEEE d MMMM y", "month": "MMM y", "time": "HH:mm", "moment": "{date}, {time}"},
    "ko": {"short": "y. M. d.", "long": "y년 M월 d일", "weekday": "y년 M월 d일 EEEE", "month": "y년 M월", "time": "aaaa h:mm", "moment": "{date} {time}"},
    "ja": {"short": "y/MM/dd", "long": "y年M月d日", "weekday": "y年M月d日（EEE）", "month": "y年M月", "time": "H:mm", "moment": "{date} {time}"},
}


def _patterns(lang: str | None) -> dict[str, str]:
    if lang is None:
        from portal.i18n import locale_code  # the request's language

        lang = locale_code()
    return PATTERNS.get(lang, PATTERNS["en"])


def format_day(day: date | datetime | None, form: str = "short", lang: str | None = None) -> str:
    """A day: "31/12/2022", "31 Dec 2022", "2022. 12. 31.", "2022/12/31"; ``form="long"``:
    "31 tháng 12 năm 2022", "31 December 2022", "2022년 12월 31일", "2022年12月31日"; ``form="weekday"``:
    "Thứ Bảy, 31/12/2022", "Saturday 31 December 2022", "2022년 12월 31일 토요일", "2022年12月31日（土）"."""
    if day is None:
        return ""
    pattern = _patterns(lang)[form]
    if isinstance(day, datetime):
        return format_datetime(day, pattern)
    return format_date(day, pattern)


def format_month(month: date, lang: str | None = None) -> str:
    """A month: "tháng 3/2026", "Mar 2026", "2026년 3월", "2026年3月"."""
    return format_day(month, "month", lang)


def format_moment(moment: datetime | None, lang: str | None = None) -> str:
    """A stored time, in Vietnam's time zone: "17:00 31/12/2022", "31 Dec 2022, 17:00",
    "2022. 12. 31. 오후 5:00", "2022/12/31 17:00"."""
    if moment is None:
        return ""
    patterns = _patterns(lang)
    return patterns["moment"].format(date=format_datetime(moment, patterns["short"]),
                                     time=format_datetime(moment, patterns["time"]))


def format_clock(moment: datetime | None, lang: str | None = None) -> str:
    """The time of day in Vietnam's time zone as each language writes it: "17:00", Korean "오후 5:00"."""
    return format_datetime(moment, _patterns(lang)["time"]) if moment else ""


def format_age(moment, now) -> str:
    """How long ago: "3 days", "2 giờ" ..."""
    return format_timedelta(as_utc(now) - as_utc(moment), granularity="hour", threshold=1.2) if moment else ""
