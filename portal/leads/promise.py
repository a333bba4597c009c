"""The public promise of response time: "median first answer in the last 90 days: X hours; Y%
answered within one working day", from the staff reports' own figures (``Report.response_overall``),
shown only once enough leads were answered to say it honestly.

The reports measure the median in clock time (nights and weekends count) and "in time" against each
lead's first-response deadline (``FIRST_RESPONSE_HOURS`` working hours, ``rules.deadlines``); the
wording says so. One report query per worker every ``REFRESH_SECONDS``: the figure moves slowly."""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app, request

from portal import clock
from portal.leads.reports.queries import Report, ReportFilters
from portal.page_cache import CACHEABLE_ENDPOINTS

PERIOD_DAYS = 90
REFRESH_SECONDS = 600


@dataclass(frozen=True)
class ResponsePromise:
    answered: int
    median_hours: float
    share_in_time: float
    #: The deadline "in time" is measured against, in working hours.
    deadline_hours: int


def response_promise_for(today: date) -> ResponsePromise | None:
    """The figures for the leads received in the ``PERIOD_DAYS`` up to ``today``, or ``None`` below
    ``RESPONSE_PROMISE_MIN_ANSWERED`` answered leads."""
    filters = ReportFilters(received_from=today - timedelta(days=PERIOD_DAYS - 1), received_to=today)
    figures = Report(filters).response_overall()
    if figures.answered < current_app.config["RESPONSE_PROMISE_MIN_ANSWERED"] or figures.median_seconds is None:
        return None
    return ResponsePromise(figures.answered, figures.median_seconds / 3600, figures.share_in_time,
                           current_app.config["FIRST_RESPONSE_HOURS"])


def current_promise() -> ResponsePromise | None:
    """``response_promise_for(today)``, kept by this worker for ``REFRESH_SECONDS``."""
    kept = current_app.extensions.get("response_promise")
    if kept is not None and kept[0] > time.monotonic():
        return kept[1]
    try:
        promise = response_promise_for(clock.today_in_vietnam())
    except Exception:  # noqa: BLE001 - a page (even an error page) never fails for want of this line
        current_app.logger.exception("response promise: could not compute the figures")
        promise = None
    current_app.extensions["response_promise"] = (time.monotonic() + REFRESH_SECONDS, promise)
    return promise


def forget_promise() -> None:
    current_app.extensions.pop("response_promise", None)


def response_promise(place: str = "page") -> ResponsePromise | None:
    """For templates. In the footer's contact block only on pages the page cache never keeps (a
    cached page would show it long after it changed) and not on the inquiry page, which shows it itself."""
    if place == "footer" and (request.endpoint in CACHEABLE_ENDPOINTS or request.endpoint == "capture.inquire"
                              or request.path.startswith("/staff")):
        return None
    return current_promise()
