"""The aftercare figures of the reports: registered capital and jobs split into new investors and
reinvestment, companies seen on their contact rhythm, and investors' issues (raised, resolved on
time, median days to resolve) by category and agency. Each is one statement, whatever the data."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from statistics import median

from sqlalchemy import and_, case, func, select

from portal.auth.models import User
from portal.extensions import db
from portal.leads.models import Company, CompanyLead, CompanyLeadRelation, Issue, Lead, LeadStatus
from portal.projects.models import Sector


@dataclass
class SourceSplit:
    """Registered leads of one source, new investors apart from reinvestment by companies already here."""

    source: str
    new_registered: int = 0
    new_capital_usd: int = 0
    new_jobs: int = 0
    reinvest_registered: int = 0
    reinvest_capital_usd: int = 0
    reinvest_jobs: int = 0


def reinvestment_split(conditions: list) -> list[SourceSplit]:
    """Per source, the registered leads, their capital and jobs: a lead started from a company
    ("expansion") is reinvestment, every other a new investor. The most capital first."""
    return source_splits(reinvestment_rows(conditions))


def reinvestment_rows(conditions: list, by_month: bool = False) -> list[tuple]:
    """(source, reinvestment or not, registered, capital, jobs) rows of ``reinvestment_split``;
    ``by_month``: per month received too, its first day last in each row."""
    expansion = CompanyLead.id.isnot(None)
    won = Lead.status == LeadStatus.WON
    month = [Lead.received_month] if by_month else []
    stmt = (select(Lead.source, expansion.label("reinvest"), func.count(Lead.id),
                   func.coalesce(func.sum(Lead.registered_capital_usd), 0),
                   func.coalesce(func.sum(Lead.expected_jobs), 0), *month)
            .outerjoin(CompanyLead, and_(CompanyLead.lead_id == Lead.id,
                                         CompanyLead.relation == CompanyLeadRelation.EXPANSION))
            .where(won, *conditions).group_by(Lead.source, expansion, *month))
    return [(source, bool(reinvest), count, int(capital), int(jobs), *rest)
            for source, reinvest, count, capital, jobs, *rest in db.session.execute(stmt)]


def source_splits(rows) -> list[SourceSplit]:
    """``reinvestment_split`` from its rows (one per source and kind)."""
    splits: dict[str, SourceSplit] = {}
    for source, reinvest, count, capital, jobs in rows:
        split = splits.setdefault(source, SourceSplit(source))
        if reinvest:
            split.reinvest_registered, split.reinvest_capital_usd, split.reinvest_jobs = count, int(capital), int(jobs)
        else:
            split.new_registered, split.new_capital_usd, split.new_jobs = count, int(capital), int(jobs)
    return sorted(splits.values(), key=lambda s: (-(s.new_capital_usd + s.reinvest_capital_usd), s.source))


@dataclass
class RhythmRow:
    """The companies of one account officer (None: nobody), and how many were seen on their rhythm."""

    owner: User | None
    companies: int
    on_rhythm: int

    @property
    def overdue(self) -> int:
        return self.companies - self.on_rhythm

    @property
    def share(self) -> float | None:
        return self.on_rhythm * 100 / self.companies if self.companies else None


def _owned_by(owner_column, owner: str) -> list:
    """The report's owner filter ("" anyone, "none" nobody, else a user id) on ``owner_column``."""
    if owner == "none":
        return [owner_column.is_(None)]
    if owner.isdigit():
        return [owner_column == int(owner)]
    return []


def company_conditions(sector: str, country: str) -> list:
    """The report's sector and country filters on the company (its own sector and country)."""
    conditions = []
    if sector:
        conditions.append(Company.sector_id.in_(select(Sector.id).where(Sector.code == sector)))
    if country:
        conditions.append(Company.country == country)
    return conditions


def visited_on_rhythm(today: date, owner: str, sector: str = "", country: str = "") -> list[RhythmRow]:
    """Per account officer: the companies (of the sector and country, when chosen), and those whose
    next contact is not yet overdue today."""
    on_rhythm = case((Company.visit_due_on >= today, 1), else_=0)
    stmt = (select(Company.owner_id, func.count(Company.id), func.coalesce(func.sum(on_rhythm), 0))
            .where(*_owned_by(Company.owner_id, owner), *company_conditions(sector, country))
            .group_by(Company.owner_id))
    rows = db.session.execute(stmt).all()
    users = {user.id: user for user in db.session.scalars(
        select(User).where(User.id.in_([row[0] for row in rows if row[0]])))} if any(r[0] for r in rows) else {}
    found = [RhythmRow(users.get(owner_id), int(count), int(seen)) for owner_id, count, seen in rows]
    return sorted(found, key=lambda row: (row.owner is None, row.owner.name if row.owner else ""))


@dataclass
class IssueTally:
    """Issues of one category or agency."""

    key: str
    raised: int = 0
    resolved: int = 0
    on_time: int = 0
    open_overdue: int = 0
    days_to_resolve: list[int] | None = None

    @property
    def share_on_time(self) -> float | None:
        """Of the resolved, the share resolved by their due day."""
        return self.on_time * 100 / self.resolved if self.resolved else None

    @property
    def median_days(self) -> float | None:
        return median(self.days_to_resolve) if self.days_to_resolve else None


def issue_tallies(first: date | None, last: date | None, owner: str, today: date, sector: str = "",
                  country: str = "") -> dict[str, list[IssueTally]]:
    """Issues raised in the period, by category and by agency (the most raised first). With a sector
    or a country chosen, only the issues of companies of that sector or country (an issue not linked
    to a company yet has neither)."""
    stmt = (select(Issue.category, Issue.agency, Issue.raised_on, Issue.due_on, Issue.resolved_on, Issue.status)
            .where(*_owned_by(Issue.owner_id, owner)))
    if first:
        stmt = stmt.where(Issue.raised_on >= first)
    if last:
        stmt = stmt.where(Issue.raised_on <= last)
    by_company = company_conditions(sector, country)
    if by_company:
        stmt = stmt.join(Company, Company.id == Issue.company_id).where(*by_company)
    groups: dict[str, dict[str, IssueTally]] = {"category": {}, "agency": {}}
    for category, agency, raised_on, due_on, resolved_on, status in db.session.execute(stmt):
        for by, key in (("category", category), ("agency", agency)):
            tally = groups[by].setdefault(key, IssueTally(key, days_to_resolve=[]))
            tally.raised += 1
            if resolved_on is not None:
                tally.resolved += 1
                tally.on_time += resolved_on <= due_on
                tally.days_to_resolve.append((resolved_on - raised_on).days)
            elif status not in ("resolved", "closed") and due_on < today:
                tally.open_overdue += 1
    return {by: sorted(found.values(), key=lambda t: (-t.raised, t.key)) for by, found in groups.items()}
