"""Dates and times as each language writes them, in Vietnam's time zone."""
from datetime import date, datetime, timezone

import pytest
from flask_babel import force_locale

from portal.dates import format_day, format_moment

NEW_YEARS_EVE = date(2022, 12, 31)
#: 10:00 UTC is 17:00 in Vietnam.
AFTERNOON = datetime(2022, 12, 31, 10, 0, tzinfo=timezone.utc)
MORNING = datetime(2022, 3, 4, 2, 5, tzinfo=timezone.utc)

DAYS = [
    ("vi", "short", "31/12/2022"),
    ("vi", "long", "31 tháng 12 năm 2022"),
    ("en", "short", "31 Dec 2022"),
    ("en", "long", "31 December 2022"),
    ("ko", "short", "2022. 12. 31."),
    ("ko", "long", "2022년 12월 31일"),
    ("ja", "short", "2022/12/31"),
    ("ja", "long", "2022年12月31日"),
    ("vi", "weekday", "Thứ Bảy, 31/12/2022"),
    ("en", "weekday", "Saturday 31 December 2022"),
    ("ko", "weekday", "2022년 12월 31일 토요일"),
    ("ja", "weekday", "2022年12月31日（土）"),
]


@pytest.mark.parametrize("lang, form, expected", DAYS)
def test_a_day_reads_as_each_language_writes_it(app, lang, form, expected):
    with app.test_request_context(), force_locale(lang):
        assert format_day(NEW_YEARS_EVE, form) == expected


MOMENTS = [
    ("vi", AFTERNOON, "17:00 31/12/2022"),
    ("vi", MORNING, "09:05 04/03/2022"),
    ("en", AFTERNOON, "31 Dec 2022, 17:00"),
    ("ko", AFTERNOON, "2022. 12. 31. 오후 5:00"),
    ("ko", MORNING, "2022. 3. 4. 오전 9:05"),
    ("ja", AFTERNOON, "2022/12/31 17:00"),
    ("ja", MORNING, "2022/03/04 9:05"),
]


@pytest.mark.parametrize("lang, moment, expected", MOMENTS)
def test_a_moment_is_shown_in_vietnam_time_as_each_language_writes_it(app, lang, moment, expected):
    with app.test_request_context(), force_locale(lang):
        assert format_moment(moment) == expected


@pytest.mark.parametrize("lang, old", [("vi", "thg"), ("ko", "PM"), ("ko", "AM"), ("en", "Dec 31,"), ("vi", "/22 ")])
def test_the_old_forms_do_not_come_back(app, lang, old):
    with app.test_request_context(), force_locale(lang):
        shown = " ".join([format_day(NEW_YEARS_EVE), format_day(NEW_YEARS_EVE, "long"), format_moment(AFTERNOON),
                          format_moment(MORNING), ""])
    assert old not in shown


def test_nothing_shows_as_nothing(app):
    with app.test_request_context(), force_locale("ko"):
        assert format_day(None) == "" and format_moment(None) == ""


def test_templates_use_the_same_home(app):
    from flask import g, render_template_string

    with app.test_request_context("/vi/"):
        g.lang = "vi"
        shown = render_template_string("{{ day|date }} · {{ day|date('long') }} · {{ moment|datetime_vn }}",
                                       day=NEW_YEARS_EVE, moment=AFTERNOON)
    assert shown == "31/12/2022 · 31 tháng 12 năm 2022 · 17:00 31/12/2022"


@pytest.mark.parametrize("lang, expected", [("vi", "tháng 3/2026"), ("en", "Mar 2026"), ("ko", "2026년 3월"),
                                            ("ja", "2026年3月")])
def test_a_month_reads_as_each_language_writes_it(app, lang, expected):
    from portal.dates import format_month

    with app.test_request_context(), force_locale(lang):
        assert format_month(date(2026, 3, 1)) == expected
