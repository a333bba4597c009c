"""SQL that differs between SQLite and PostgreSQL, shared by the reports' queries and by the
session hooks that store each lead's reporting facts (``portal.leads.models.report_facts``), so a
stored fact is computed by exactly the expression the report used to compute on every request."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, func, literal_column
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from portal import clock


class seconds_between(FunctionElement):
    """Seconds from the first moment to the second, computed by the database."""

    type = Float()
    name = "seconds_between"
    inherit_cache = True


@compiles(seconds_between)
def _seconds_between_sqlite(element, compiler, **kw):
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"((julianday({end}) - julianday({start})) * 86400.0)"


@compiles(seconds_between, "postgresql")
def _seconds_between_postgresql(element, compiler, **kw):
    # A double, not EXTRACT's numeric: sorting 100,000 of them for a percentile takes half the time.
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(EXTRACT(EPOCH FROM ({end}) - ({start})) AS DOUBLE PRECISION)"


class vietnam_month(FunctionElement):
    """The first day of the month of a stored moment, in Vietnam time."""

    type = Date()
    name = "vietnam_month"
    inherit_cache = True


@compiles(vietnam_month)
def _vietnam_month_sqlite(element, compiler, **kw):
    # Stored moments are UTC; Vietnam has kept UTC+7 without summer time since 1975.
    (moment,) = element.clauses
    return compiler.process(func.strftime(literal_column("'%Y-%m-01'"), moment, literal_column("'+7 hours'")), **kw)


@compiles(vietnam_month, "postgresql")
def _vietnam_month_postgresql(element, compiler, **kw):
    (moment,) = element.clauses
    local = func.timezone(literal_column(f"'{clock.VIETNAM_TIME_ZONE}'"), moment)
    return f"CAST(date_trunc('month', {compiler.process(local, **kw)}) AS DATE)"


def month_of(moment: datetime) -> date:
    """``vietnam_month`` in Python: the first day of the month of a stored moment, in Vietnam time."""
    return clock.as_utc(moment).astimezone(clock.VIETNAM).date().replace(day=1)
