"""What each section of the reports page shows: its columns, its chart and its CSV file.

A section's table, chart and CSV are made from the same rows, so the download holds exactly
the numbers on the page: the CSV keeps them as plain numbers (durations in hours), the page
formats them for the reader's locale with the portal's Babel formatters.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from babel import UnknownLocaleError, units
from flask_babel import lazy_gettext as _l, ngettext

from portal.i18n import current_language, format_items, format_number, format_percent, language_name, locale_code
from portal.dates import format_month
from portal.money import format_usd
from portal.leads.countries import country_name
from portal.leads.models import (AGENCY_LABELS, ISSUE_CATEGORY_LABELS, SOURCE_LABELS, Agency, IssueCategory,
                                 LeadSource)
from portal.leads.reports import queries as reports
from portal.leads.reports.charts import BarChart, Series, bar_chart
from portal.spreadsheets import csv_bytes

# --- formatting --------------------------------------------------------------------------


def format_duration(seconds: float | None) -> str:
    """In the unit a person reads best: minutes under an hour, hours under two days, else days."""
    if seconds is None:
        return ""
    hours = seconds / 3600
    if hours < 1:
        return units.format_unit(round(seconds / 60), "duration-minute", length="short", locale=locale_code())
    if hours < 48:
        return units.format_unit(hours, "duration-hour", length="short", format="#,##0.#", locale=locale_code())
    return units.format_unit(hours / 24, "duration-day", length="short", format="#,##0.#", locale=locale_code())


def shown(kind: str, value) -> str:
    """A value as the page shows it; a dash where there is no figure (a rate of nothing decided)."""
    if value is None:
        return "–"
    return {
        "month": format_month,
        "count": lambda number: format_number(number, 0),
        "usd": format_usd,
        "percent": format_percent,
        "duration": format_duration,
        "days": lambda days: units.format_unit(days, "duration-day", length="short", format="#,##0.#",
                                               locale=locale_code()),
    }.get(kind, str)(value)


def in_csv(kind: str, value):
    """A value as the CSV holds it: numbers stay numbers, durations become hours."""
    if value is None:
        return ""
    if kind == "month":
        return value.strftime("%Y-%m")
    if kind == "percent":
        return round(value, 1)
    if kind == "duration":
        return round(value / 3600, 2)
    if kind in ("label", "text"):
        return str(value)
    return value


# --- sections ----------------------------------------------------------------------------

#: The report's filters, by what a section may honour; their names as the "not filtered by" note says them.
FILTER_NAMES = {
    "period": _l("the period"),
    "sector": _l("the sector"),
    "country": _l("the country or territory"),
    "source": _l("the source"),
    "owner": _l("the owner"),
}
EVERY_FILTER = frozenset(FILTER_NAMES)


def chosen_filters(filters: reports.ReportFilters) -> list[str]:
    """The filters in use, in ``FILTER_NAMES`` order."""
    used = {"period": filters.received_from or filters.received_to, "sector": filters.sector,
            "country": filters.country, "source": filters.source, "owner": filters.owner}
    return [name for name in FILTER_NAMES if used[name]]


@dataclass(frozen=True)
class Column:
    label: Any
    #: How its values are shown: "label" or "month" (the first column, naming the row), "text",
    #: "count", "usd", "percent" (0–100) or "duration" (seconds).
    kind: str
    value: Callable[[Any], Any]
    #: The CSV header when it must name a unit the page shows otherwise.
    csv_label: Any = None

    @property
    def csv_header(self) -> str:
        """Percentages are plain numbers in the CSV: their header says "(%)"."""
        if self.csv_label:
            return str(self.csv_label)
        return f"{self.label} (%)" if self.kind == "percent" else str(self.label)


@dataclass(frozen=True)
class Section:
    #: In the page's anchors and the CSV's address: ``/staff/reports/<key>.csv``.
    key: str
    title: Any
    note: Any
    columns: tuple[Column, ...]
    #: The section's rows from the page's ``Report`` (which computes each figure once).
    load: Callable[[reports.Report], list]
    #: The columns drawn as bars.
    bars: tuple[int, ...] = (1,)
    #: What an empty section says, when it is not about leads.
    empty: Any = None
    #: The filters its figures honour; the page names the others in use (``not_filtered``).
    filters: frozenset = EVERY_FILTER

    def not_filtered(self, filters: reports.ReportFilters) -> str:
        """"Not filtered by the source, which does not apply here.", or "" when every filter in use applies."""
        ignored = [FILTER_NAMES[name] for name in chosen_filters(filters) if name not in self.filters]
        if not ignored:
            return ""
        return ngettext("Not filtered by %(names)s, which does not apply here.",
                        "Not filtered by %(names)s, which do not apply here.", len(ignored),
                        names=format_items(ignored))


@dataclass
class SectionTable:
    section: Section
    rows: list[list]

    @property
    def header(self) -> list[Column]:
        return list(self.section.columns)

    def chart(self) -> BarChart:
        columns = self.section.columns
        labels = [shown(columns[0].kind, row[0]) for row in self.rows]
        series = [Series(str(columns[index].label), [row[index] for row in self.rows],
                         [shown(columns[index].kind, row[index]) for row in self.rows])
                  for index in self.section.bars]
        return bar_chart(labels, series)

    def csv(self) -> bytes:
        columns = self.section.columns
        return csv_bytes([[column.csv_header for column in columns]]
                         + [[in_csv(column.kind, value) for column, value in zip(columns, row)] for row in self.rows])


def build(section: Section, report: reports.Report) -> SectionTable:
    return SectionTable(section, [[column.value(item) for column in section.columns]
                                  for item in section.load(report)])


# --- what each row is about, in the reader's language ------------------------------------


def _source(code: str) -> str:
    try:
        return str(SOURCE_LABELS[LeadSource(code)])
    except ValueError:
        return code


def _language(code: str | None) -> str:
    try:
        return language_name(code)
    except (TypeError, ValueError, UnknownLocaleError):
        return code or str(_l("Not given"))


def _named(thing, none_label) -> str:
    return thing.name if thing is not None else str(none_label)


def _named_in_language(thing, none_label) -> str:
    return thing.name(current_language()) if thing is not None else str(none_label)


# --- the sections of the page ------------------------------------------------------------


def _tally_columns(label, kind: str, name: Callable[[Any], Any]) -> tuple[Column, ...]:
    return (
        Column(label, kind, lambda tally: name(tally.key)),
        Column(_l("Leads"), "count", lambda tally: tally.leads),
        Column(_l("Registered"), "count", lambda tally: tally.registered),
        Column(_l("Registered capital"), "usd", lambda tally: tally.registered_capital_usd,
               _l("Registered capital (USD)")),
        Column(_l("Win rate"), "percent", lambda tally: tally.win_rate),
    )


def _breakdown(key: str, title, label, kind: str, name: Callable[[Any], Any], note=None) -> Section:
    return Section(key, title, note or _l("Win rate: of the leads decided (registered or lost), the share that "
                                          "registered."),
                   _tally_columns(label, kind, name), lambda report: report.breakdown(key), bars=(1, 2))


def _response_columns(label, kind: str, name: Callable[[Any], Any]) -> tuple[Column, ...]:
    return (
        Column(label, kind, lambda times: name(times.key)),
        Column(_l("Answered"), "count", lambda times: times.answered),
        Column(_l("Median time to the first answer"), "duration", lambda times: times.median_seconds,
               _l("Median time to the first answer (hours)")),
        Column(_l("90th percentile"), "duration", lambda times: times.p90_seconds, _l("90th percentile (hours)")),
        Column(_l("Answered within the deadline"), "percent", lambda times: times.share_in_time),
        Column(_l("Not yet answered"), "count", lambda times: times.not_answered),
    )


RESPONSE_NOTE = _l("Time from receiving a lead to the first call, e-mail, meeting or visit logged on it. Half of "
                   "the answered leads had their answer within the median, nine in ten within the 90th percentile. "
                   "The deadline is one working day; leads not yet answered are counted apart.")

SECTIONS: tuple[Section, ...] = (
    Section(
        "funnel", _l("How far leads get"),
        _l("A lead counts at every stage up to the furthest it reached; a lost lead counts up to the last open "
           "stage it was in. Conversion: the share of the leads at a stage that reached the next one."),
        (Column(_l("Stage"), "label", lambda step: step.stage.name(current_language())),
         Column(_l("Leads that reached it"), "count", lambda step: step.reached),
         Column(_l("Went on to the next stage"), "percent", lambda step: step.conversion)),
        lambda report: report.funnel(),
    ),
    _breakdown("sources", _l("Leads by source"), _l("Source"), "label", _source),
    _breakdown("referrers", _l("Leads by referrer"), _l("Referrer"), "label",
               lambda referrer: _named(referrer, _l("No referrer"))),
    _breakdown("events", _l("Leads by event"), _l("Event"), "label", lambda event: _named(event, _l("No event"))),
    _breakdown("countries", _l("Leads by country or territory"), _l("Country or territory"), "label",
               lambda code: country_name(code, current_language()) if code else str(_l("Not given"))),
    _breakdown("sectors", _l("Leads by sector of interest"), _l("Sector"), "label",
               lambda sector: _named_in_language(sector, _l("No sector given")),
               note=_l("A lead interested in several sectors counts in each. Win rate: of the leads decided "
                       "(registered or lost), the share that registered.")),
    _breakdown("languages", _l("Leads by preferred language"), _l("Preferred language"), "label", _language),
    _breakdown("months", _l("Leads by month received"), _l("Month"), "month", lambda month: month),
    Section("response-officers", _l("First answer by officer"), RESPONSE_NOTE,
            _response_columns(_l("Owner"), "label", lambda user: _named(user, _l("Nobody yet"))),
            lambda report: report.response_by_officer(), bars=(2, 3)),
    Section("response-months", _l("First answer by month received"), RESPONSE_NOTE,
            _response_columns(_l("Month"), "month", lambda month: month),
            lambda report: report.response_by_month(), bars=(2, 3)),
    Section(
        "stage-time", _l("Time spent in each stage"),
        _l("Median time from entering a stage to the next move. A lead still in a stage counts up to now; a lead "
           "that came back to a stage counts once for each stay."),
        (Column(_l("Stage"), "label", lambda spent: spent.stage.name(current_language())),
         Column(_l("Stays measured"), "count", lambda spent: spent.stays),
         Column(_l("Median time in the stage"), "duration", lambda spent: spent.median_seconds,
                _l("Median time in the stage (hours)"))),
        lambda report: report.time_in_stages(), bars=(2,),
    ),
    Section(
        "leaderboard", _l("Referral leaderboard"),
        _l("The referrers who brought the most leads, then the most registrations."),
        (Column(_l("Referrer"), "label", lambda rank: rank.referrer.name),
         Column(_l("Organisation"), "text", lambda rank: rank.referrer.organisation),
         Column(_l("Leads brought"), "count", lambda rank: rank.leads),
         Column(_l("Registered"), "count", lambda rank: rank.registered),
         Column(_l("Registered capital"), "usd", lambda rank: rank.registered_capital_usd,
                _l("Registered capital (USD)"))),
        lambda report: report.referral_leaderboard(), bars=(2, 3),
    ),
    Section(
        "lost-reasons", _l("Why leads were lost"), _l("The reasons recorded when leads were lost, the most frequent "
                                                      "first."),
        (Column(_l("Reason"), "label", lambda count: _named_in_language(count.reason, _l("No reason given"))),
         Column(_l("Leads"), "count", lambda count: count.leads),
         Column(_l("Share of the lost leads"), "percent", lambda count: count.share)),
        lambda report: report.lost_reasons(),
    ),
)

def _issue_columns(label, name: Callable[[str], Any]) -> tuple[Column, ...]:
    return (
        Column(label, "label", lambda tally: name(tally.key)),
        Column(_l("Raised"), "count", lambda tally: tally.raised),
        Column(_l("Resolved"), "count", lambda tally: tally.resolved),
        Column(_l("Resolved on time"), "percent", lambda tally: tally.share_on_time),
        Column(_l("Median days to resolve"), "days", lambda tally: tally.median_days),
        Column(_l("Open and overdue"), "count", lambda tally: tally.open_overdue),
    )


NO_ISSUE = _l("No issue raised in this period.")
ISSUES_NOTE = _l("Issues raised by investors in the period (by the day they were raised). On time: resolved by "
                 "their due day; days to resolve are calendar days from raising to resolving. The sector and the "
                 "country are the company's; the owner is the issue's.")
#: Companies are counted today, by their account officer, sector and country: no period, no lead source.
RHYTHM_FILTERS = frozenset({"sector", "country", "owner"})
#: Issues by the day they were raised, their owner and their company's sector and country; no lead source.
ISSUE_FILTERS = frozenset({"period", "sector", "country", "owner"})


def _split_columns() -> tuple[Column, ...]:
    return (
        Column(_l("Source"), "label", lambda split: _source(split.source)),
        Column(_l("New investors registered"), "count", lambda split: split.new_registered),
        Column(_l("New investors' capital"), "usd", lambda split: split.new_capital_usd,
               _l("New investors' capital (USD)")),
        Column(_l("New investors' jobs"), "count", lambda split: split.new_jobs),
        Column(_l("Reinvestments registered"), "count", lambda split: split.reinvest_registered),
        Column(_l("Reinvestment capital"), "usd", lambda split: split.reinvest_capital_usd,
               _l("Reinvestment capital (USD)")),
        Column(_l("Reinvestment jobs"), "count", lambda split: split.reinvest_jobs),
    )


SECTIONS += (
    Section("reinvestment", _l("Registered capital and jobs: new investors and reinvestment"),
            _l("Registered leads by source. Reinvestment: a lead started from a company already here (an "
               "expansion); every other registered lead is a new investor. Jobs as stated on the lead."),
            _split_columns(), lambda report: report.reinvestment(), bars=(2, 5)),
    Section("visit-rhythm", _l("Companies seen on their contact rhythm"),
            _l("Today: each account officer's companies (of the sector and country chosen), and those whose next "
               "contact is not yet overdue."),
            (Column(_l("Account officer"), "label", lambda row: _named(row.owner, _l("Nobody"))),
             Column(_l("Companies"), "count", lambda row: row.companies),
             Column(_l("On rhythm"), "count", lambda row: row.on_rhythm),
             Column(_l("Overdue for a contact"), "count", lambda row: row.overdue),
             Column(_l("Share on rhythm"), "percent", lambda row: row.share)),
            lambda report: report.visited_on_rhythm(), bars=(2, 3), empty=_l("No company matches."),
            filters=RHYTHM_FILTERS),
    Section("issues-categories", _l("Investors' issues by category"), ISSUES_NOTE,
            _issue_columns(_l("Category"), lambda key: str(ISSUE_CATEGORY_LABELS[IssueCategory(key)])),
            lambda report: report.issues["category"], bars=(1, 2), empty=NO_ISSUE, filters=ISSUE_FILTERS),
    Section("issues-agencies", _l("Investors' issues by agency"), ISSUES_NOTE,
            _issue_columns(_l("Agency"), lambda key: str(AGENCY_LABELS[Agency(key)])),
            lambda report: report.issues["agency"], bars=(1, 2), empty=NO_ISSUE, filters=ISSUE_FILTERS),
    Section("investor-referrals", _l("Referrals brought by existing investors"),
            _l("Leads received in the period that companies already here introduced (referrers of the kind "
               "\"existing investor\")."),
            (Column(_l("Referrer"), "label", lambda rank: rank.referrer.name),
             Column(_l("Leads brought"), "count", lambda rank: rank.leads),
             Column(_l("Registered"), "count", lambda rank: rank.registered),
             Column(_l("Registered capital"), "usd", lambda rank: rank.registered_capital_usd,
                    _l("Registered capital (USD)"))),
            lambda report: report.referrals_by_investors(), bars=(1, 2)),
)

SECTIONS_BY_KEY = {section.key: section for section in SECTIONS}
