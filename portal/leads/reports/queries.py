"""The figures of the staff reports (``/staff/reports``): what converts, and how fast the centre answers.

Every figure is computed in the database (GROUP BY), never by loading leads, so the page runs a
fixed number of statements whatever the number of leads. Percentiles use one definition on SQLite
and PostgreSQL alike: linear interpolation between the two nearest ranks, as PostgreSQL's
``percentile_cont`` (used there) and numpy's default do; on SQLite, which has no such aggregate,
the database reads the values in one statement, Python sorts each group's and ``_percentile``
picks the two nearest. What
each lead's figures derive from its rows (month received, time to the first answer, furthest stage)
is stored on the lead (``models.report_facts``), so the passes read one index. ``Report`` keeps the
costly figures until the next change that can move one (``cache``).
"""
from __future__ import annotations

import base64
import hashlib
import math
from array import array
from bisect import bisect_left, bisect_right
from collections import defaultdict, namedtuple
from dataclasses import astuple, dataclass, replace
from datetime import date, datetime, timedelta, timezone
from functools import cached_property
from operator import itemgetter

from sqlalchemy import (Date, DateTime, Integer, String, case, func, literal, literal_column, or_, select,
                        tuple_, type_coerce, union_all)
from sqlalchemy.orm import aliased

from portal import clock
from portal.auth.models import User
from portal.clock import start_of_day
from portal.extensions import db
from portal.leads.models import (ANSWER_KINDS, Activity, ActivityKind, Event, Lead, LeadStatus, LostReason, Referrer,
                                 ReferrerKind, Stage, StageChange, lead_sectors)
from portal.leads.models.report_version import FamilyTokens, current_tokens
from portal.leads.reports import aftercare, cache as report_cache
from portal.leads.reports.sql import seconds_between, vietnam_month  # noqa: F401  (re-exported)
from portal.projects.models import Sector

#: How many referrers the leaderboard shows.
LEADERBOARD_SIZE = 25


# --- percentiles, one definition on both databases -------------------------------------


def _percentile(ordered: list[float], share: tuple[int, int]) -> float | None:
    """The ``share`` (numerator, denominator) percentile of values sorted in ascending order: the
    value at 0-based position share·(n−1), interpolated linearly between its two neighbours, as
    PostgreSQL's ``percentile_cont`` computes it. SQLite has no such aggregate: Python sorts the
    values it read (``list.sort``, faster than SQLite's ORDER BY, and a fraction of numbering every
    row with windows) and this picks them."""
    if not ordered:
        return None
    numerator, denominator = share
    below = (len(ordered) - 1) * numerator // denominator
    weight = ((len(ordered) - 1) * numerator % denominator) / denominator
    above = ordered[below + 1] * weight if below + 1 < len(ordered) else 0
    return ordered[below] * (1 - weight) + above


MEDIAN = (1, 2)
NINETIETH = (9, 10)


def _driver_rows(statement) -> list[tuple]:
    """The rows as the database driver gives them, plain tuples: for the statements that read a
    row per lead or per stay (tens of thousands), where making SQLAlchemy's row of each cost about
    three times the reading. Only for columns the driver already gives as Python needs them
    (numbers, text; a condition may come as 0 or 1)."""
    result = db.session.connection().execute(statement)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


def _seconds_or_none(value, count: int) -> float | None:
    """Seconds to the millisecond (SQLite's julianday arithmetic leaves a few microseconds of noise)."""
    return round(float(value), 3) if count and value is not None else None


# --- which leads a report covers -------------------------------------------------------------


@dataclass(frozen=True)
class ReportFilters:
    #: Leads received from this day to that one (Vietnam dates, both included); None: no limit.
    received_from: date | None = None
    received_to: date | None = None
    sector: str = ""
    country: str = ""
    source: str = ""
    #: "" for everyone's leads, "none" for leads nobody owns, else a user id.
    owner: str = ""


def default_period(today: date) -> tuple[date, date]:
    """The last twelve months: this month so far and the eleven whole months before it."""
    month = today.month - 11
    year = today.year - (1 if month < 1 else 0)
    return date(year, month + 12 if month < 1 else month, 1), today


def _conditions(filters: ReportFilters, received_at, status, country, source, owner, in_sector) -> list:
    """The filters as conditions on these columns (the lead's own, or a stage change's copies of
    them); ``in_sector(code)``: the condition that the lead is interested in that sector."""
    conditions = [status != LeadStatus.MERGED]
    if filters.received_from:
        conditions.append(received_at >= start_of_day(filters.received_from))
    if filters.received_to:
        conditions.append(received_at < start_of_day(filters.received_to + timedelta(days=1)))
    if filters.sector:
        conditions.append(in_sector(filters.sector))
    if filters.country:
        conditions.append(country == filters.country)
    if filters.source:
        conditions.append(source == filters.source)
    if filters.owner == "none":
        conditions.append(owner.is_(None))
    elif filters.owner.isdigit():
        conditions.append(owner == int(filters.owner))
    return conditions


def lead_conditions(filters: ReportFilters) -> list:
    return _conditions(filters, Lead.created_at, Lead.status, Lead.country, Lead.source, Lead.owner_id,
                       lambda code: Lead.sectors.any(Sector.code == code))


def stages() -> list[Stage]:
    return list(db.session.scalars(select(Stage).order_by(Stage.position, Stage.id)))


# --- key figures -------------------------------------------------------------------------


def _win_rate(registered: int, lost: int) -> float | None:
    return registered * 100 / (registered + lost) if registered + lost else None


@dataclass
class Tally:
    """Leads about one thing (a source, a referrer, a month ...), and how many of them registered."""

    #: What the row is about: a code, a ``Referrer``, ``Event`` or ``Sector``, a month (its first day),
    #: or None for leads without one.
    key: object
    leads: int
    registered: int
    registered_capital_usd: int
    lost: int

    @property
    def win_rate(self) -> float | None:
        """Percent of the decided leads (registered or lost) that registered."""
        return _win_rate(self.registered, self.lost)


def _tally_columns(lead_id=Lead.id, status=Lead.status, capital=Lead.registered_capital_usd) -> tuple:
    """Leads, registered, their capital and lost, of the lead's own columns or copies of them."""
    won = status == LeadStatus.WON
    return (
        func.count(lead_id).label("leads"),
        func.count(lead_id).filter(won).label("registered"),
        func.coalesce(func.sum(capital).filter(won), 0).label("capital"),
        func.count(lead_id).filter(status == LeadStatus.LOST).label("lost"),
    )


def _tally(key, leads, registered, capital, lost) -> Tally:
    return Tally(key, int(leads), int(registered), int(capital or 0), int(lost))


def totals(filters: ReportFilters) -> Tally:
    """Every lead the filters select, as one tally."""
    return Report(filters).totals()


# --- the funnel ------------------------------------------------------------------------------


@dataclass
class FunnelStep:
    stage: Stage
    #: Leads that reached this stage or a later one.
    reached: int
    #: Percent of them that reached the next stage; None for the last step.
    conversion: float | None


def funnel(filters: ReportFilters, passes: dict | None = None, every_stage: list | None = None) -> list[FunnelStep]:
    """Each open stage in order, then the won stage: how many leads reached it. A lead reached a
    stage if its history ever went there or further; a lost lead counts up to the last open stage
    it was in (``Lead.reached_position``); every lead counts at the first stage. ``passes``: the
    report's ``_lead_passes``, already read; ``every_stage``: ``stages()``, already read."""
    every_stage = stages() if every_stage is None else every_stage
    steps = [stage for stage in every_stage if not stage.is_lost]
    steps = [stage for stage in steps if stage.is_open] + [stage for stage in steps if stage.is_won]
    if not steps:
        return []
    passes = passes if passes is not None else Report(filters).passes
    return _funnel_steps(steps, [(row.reached_position, row.leads) for row in passes["reach"]])


def _funnel_steps(steps: list[Stage], rows: list[tuple]) -> list[FunnelStep]:
    """The steps from (furthest position reached, leads) rows."""
    first = steps[0].position
    reached = [sum(count for position, count in rows if (first if position is None else position) >= step.position)
               for step in steps]
    conversions = [reached[i + 1] * 100 / reached[i] if reached[i] else None for i in range(len(steps) - 1)]
    return [FunnelStep(step, count, conversion)
            for step, count, conversion in zip(steps, reached, conversions + [None])]


# --- breakdowns ------------------------------------------------------------------------------

BREAKDOWNS = ("sources", "referrers", "events", "countries", "sectors", "languages", "months")


def _counts(rows) -> tuple[int, int, int, int]:
    """(leads, registered, capital, lost) of tally rows, added up."""
    leads = registered = capital = lost = 0
    for row in rows:
        leads, registered = leads + row.leads, registered + row.registered
        capital, lost = capital + int(row.capital or 0), lost + row.lost
    return leads, registered, capital, lost


def _grouped(rows, key) -> dict:
    """The rows' counts added up per ``key(row)``."""
    groups: dict = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    return {value: _counts(members) for value, members in groups.items()}


def _most_first(groups: dict, tie=lambda key: key) -> list[tuple]:
    """(key, *counts) rows, the most leads first, then the most registrations, then by ``tie``."""
    return sorted(((key, *counts) for key, counts in groups.items()),
                  key=lambda row: (-row[1], -row[2], tie(row[0])))


_ORIGIN = ("source", "referrer_id", "event_id", "lost_reason_id")
_PLACE = ("country", "preferred_language", "received_month")
_REACH = ("reached_position", "has_sector")
#: The groupings of the leads every tally of the page is added up from: per source, referrer,
#: event and lost reason together; per country, language and month received; per furthest stage
#: and whether the lead has a sector.
_PASSES = {"origins": _ORIGIN, "places_and_months": _PLACE, "reach": _REACH}


def _lead_passes(filters: ReportFilters, by_month: bool = False) -> dict:
    """One statement over the leads for every tally (a few hundred rows per grouping, added up in
    Python by each breakdown): on PostgreSQL one scan with GROUPING SETS, on SQLite (which has none)
    a UNION ALL of the three groupings. Each row has every grouping's columns (None where not its
    own; ``month`` for ``received_month``) and the tally columns. ``by_month``: each month
    received's rows apart, by its first day's ISO text (the pieces ``Report`` keeps)."""
    every = [name for names in _PASSES.values() for name in names]
    piece = [Lead.received_month.label("piece")] if by_month else []

    def grouped(names) -> list:
        return [getattr(Lead, name) for name in names] + (
            [Lead.received_month] if by_month and "received_month" not in names else [])

    def column(name: str, grouped: bool):
        value = getattr(Lead, name) if grouped else literal(None, getattr(Lead, name).type)
        return value.label("month" if name == "received_month" else name)

    conditions = lead_conditions(filters)
    if _sorts_within_group():  # PostgreSQL
        kind = func.grouping(*(getattr(Lead, names[0]) for names in _PASSES.values())).label("kind")
        sets = func.grouping_sets(*(tuple_(*grouped(names)) for names in _PASSES.values()))
        statement = (select(kind, *(column(name, True) for name in every), *_tally_columns(), *piece)
                     .where(*conditions).group_by(sets))
        # grouping() sets a bit for each first column left out of the row's set, the first one highest
        bits = {pass_name: sum(1 << (len(_PASSES) - 1 - position) for position, other in enumerate(_PASSES)
                               if other != pass_name) for pass_name in _PASSES}
        names = {bit: pass_name for pass_name, bit in bits.items()}
    else:
        statement = union_all(*(
            select(literal(pass_name).label("kind"), *(column(name, name in own) for name in every),
                   *_tally_columns(), *piece).where(*conditions).group_by(*grouped(own))
            for pass_name, own in _PASSES.items()))
        names = {pass_name: pass_name for pass_name in _PASSES}
    if not by_month:
        found: dict[str, list] = {pass_name: [] for pass_name in _PASSES}
        for row in db.session.execute(statement):
            found[names[row.kind]].append(tuple(row))
        return found
    month_column = 1 + every.index("received_month")
    months: dict[str, dict[str, list]] = {}
    for *values, month in db.session.execute(statement):
        pass_name = names[values[0]]
        if pass_name != "places_and_months":  # grouped by month for the piece alone
            values[month_column] = None
        months.setdefault(_month_key(month), _no_passes())[pass_name].append(tuple(values))
    return months


def _only_month(filters: ReportFilters) -> str | None:
    """The month (its first day's ISO text) of a period within one month, else None."""
    first, last = filters.received_from, filters.received_to
    return first.replace(day=1).isoformat() if first and last and (first.year, first.month) == (last.year, last.month) \
        else None


def _no_passes() -> dict[str, list]:
    return {pass_name: [] for pass_name in _PASSES}


def _month_key(month) -> str:
    """A month (its first day) as the pieces are keyed by: ISO text (SQLite gives it so already)."""
    return month if isinstance(month, str) else month.isoformat()


def _added_up(pieces: list, width: int) -> list[list]:
    """Rows of several pieces, those with the same first ``width`` columns added up (the rest counts)."""
    sums: dict[tuple, list] = {}
    for rows in pieces:
        for row in rows:
            key = tuple(row[:width])
            total = sums.get(key)
            if total is None:
                sums[key] = list(row[width:])
            else:
                for position, value in enumerate(row[width:]):
                    total[position] += value
    return [[*key, *counts] for key, counts in sums.items()]


def _merged_passes(pieces: list[dict]) -> dict[str, list]:
    """``_lead_passes`` of a period from its months' (every column but the four tallies is the key)."""
    return {pass_name: _added_up([piece[pass_name] for piece in pieces], len(PassRow._fields) - 4)
            for pass_name in _PASSES}


#: A row of ``_lead_passes``.
PassRow = namedtuple("PassRow", ["kind", *(name.replace("received_month", "month") for names in _PASSES.values()
                                           for name in names), "leads", "registered", "capital", "lost"])


def _pass_rows(found: dict[str, list]) -> dict[str, list[PassRow]]:
    """``_lead_passes`` as the reports' cache gives it back (rows as lists, months as ISO text)."""
    rows = {}
    for pass_name, members in found.items():
        rows[pass_name] = [row._replace(month=_month(row.month)) for row in (PassRow(*values) for values in members)]
    return rows


def _month(value) -> date | None:
    """A month as a date, from the cache's ISO text too."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def _loaded(model, ids, known: dict | None = None) -> dict:
    """The rows of ``model`` with these ids (None left out), by id, in one statement; those in
    ``known`` (by id, already read) not read again."""
    known = known or {}
    found = {key: known[key] for key in ids if key in known}
    missing = [key for key in ids if key is not None and key not in found]
    if missing:
        found.update((thing.id, thing) for thing in db.session.scalars(select(model).where(model.id.in_(missing))))
    return found


def _by_model(model, groups: dict) -> list:
    """Rows per referrer or event, those without one last."""
    things = _loaded(model, groups)
    named = {things.get(key): counts for key, counts in groups.items()}
    return _most_first(named, lambda thing: (thing is None, thing.name if thing else "", thing.id if thing else 0))


def _interested_in(lead_id):
    """The condition, on a column holding the lead's id, that the lead is interested in a sector (by code)."""
    def in_sector(code: str):
        interested = select(lead_sectors.c.lead_id).join(Sector, Sector.id == lead_sectors.c.sector_id)
        return lead_id.in_(interested.where(Sector.code == code))

    return in_sector


def sector_conditions(filters: ReportFilters) -> list:
    """``lead_conditions`` on the copies of the lead's columns each of its sectors keeps."""
    copies = lead_sectors.c
    return _conditions(filters, copies.lead_received_at, copies.lead_status, copies.lead_country,
                       copies.lead_source, copies.lead_owner_id, _interested_in(copies.lead_id))


def sector_counts(filters: ReportFilters) -> list[tuple]:
    """(sector id, leads, registered, capital, lost) per sector, from ``lead_sectors`` alone (its
    copies of the lead's columns, one index)."""
    copies = lead_sectors.c
    return [tuple(row) for row in db.session.execute(
        select(copies.sector_id, *_tally_columns(copies.lead_id, copies.lead_status,
                                                 copies.lead_registered_capital_usd))
        .where(*sector_conditions(filters)).group_by(copies.sector_id))]


def sector_counts_by_month(filters: ReportFilters) -> dict[str, list]:
    """``sector_counts`` of each month received (its first day's ISO text)."""
    only = _only_month(filters)
    if only is not None:
        return {only: sector_counts(filters)}
    copies = lead_sectors.c
    month = vietnam_month(copies.lead_received_at)
    found: dict[str, list] = {}
    for sector_id, piece, *figures in db.session.execute(
            select(copies.sector_id, month, *_tally_columns(copies.lead_id, copies.lead_status,
                                                            copies.lead_registered_capital_usd))
            .where(*sector_conditions(filters)).group_by(copies.sector_id, month)):
        found.setdefault(_month_key(piece), []).append((sector_id, *figures))
    return found


def _by_sector(filters: ReportFilters, reach: list, counts: list | None = None, known: dict | None = None) -> list:
    """Per sector (``sector_counts``, unless given; the ``Sector`` rows in ``known`` not read
    again); the leads without a sector from the pass over the leads (``reach``), last among equals."""
    counts = sector_counts(filters) if counts is None else counts
    sectors = _loaded(Sector, [sector_id for sector_id, *_ in counts], known)
    rows = [(sectors[sector_id], *figures) for sector_id, *figures in counts if sector_id in sectors]
    without = [row for row in reach if not row.has_sector]
    if without:
        rows.append((None, *_counts(without)))
    return sorted(rows, key=lambda row: (-row[1], -row[2], row[0] is None, row[0].position if row[0] else 0,
                                         row[0].id if row[0] else 0))


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _every_month(groups: dict) -> list:
    """Every month from the first lead's to the last one's, those without a lead too."""
    rows, first_day = [], min(groups, default=None)
    while groups and first_day <= max(groups):
        rows.append((first_day, *groups.get(first_day, (0, 0, 0, 0))))
        first_day = _next_month(first_day)
    return rows


def breakdown(filters: ReportFilters, by: str) -> list[Tally]:
    """Leads, registrations, registered capital and win rate per ``by`` (one of ``BREAKDOWNS``),
    the most leads first (months in order). A lead interested in several sectors counts in each."""
    return Report(filters).breakdown(by)


#: The family (``report_version.FAMILIES``) of each kept figure: whose token it is kept under.
KEPT_FAMILIES = {"passes": "leads", "sectors": "leads", "response_times": "leads", "follow_ups": "leads",
                 "reinvestment": "leads", "stays": "stays", "reply_answers": "replies"}


class Report:
    """The figures of the reports for one set of filters. The breakdowns by source, referrer, event
    and lost reason share one pass over the leads, those by country, language and month another;
    each pass runs once, however many sections read it. The costly figures of a period with both
    ends are kept in month pieces (``months``, ``_from_pieces``): after a change to one month's
    leads, that month alone is read again."""

    def __init__(self, filters: ReportFilters, now: datetime | None = None, sectors: list[Sector] = ()):
        """``sectors``: those the caller has read already (the filter form's), not read again."""
        self.filters, self.now = filters, now or clock.now()
        self.sectors = {sector.id: sector for sector in sectors}

    @cached_property
    def tokens(self) -> dict[str, FamilyTokens]:
        """What each family of figures committed so far is kept under (``report_cache``)."""
        return current_tokens()

    @cached_property
    def months(self) -> list[tuple[date, ReportFilters]] | None:
        """Each month of the period with its piece's filters (the first and the last month may be
        partial: a piece is kept for its exact days); None for a period open at one end."""
        filters = self.filters
        first, last = filters.received_from, filters.received_to
        if first is None or last is None or last < first:
            return None
        months, month = [], first.replace(day=1)
        while month <= last:
            following = _next_month(month)
            months.append((month, replace(filters, received_from=max(first, month),
                                          received_to=min(last, following - timedelta(days=1)))))
            month = following
        return months

    def _token(self, family: str) -> str | None:
        """The family's figures of the whole period are kept under its own token and those of the
        period's months (of every month for a period open at one end)."""
        tokens = self.tokens[family]
        if tokens.whole is None:
            return None
        months = sorted(tokens.months.items()) if self.months is None else \
            [(month, tokens.months.get(month, "")) for month, _ in self.months]
        digest = hashlib.sha1("".join(f"{month}{token}" for month, token in months).encode()).hexdigest()
        return f"{tokens.whole}:{digest}"

    def _kept(self, name: str, compute, pieces=None, keep_whole: bool = True):
        """``compute()``, kept for the period; ``pieces``: (``compute_pieces(filters)`` giving a
        dictionary of the filters' months' pieces by their first day's ISO text, ``merge(months,
        pieces)`` giving the period's figures from every month's, the piece of a month without a
        lead), so that what is missing is computed from the months not kept alone, in one statement;
        without ``keep_whole``, what ``merge`` gives is not kept (it costs less than reading it)."""
        token = self._token(KEPT_FAMILIES[name])
        if pieces is not None and self.months is not None and token is not None:
            if not keep_whole:
                return self._from_pieces(name, *pieces)
            return report_cache.remembered(token, name, self.filters, lambda: self._from_pieces(name, *pieces))
        return report_cache.remembered(token, name, self.filters, compute)

    def _from_pieces(self, name: str, compute_pieces, merge, empty):
        tokens, found, missing = self.tokens[KEPT_FAMILIES[name]], {}, []
        for month, filters in self.months:
            token = f"{tokens.whole}:{tokens.months.get(month, '')}"
            piece = report_cache.kept(token, f"{name}@month", filters)
            if piece is None:
                missing.append((month, filters, token))
            else:
                found[month] = piece
        if missing:  # the days from the first month missing to the last, the others' rows left out
            computed = compute_pieces(replace(self.filters, received_from=missing[0][1].received_from,
                                              received_to=missing[-1][1].received_to))
            for month, filters, token in missing:
                found[month] = report_cache.keep(token, f"{name}@month", filters,
                                                 computed.get(month.isoformat(), empty))
        return merge([month.isoformat() for month, _ in self.months], [found[month] for month, _ in self.months])

    @cached_property
    def passes(self) -> dict[str, list]:
        return _pass_rows(self._kept("passes", lambda: _lead_passes(self.filters), (
            lambda filters: _lead_passes(filters, by_month=True), lambda _, pieces: _merged_passes(pieces),
            _no_passes())))

    @property
    def origins(self) -> list:
        return self.passes["origins"]

    @property
    def places_and_months(self) -> list:
        return self.passes["places_and_months"]

    def totals(self) -> Tally:
        return _tally(None, *_counts(self.origins))

    def breakdown(self, by: str) -> list[Tally]:
        rows = {
            "sources": lambda: _most_first(_grouped(self.origins, lambda row: row.source)),
            "referrers": lambda: _by_model(Referrer, _grouped(self.origins, lambda row: row.referrer_id)),
            "events": lambda: _by_model(Event, _grouped(self.origins, lambda row: row.event_id)),
            "countries": lambda: _most_first(_grouped(self.places_and_months, lambda row: row.country)),
            "sectors": lambda: _by_sector(self.filters, self.passes["reach"], self._kept(
                "sectors", lambda: sector_counts(self.filters),
                (sector_counts_by_month, lambda _, pieces: _added_up(pieces, 1), [])), self.sectors),
            "languages": lambda: _most_first(_grouped(self.places_and_months, lambda row: row.preferred_language)),
            "months": lambda: _every_month(_grouped(self.places_and_months, lambda row: row.month)),
        }[by]()
        return [_tally(key or None, *counts) for key, *counts in rows]

    def referral_leaderboard(self, size: int = LEADERBOARD_SIZE) -> list[ReferrerRank]:
        """The referrers who brought the most leads, then the most registrations."""
        return [ReferrerRank(tally.key, tally.leads, tally.registered, tally.registered_capital_usd)
                for tally in self.breakdown("referrers") if tally.key is not None][:size]

    def lost_reasons(self) -> list[LostReasonCount]:
        """Why leads were lost, the most frequent reason first."""
        lost = {key: counts[3] for key, counts in _grouped(self.origins, lambda row: row.lost_reason_id).items()
                if counts[3]}
        reasons = _loaded(LostReason, lost)
        rows = sorted(((reasons.get(key), count) for key, count in lost.items()),
                      key=lambda row: (-row[1], row[0] is None, row[0].position if row[0] else 0,
                                       row[0].id if row[0] else 0))
        total = sum(count for _, count in rows)
        return [LostReasonCount(reason, count, count * 100 / total) for reason, count in rows]

    @cached_property
    def stages(self) -> list[Stage]:
        return stages()

    def funnel(self) -> list[FunnelStep]:
        return funnel(self.filters, self.passes, self.stages)

    @cached_property
    def response_times(self) -> dict[str, list[ResponseTimes]]:
        return response_times(self.filters, self._kept("response_times", lambda: response_rows(self.filters),
                                                       (response_pieces, merged_response_rows, {})))

    def response_overall(self) -> ResponseTimes:
        return next(iter(self.response_times["_all"]), ResponseTimes(None, 0, 0, 0, None, None))

    def response_by_officer(self) -> list[ResponseTimes]:
        return self.response_times["_owner"]

    def response_by_month(self) -> list[ResponseTimes]:
        return self.response_times["_month"]

    def time_in_stages(self) -> list[StageTime]:
        """From the stays kept (``kept_time_in_stages``), read again after a change."""
        open_stages = [stage for stage in self.stages if stage.is_open]
        ids = [stage.id for stage in open_stages]
        kept = self._kept("stays", lambda: stays_read(self.filters, self.now, ids), (
            lambda filters: stays_read_by_month(filters, self.now, ids), lambda _, pieces: pieces,
            _stays_kept([], self.now)), keep_whole=False)
        return kept_time_in_stages(kept, self.now, open_stages)

    def follow_ups(self) -> FollowUps:
        return follow_ups(self.filters, self._kept(
            "follow_ups", lambda: follow_up_counts(self.filters),
            (follow_up_counts_by_month, lambda _, pieces: [sum(column) for column in zip((0, 0), *(
                row for piece in pieces for row in piece))], [])))

    def reply_answers(self) -> ReplyAnswers:
        return reply_answers(self.filters, self._kept("reply_answers", lambda: reply_answer_figures(self.filters)))

    # --- aftercare ---

    def reinvestment(self) -> list:
        kept = self._kept("reinvestment", lambda: [astuple(split) for split in
                                                   aftercare.reinvestment_split(lead_conditions(self.filters))], (
            self._reinvestment_pieces, lambda _, pieces: [astuple(split) for split in aftercare.source_splits(
                _added_up(pieces, 2))], []))
        return [aftercare.SourceSplit(*row) for row in kept]

    @staticmethod
    def _reinvestment_pieces(filters: ReportFilters) -> dict[str, list]:
        found: dict[str, list] = {}
        for *row, month in aftercare.reinvestment_rows(lead_conditions(filters), by_month=True):
            found.setdefault(_month_key(month), []).append(row)
        return found

    def visited_on_rhythm(self) -> list:
        """Today's figures: the period and the lead's source do not apply to companies."""
        return aftercare.visited_on_rhythm(clock.as_utc(self.now).astimezone(clock.VIETNAM).date(),
                                           self.filters.owner, self.filters.sector, self.filters.country)

    @cached_property
    def issues(self) -> dict[str, list]:
        """Issues raised in the period; a lead's source does not apply to them."""
        filters = self.filters
        return aftercare.issue_tallies(filters.received_from, filters.received_to, filters.owner,
                                       clock.as_utc(self.now).astimezone(clock.VIETNAM).date(), filters.sector,
                                       filters.country)

    def referrals_by_investors(self) -> list[ReferrerRank]:
        """The leads companies already here brought (referrers of the kind "existing investor")."""
        return [ReferrerRank(tally.key, tally.leads, tally.registered, tally.registered_capital_usd)
                for tally in self.breakdown("referrers")
                if tally.key is not None and tally.key.kind == ReferrerKind.EXISTING_INVESTOR]


# --- response time ---------------------------------------------------------------------------


@dataclass
class ResponseTimes:
    """Time from receiving a lead to its first answer (a call, e-mail, meeting or visit logged)."""

    #: None for all leads; per officer a ``User`` (None: nobody owns them); per month its first day.
    key: object
    answered: int
    not_answered: int
    answered_in_time: int
    median_seconds: float | None
    p90_seconds: float | None

    @property
    def share_in_time(self) -> float | None:
        """Percent of the answered leads answered by their first-response deadline."""
        return self.answered_in_time * 100 / self.answered if self.answered else None


def _sorts_within_group() -> bool:
    """PostgreSQL computes a percentile with one sort per group (``percentile_cont``); SQLite
    has no such aggregate (``_percentile``)."""
    return db.session.get_bind().dialect.name == "postgresql"


def _percentile_of(rows, name: str, share: tuple[int, int]):
    """PostgreSQL's ``share`` percentile of the column ``name`` of ``rows`` (a subquery)."""
    return func.percentile_cont(share[0] / share[1]).within_group(rows.c[name])


#: The groups the response times are given for (the ``kind`` of their rows).
RESPONSE_GROUPS = ("_all", "_owner", "_month")


def _answers(filters: ReportFilters):
    """Each lead's owner, month received, waiting time (None: unanswered) and whether it was
    answered by its deadline (1 or 0)."""
    return select(
        Lead.owner_id.label("owner"), Lead.received_month.label("month"), Lead.response_seconds.label("waited"),
        case((Lead.first_responded_at <= Lead.first_response_due, 1), else_=0).label("in_time"),
    ).where(*lead_conditions(filters))


def _response_rows_sorted(filters: ReportFilters) -> list[tuple]:
    """SQLite: the rows of ``_response_statement`` from the leads' waiting times, read unsorted and
    added up here: per (owner, month) first, one dictionary step per lead, then those piles into
    the groups, each sorted by Python's ``list.sort`` for ``_percentile`` (a few milliseconds for
    50,000 values, where SQLite's sorter took several times as long)."""
    piles = _response_piles(filters)
    # Per group: the answered leads' waiting times, the unanswered ones, those in time
    groups: dict[tuple, list] = {("_all", 0, None): [[], 0, 0]}
    for (owner, month), (waited, not_answered, in_time) in piles.items():
        month = date.fromisoformat(month) if month else None
        for key in (("_all", 0, None), ("_owner", owner, None), ("_month", None, month)):
            group = groups.get(key) or groups.setdefault(key, [[], 0, 0])
            group[0] += waited
            group[1] += not_answered
            group[2] += in_time
    rows = []
    for (kind, owner, month), (waited, not_answered, in_time) in groups.items():
        waited.sort()
        rows.append((kind, owner, month, len(waited), not_answered, in_time, _percentile(waited, MEDIAN),
                     _percentile(waited, NINETIETH)))
    return rows


def _response_piles(filters: ReportFilters) -> dict[tuple, list]:
    """Per (owner, month received as SQLite stores it, '2026-05-01'): the answered leads' waiting
    times unsorted, how many were not answered, how many in time; one dictionary step per lead (the
    month made a date once per pile by the caller, not once per lead)."""
    statement = _answers(filters).with_only_columns(
        Lead.owner_id, type_coerce(Lead.received_month, String), Lead.response_seconds,
        case((Lead.first_responded_at <= Lead.first_response_due, 1), else_=0))
    piles: dict[tuple, list] = {}
    for owner, month, waited, in_time in _driver_rows(statement):
        pile = piles.get((owner, month))
        if pile is None:
            pile = piles[owner, month] = [[], 0, 0]
        if waited is None:
            pile[1] += 1
        else:
            pile[0].append(waited)
        pile[2] += in_time
    return piles


def _response_statement(filters: ReportFilters):
    """PostgreSQL: one pass over the leads for every response figure: each lead's waiting time,
    then the figures of all the leads, per owner and per month, as the rows of one UNION ALL told
    apart by which key is set. Unanswered leads are only counted."""
    rows = _answers(filters).cte("answers")
    answered = func.count(rows.c.waited)
    figures = (answered, func.count() - answered, func.coalesce(func.sum(rows.c.in_time), 0))
    no_owner, no_month = literal(None, Integer()).label("owner"), literal(None, Date()).label("month")
    parts = []
    for suffix, owner, month_key in (("_all", literal(0, Integer()).label("owner"), no_month),
                                     ("_owner", rows.c.owner, no_month), ("_month", no_owner, rows.c.month)):
        part = select(literal(suffix).label("kind"), owner, month_key, *figures,
                      _percentile_of(rows, "waited", MEDIAN), _percentile_of(rows, "waited", NINETIETH))
        parts.append(part.group_by(owner) if suffix == "_owner" else part.group_by(month_key) if suffix == "_month"
                     else part)
    return union_all(*parts)


def _response(key, answered, not_answered, in_time, median, p90) -> ResponseTimes:
    return ResponseTimes(key, int(answered), int(not_answered), int(in_time), _seconds_or_none(median, answered),
                         _seconds_or_none(p90, answered))


def response_rows(filters: ReportFilters) -> list[tuple]:
    """(kind, owner, month, answered, not answered, answered in time, median, 90th percentile) rows,
    ``kind`` one of ``RESPONSE_GROUPS``."""
    if _sorts_within_group():
        return [tuple(row) for row in db.session.execute(_response_statement(filters))]
    return _response_rows_sorted(filters)


def response_pieces(filters: ReportFilters) -> dict[str, dict]:
    """Per month received (its first day's ISO text), per owner (their id as text, "" for nobody):
    the answered leads' waiting times sorted and packed, how many were not answered, how many in
    time; ``merged_response_rows`` gives ``response_rows`` of several months from them."""
    found: dict[str, dict] = {}
    for (owner, month), (waited, not_answered, in_time) in _response_piles(filters).items():
        waited.sort()
        found.setdefault(_month_key(month), {})["" if owner is None else str(owner)] = [
            _packed(waited, "d"), not_answered, int(in_time)]
    return found


def _percentile_cont(ordered, share: tuple[int, int]) -> float | None:
    """PostgreSQL's ``percentile_cont`` of values sorted in ascending order, with its arithmetic
    (a fraction of the position in double precision, then ``low + (high - low) * fraction``)."""
    if not ordered:
        return None
    position = share[0] / share[1] * (len(ordered) - 1)
    below, above = math.floor(position), math.ceil(position)
    low = ordered[below]
    return low if below == above else low + (ordered[above] - low) * (position - below)


def merged_response_rows(months: list[str], pieces: list[dict]) -> list[tuple]:
    """``response_rows`` of a period from its months' ``response_pieces``, the percentiles as the
    database computes them."""
    percentile = _percentile_cont if _sorts_within_group() else _percentile
    groups: dict[tuple, list] = {("_all", 0, None): [array("d"), 0, 0]}
    for month, piece in zip(months, pieces):
        for owner, (packed, not_answered, in_time) in piece.items():
            waited = _unpacked(packed, "d")
            for key in (("_all", 0, None), ("_owner", int(owner) if owner else None, None), ("_month", None, month)):
                group = groups.get(key) or groups.setdefault(key, [array("d"), 0, 0])
                group[0] += waited
                group[1] += not_answered
                group[2] += in_time
    rows = []
    for (kind, owner, month), (waited, not_answered, in_time) in groups.items():
        ordered = sorted(waited)
        rows.append((kind, owner, month, len(ordered), not_answered, in_time, percentile(ordered, MEDIAN),
                     percentile(ordered, NINETIETH)))
    return rows


def response_times(filters: ReportFilters, rows: list | None = None) -> dict[str, list[ResponseTimes]]:
    """The response times of all the leads, per officer (by name, leads nobody owns last) and per
    month received, by ``RESPONSE_GROUPS``; from ``response_rows`` (computed unless given)."""
    found: dict[str, list] = {kind: [] for kind in RESPONSE_GROUPS}
    for kind, owner, month, *figures in (response_rows(filters) if rows is None else rows):
        found[kind].append((owner, _month(month), figures))
    users = _loaded(User, [owner for owner, _, _ in found["_owner"]])
    officers = sorted(((users.get(owner), figures) for owner, _, figures in found["_owner"]),
                      key=lambda row: (row[0] is None, row[0].name if row[0] else "", row[0].id if row[0] else 0))
    return {
        # Without leads, the pass over all of them still gives its row of zeros
        "_all": [_response(None, *figures) for _, _, figures in found["_all"] if figures[0] or figures[1]],
        "_owner": [_response(user, *figures) for user, figures in officers],
        "_month": [_response(month, *figures) for _, month, figures in sorted(found["_month"], key=lambda row: row[1])],
    }


def response_overall(filters: ReportFilters) -> ResponseTimes:
    return Report(filters).response_overall()


def response_by_officer(filters: ReportFilters) -> list[ResponseTimes]:
    """Per owner of the leads, by name; leads nobody owns last."""
    return Report(filters).response_by_officer()


def response_by_month(filters: ReportFilters) -> list[ResponseTimes]:
    """Per month the leads were received in."""
    return Report(filters).response_by_month()


# --- follow-ups and answers to the investors' replies -----------------------------------------


@dataclass
class FollowUps:
    """Of the leads answered, those followed up: an e-mail to the investor after the first answer
    (written from the lead, scheduled, or logged), or an automatic follow-up task done."""

    answered: int
    followed_up: int

    @property
    def share(self) -> float | None:
        return self.followed_up * 100 / self.answered if self.answered else None


def follow_ups(filters: ReportFilters, counts: list | None = None) -> FollowUps:
    """From ``follow_up_counts`` (computed unless given)."""
    answered, followed_up = follow_up_counts(filters) if counts is None else counts
    return FollowUps(int(answered), int(followed_up))


def follow_up_counts_by_month(filters: ReportFilters) -> dict[str, list]:
    """``follow_up_counts`` of each month received (its first day's ISO text), as a one-row list."""
    rows = db.session.execute(
        select(Lead.received_month, func.count(Lead.first_responded_at),
               func.count(Lead.id).filter(Lead.followed_up.is_(True)))
        .where(*lead_conditions(filters)).group_by(Lead.received_month))
    return {_month_key(month): [(int(answered), int(followed_up))] for month, answered, followed_up in rows}


def follow_up_counts(filters: ReportFilters) -> tuple[int, int]:
    """(answered, followed up), from each lead's stored ``followed_up`` (``models.report_facts``):
    one pass over the reports' index."""
    answered, followed_up = db.session.execute(
        select(func.count(Lead.first_responded_at), func.count(Lead.id).filter(Lead.followed_up.is_(True)))
        .where(*lead_conditions(filters))).one()
    return int(answered), int(followed_up)


@dataclass
class ReplyAnswers:
    """Each reply read from the investor's e-mail, to the next e-mail, call or meeting on the lead (what
    clears "investor replied, waiting for us"), in clock time: nights and weekends count."""

    replies: int
    answered: int
    median_seconds: float | None


def reply_answers(filters: ReportFilters, figures: list | None = None) -> ReplyAnswers:
    """From ``reply_answer_figures`` (computed unless given)."""
    replies, answered, median = reply_answer_figures(filters) if figures is None else figures
    return ReplyAnswers(int(replies), int(answered), _seconds_or_none(median, answered))


def reply_answer_figures(filters: ReportFilters) -> tuple:
    """(replies, answered, median seconds)."""
    reply, answer = aliased(Activity), aliased(Activity)
    next_answer = (select(func.min(answer.created_at))
                   .where(answer.lead_id == reply.lead_id, answer.kind.in_(ANSWER_KINDS),
                          answer.created_at > reply.created_at)
                   .correlate(reply).scalar_subquery())
    waits = (select(seconds_between(reply.created_at, next_answer).label("waited"))
             .join(Lead, Lead.id == reply.lead_id).where(reply.kind == ActivityKind.REPLY, *lead_conditions(filters)))
    if _sorts_within_group():
        rows = waits.subquery()
        replies, answered, median = db.session.execute(
            select(func.count(), func.count(rows.c.waited), _percentile_of(rows, "waited", MEDIAN))).one()
    else:
        found = list(db.session.scalars(waits.order_by(literal_column("waited"))))
        ordered = [waited for waited in found if waited is not None]
        replies, answered, median = len(found), len(ordered), _percentile(ordered, MEDIAN)
    return int(replies), int(answered), (float(median) if median is not None else None)


# --- time in each stage ----------------------------------------------------------------------


@dataclass
class StageTime:
    stage: Stage
    #: How many stays in the stage were measured (a lead that came back counts twice).
    stays: int
    median_seconds: float | None


def stay_conditions(filters: ReportFilters) -> list:
    """``lead_conditions`` on the copies of the lead's columns each stage change keeps."""
    return _conditions(filters, StageChange.lead_received_at, StageChange.lead_status, StageChange.lead_country,
                       StageChange.lead_source, StageChange.lead_owner_id, _interested_in(StageChange.lead_id))


def _stayed(now: datetime):
    """A stay's seconds: until the next change, or until ``now`` if it goes on."""
    return func.coalesce(StageChange.stay_seconds, seconds_between(
        StageChange.changed_at, literal(now.astimezone(timezone.utc), DateTime(timezone=True))))


def _stays_counted(filters: ReportFilters, open_stage_ids: list[int]) -> list:
    """The stays in these stages the filters select: ended ones, and those of leads still open."""
    return [StageChange.to_stage_id.in_(open_stage_ids),
            or_(StageChange.stay_seconds.is_not(None), StageChange.lead_status == LeadStatus.OPEN),
            *stay_conditions(filters)]


def time_in_stages(filters: ReportFilters, now: datetime | None = None) -> list[StageTime]:
    """Median time a lead stayed in each open stage: from entering it to the next move (each
    change's ``stay_seconds``); a stay still going on counts up to ``now``. Read from the stage
    changes alone, which copy the lead's columns the filters need (``stay_conditions``). The page
    reads the same figures from kept stays (``kept_time_in_stages``); this is their definition."""
    now = now or clock.now()
    open_stages = [stage for stage in stages() if stage.is_open]
    stays = (select(StageChange.to_stage_id.label("stage_id"), _stayed(now).label("stayed"))
             .where(*_stays_counted(filters, [stage.id for stage in open_stages])))
    if _sorts_within_group():
        stays = stays.subquery()
        rows = db.session.execute(select(stays.c.stage_id, func.count(), _percentile_of(stays, "stayed", MEDIAN))
                                  .group_by(stays.c.stage_id))
    else:  # read unsorted, each stage's stays sorted by Python (as ``_response_rows_sorted``)
        per_stage: dict[int, list[float]] = {}
        for stage_id, seconds in db.session.execute(stays):
            values = per_stage.get(stage_id)
            if values is None:
                values = per_stage[stage_id] = []
            values.append(seconds)
        for values in per_stage.values():
            values.sort()
        rows = [(stage_id, len(values), _percentile(values, MEDIAN)) for stage_id, values in per_stage.items()]
    measured = {stage_id: (int(count), _seconds_or_none(median, count)) for stage_id, count, median in rows}
    return [StageTime(stage, *measured.get(stage.id, (0, None))) for stage in open_stages]


# The time in each stage, from stays kept (``Report.time_in_stages``). An ongoing stay grows with
# the clock, so what is kept is each stage's ended stays (sorted) and its ongoing ones (sorted, as
# long as they were at the moment they were read, with their ids); at a later moment the ongoing
# ones are that much longer. The database's figure is not quite the clock's (SQLite's julianday
# counts whole milliseconds): the stays that may be the median, by the clock within ``_DRIFT``,
# are asked from the database, so the median is exactly the one ``time_in_stages`` computes.

#: More than the database's and the clock's times of an ongoing stay can differ by, in seconds.
_DRIFT = 0.01


def _packed(values, code: str) -> str:
    return base64.b64encode(array(code, values).tobytes()).decode()


def _unpacked(text: str, code: str) -> array:
    values = array(code)
    values.frombytes(base64.b64decode(text))
    return values


def _median_of(ordered, count: int, postgresql: bool, at=None) -> float | None:
    """The median of ``count`` values, ``at(position)`` the value at a 0-based position in
    ascending order (``ordered[position]`` unless given), as the database computes it:
    PostgreSQL's ``percentile_cont`` (low + share·(high − low)), SQLite's ``_percentile``."""
    if not count:
        return None
    at = at or ordered.__getitem__
    below, weight = (count - 1) // 2, ((count - 1) % 2) / 2
    low = at(below)
    if postgresql:
        return low if not weight else low + weight * (at(below + 1) - low)
    return low * (1 - weight) + (at(below + 1) * weight if below + 1 < count else 0)


def stays_read(filters: ReportFilters, now: datetime, open_stage_ids: list[int]) -> dict:
    """Each open stage's stays the filters select, to be kept (``kept_time_in_stages``): ended
    ones' seconds sorted, ongoing ones' seconds at ``now`` sorted and their ids, packed; and each
    stage's median at ``now``, computed from them as ``time_in_stages`` does."""
    statement = (select(StageChange.to_stage_id, StageChange.stay_seconds.is_(None), StageChange.id, _stayed(now))
                 .where(*_stays_counted(filters, open_stage_ids)))
    return _stays_kept(_driver_rows(statement), now)


def stays_read_by_month(filters: ReportFilters, now: datetime, open_stage_ids: list[int]) -> dict[str, dict]:
    """``stays_read`` of each month the leads were received in (its first day's ISO text)."""
    month = _only_month(filters)
    if month is not None:  # the first view after a change to one month's leads: no month to compute per stay
        return {month: stays_read(filters, now, open_stage_ids)}
    statement = (select(StageChange.to_stage_id, StageChange.stay_seconds.is_(None), StageChange.id, _stayed(now),
                        vietnam_month(StageChange.lead_received_at))
                 .where(*_stays_counted(filters, open_stage_ids)))
    months: defaultdict[object, list] = defaultdict(list)
    for row in _driver_rows(statement):  # the rows as they are: tens of thousands, no copy of each
        months[row[4]].append(row)
    return {_month_key(month): _stays_kept(rows, now) for month, rows in months.items()}


def _stays_kept(rows, now: datetime) -> dict:
    """``stays_read``'s figures from (stage, goes on, change id, seconds at ``now``, ...) rows."""
    ended: defaultdict[int, list[float]] = defaultdict(list)
    ongoing: defaultdict[int, list[tuple]] = defaultdict(list)
    for row in rows:
        if row[1]:
            ongoing[row[0]].append(row)
        else:
            ended[row[0]].append(row[3])
    postgresql = _sorts_within_group()
    kept = {}
    for stage_id in {*ended, *ongoing}:
        rows = ongoing.get(stage_id, [])
        rows.sort(key=_CHANGE_ID)  # then by seconds, the sort being stable: in (seconds, id) order
        rows.sort(key=_SECONDS)
        done, going = sorted(ended.get(stage_id, [])), [row[3] for row in rows]
        # the median picked from the two sorted lists, not from a third sorted list of both
        median = _median_of(None, len(done) + len(going), postgresql,
                            lambda position, done=done, going=going: _kth(done, going, position))
        kept[str(stage_id)] = {"ended": _packed(done, "d"), "ongoing": _packed(going, "d"),
                               "ids": _packed([row[2] for row in rows], "q"), "median": median}
    return {"now": now.astimezone(timezone.utc).isoformat(), "stages": kept}


_CHANGE_ID, _SECONDS = itemgetter(2), itemgetter(3)


def _kth(first, second, k: int) -> float:
    """The ``k``-th smallest (0-based) of two ascending sequences together."""
    low, high = max(0, k + 1 - len(second)), min(k + 1, len(first))
    while low < high:  # the fewest of ``first`` among the k + 1 smallest
        taken = (low + high) // 2
        rest = k + 1 - taken
        if rest > 0 and taken < len(first) and second[rest - 1] > first[taken]:
            low = taken + 1
        else:
            high = taken
    rest = k + 1 - low
    return max(first[low - 1] if low else float("-inf"), second[rest - 1] if rest else float("-inf"))


def kept_time_in_stages(kept: dict | list[dict], now: datetime, open_stages: list[Stage]) -> list[StageTime]:
    """``time_in_stages`` at ``now`` from what ``stays_read`` kept (or, a list, from what it kept of
    each month of the period: ``_near_median`` picks from them without merging them): the same
    figures. The ongoing stays that may be the median are read again from the database (one
    statement, if any)."""
    postgresql = _sorts_within_group()
    pieces = kept if isinstance(kept, list) else [kept]
    parts: dict[int, list] = {}  # per stage: (sorted seconds, their shift to ``now``, their ids, None if exact)
    as_read: dict[int, float | None] = {}
    for piece in pieces:
        moved = (now.astimezone(timezone.utc) - datetime.fromisoformat(piece["now"])).total_seconds()
        for key, stays in piece["stages"].items():
            ongoing = _unpacked(stays["ongoing"], "d")
            if len(pieces) == 1 and (not ongoing or (not moved and stays["median"] is not None)):
                as_read[int(key)] = stays["median"]
            stage_parts = parts.setdefault(int(key), [])
            stage_parts.append((_unpacked(stays["ended"], "d"), 0.0, None))
            if ongoing:  # read at ``now``: the database's seconds, as the ended ones'
                stage_parts.append((ongoing, moved, _unpacked(stays["ids"], "q") if moved else None))
    plans, wanted = {}, []
    for stage_id, stage_parts in parts.items():
        count = sum(len(values) for values, _, _ in stage_parts)
        if stage_id in as_read or not count:
            plans[stage_id] = (count, as_read.get(stage_id), None)
            continue
        near = _near_median(stage_parts, count)
        wanted += near[2]
        plans[stage_id] = (count, None, near)
    exact = dict(db.session.execute(select(StageChange.id, _stayed(now)).where(StageChange.id.in_(wanted))).all()) \
        if wanted else {}
    measured = {}
    for stage_id, (count, median, near) in plans.items():
        if near is not None:
            shorter, near_ended, near_ongoing = near  # ``shorter``: the stays shorter than all of them
            candidates = sorted([*near_ended, *(exact[change_id] for change_id in near_ongoing)])
            median = _median_of(None, count, postgresql,
                                lambda position, candidates=candidates, shorter=shorter: candidates[position - shorter])
        measured[stage_id] = (count, _seconds_or_none(median, count))
    return [StageTime(stage, *measured.get(stage.id, (0, None))) for stage in open_stages]


def _near_median(parts: list[tuple], count: int) -> tuple[int, list[float], list[int]]:
    """Of a stage's stays (sorted seconds, shifted by a constant to ``now``, with their ids unless
    the seconds are exact: ended, or read at ``now``), those that may be the median by the clock
    within ``_DRIFT``: how many are shorter than all of them, the exact ones' seconds and the others' ids."""
    below = (count - 1) // 2
    low = _kth_shifted(parts, below) - 2 * _DRIFT
    high = _kth_shifted(parts, min(below + 1, count - 1)) + 2 * _DRIFT
    shorter, near_ended, near_ongoing = 0, [], []
    for values, shift, ids in parts:
        first, last = bisect_left(values, low - shift), bisect_right(values, high - shift)
        shorter += first
        if ids is None:
            near_ended += values[first:last]
        else:
            near_ongoing += ids[first:last]
    return shorter, near_ended, near_ongoing


def _kth_shifted(parts: list[tuple], k: int) -> float:
    """The ``k``-th smallest (0-based) of sorted sequences each shifted by a constant, to within a
    quarter of ``_DRIFT``: halving an interval that holds it, each step counting with ``bisect``."""
    present = [(values, shift) for values, shift, _ in parts if values]
    low = min(values[0] + shift for values, shift in present) - _DRIFT
    high = max(values[-1] + shift for values, shift in present)
    while high - low > _DRIFT / 4:  # fewer than k + 1 values up to ``low``, at least k + 1 up to ``high``
        middle = (low + high) / 2
        if sum(bisect_right(values, middle - shift) for values, shift in present) > k:
            high = middle
        else:
            low = middle
    return high


# --- referrers and lost reasons --------------------------------------------------------------


@dataclass
class ReferrerRank:
    referrer: Referrer
    leads: int
    registered: int
    registered_capital_usd: int


def referral_leaderboard(filters: ReportFilters, size: int = LEADERBOARD_SIZE) -> list[ReferrerRank]:
    return Report(filters).referral_leaderboard(size)


@dataclass
class LostReasonCount:
    #: None for leads lost without a recorded reason.
    reason: LostReason | None
    leads: int
    #: Percent of all lost leads.
    share: float


def lost_reasons(filters: ReportFilters) -> list[LostReasonCount]:
    return Report(filters).lost_reasons()
