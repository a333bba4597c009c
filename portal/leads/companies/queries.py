"""Read-only questions about the investor companies: the list with its early warnings, a company's
page, the "due for a visit" list."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import ColumnElement, Select, and_, func, or_, select, union_all
from sqlalchemy.orm import joinedload, selectinload

from portal.auth.models import Role, User
from portal.extensions import db
from portal.leads.models import (FINISHED_STATUSES, Company, CompanyContact, CompanyLead, EventCompany, Holiday,
                                 Issue, Lead, Referrer, RegisteredProject, Task, Visit)
from portal.leads.rules.aftercare import (ENDING_WITHIN_MONTHS, EarlyWarning, Rhythm, add_months, company_warnings,
                                         parse_rhythm, rhythm_months)
from portal.leads.rules.access import can_work_on_company
from portal.projects.models import IndustrialPark
from portal.search_text import fold

SORTS = ("name", "visit_due", "ending", "capital", "last_contact")


@dataclass
class CompanyFilters:
    text: str = ""
    country: str = ""
    sector: str = ""
    #: "me", "none" or a user id.
    owner: str = ""
    #: An ``EarlyWarning`` value, or "any".
    warning: str = ""
    sort: str = "name"


@dataclass
class CompanyRow:
    company: Company
    capital: int
    next_end: date | None
    warnings: list[EarlyWarning]


def rhythm() -> Rhythm:
    return parse_rhythm(current_app.config["AFTERCARE_VISIT_RHYTHM"])


def rhythm_of(company: Company) -> int:
    """Months between contacts for this company: its own, else by its registered capital."""
    return rhythm_months(company.registered_capital_usd, rhythm(), company.visit_every_months)


def holidays_between(first: date, last: date) -> set[date]:
    return set(db.session.scalars(select(Holiday.day).where(Holiday.day >= first, Holiday.day <= last)))


def workable_by(user: User) -> ColumnElement[bool]:
    """Managers work on every company; an officer on their own and on those without an officer."""
    if user.can(Role.MANAGER):
        return Company.id.isnot(None)
    return or_(Company.owner_id.is_(None), Company.owner_id == user.id)


def _end_dates(today: date):
    """Each company's incentive and lease end dates from today on, one row per date."""
    incentive = select(RegisteredProject.company_id.label("company_id"),
                       RegisteredProject.incentive_ends_on.label("ends_on"))
    lease = select(RegisteredProject.company_id, RegisteredProject.land_lease_ends_on)
    return union_all(incentive.where(RegisteredProject.incentive_ends_on >= today),
                     lease.where(RegisteredProject.land_lease_ends_on >= today)).subquery()


def _facts(today: date):
    ends = _end_dates(today)
    next_end = (select(ends.c.company_id, func.min(ends.c.ends_on).label("next_end"))
                .group_by(ends.c.company_id).subquery())
    capital = (select(RegisteredProject.company_id,
                      func.coalesce(func.sum(RegisteredProject.registered_capital_usd), 0).label("capital"))
               .group_by(RegisteredProject.company_id).subquery())
    return next_end, capital


def filter_companies(filters: CompanyFilters, viewer: User, today: date) -> Select:
    next_end, capital = _facts(today)
    capital_usd = func.coalesce(capital.c.capital, 0)
    stmt = (select(Company, capital_usd.label("capital"), next_end.c.next_end)
            .outerjoin(next_end, next_end.c.company_id == Company.id)
            .outerjoin(capital, capital.c.company_id == Company.id)
            .where(workable_by(viewer)))
    if filters.text:
        for word in fold(filters.text).split():
            stmt = stmt.where(or_(Company.name_key.contains(word), func.lower(Company.name).contains(word.lower()),
                                  func.lower(Company.parent_group).contains(word.lower())))
    if filters.country:
        stmt = stmt.where(Company.country == filters.country)
    if filters.sector.isdigit():
        stmt = stmt.where(Company.sector_id == int(filters.sector))
    if filters.owner == "me":
        stmt = stmt.where(Company.owner_id == viewer.id)
    elif filters.owner == "none":
        stmt = stmt.where(Company.owner_id.is_(None))
    elif filters.owner.isdigit():
        stmt = stmt.where(Company.owner_id == int(filters.owner))
    stmt = stmt.where(warning_condition(filters.warning, next_end, today))
    order = {
        "visit_due": (Company.visit_due_on.is_(None), Company.visit_due_on),
        "ending": (next_end.c.next_end.is_(None), next_end.c.next_end),
        "capital": (capital_usd.desc(),),
        "last_contact": (Company.last_contact_on.isnot(None), Company.last_contact_on),
    }.get(filters.sort, ())
    return stmt.order_by(*order, Company.name, Company.id)


def warning_condition(warning: str, next_end, today: date) -> ColumnElement[bool]:
    horizon = add_months(today, ENDING_WITHIN_MONTHS)
    overdue = Company.visit_due_on < today
    ending = _ending_exists(today, horizon)
    late_issue = select(Issue.id).where(Issue.company_id == Company.id, issue_overdue(today)).exists()
    conditions = {
        EarlyWarning.NO_RECENT_CONTACT.value: overdue,
        EarlyWarning.INCENTIVE_ENDING.value: ending(RegisteredProject.incentive_ends_on),
        EarlyWarning.LEASE_ENDING.value: ending(RegisteredProject.land_lease_ends_on),
        EarlyWarning.ISSUE_OVERDUE.value: late_issue,
        "any": or_(overdue, next_end.c.next_end <= horizon, late_issue),
    }
    return conditions.get(warning, Company.id.isnot(None))


def _ending_exists(today: date, horizon: date):
    def ending(column) -> ColumnElement[bool]:
        return (select(RegisteredProject.id)
                .where(RegisteredProject.company_id == Company.id, column >= today, column <= horizon).exists())
    return ending


@dataclass
class CompanyPage:
    """A page of the company list, for the ``pagination`` macro."""

    items: list[CompanyRow]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return -(-self.total // self.per_page)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1

    def iter_pages(self, **_ignored):
        yield from range(1, self.pages + 1)


def search_companies(filters: CompanyFilters, viewer: User, today: date, page: int, per_page: int) -> CompanyPage:
    """One page of companies, each with its warnings: four statements whatever the page size."""
    stmt = filter_companies(filters, viewer, today)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = db.session.execute(stmt.options(selectinload(Company.owner), selectinload(Company.sector),
                                           selectinload(Company.projects))
                              .limit(per_page).offset((page - 1) * per_page)).all()
    late = companies_with_overdue_issues([company.id for company, _, _ in rows], today)
    return CompanyPage([CompanyRow(company, capital, next_end, warnings_of(company, today, company.id in late))
                        for company, capital, next_end in rows], page, per_page, total)


def issue_overdue(today: date) -> ColumnElement[bool]:
    """Past its due day and not yet resolved or closed (as ``Issue.overdue``)."""
    return and_(Issue.status.not_in(FINISHED_STATUSES), Issue.due_on < today)


def companies_with_overdue_issues(company_ids: list[int], today: date) -> set[int]:
    if not company_ids:
        return set()
    return set(db.session.scalars(select(Issue.company_id).distinct()
                                  .where(Issue.company_id.in_(company_ids), issue_overdue(today))))


def warnings_of(company: Company, today: date, late_issue: bool | None = None) -> list[EarlyWarning]:
    """The company's early warnings; ``late_issue`` None: from its issues (loaded with the page)."""
    if late_issue is None:
        late_issue = any(issue.overdue(today) for issue in company.issues)
    return company_warnings(company.visit_due_on, [p.incentive_ends_on for p in company.projects],
                            [p.land_lease_ends_on for p in company.projects], today, late_issue)


def due_for_a_visit(viewer: User, until: date) -> list[Company]:
    """Companies whose next contact is due by ``until`` (the overdue first), with their officer."""
    stmt = (select(Company).where(workable_by(viewer), Company.visit_due_on <= until)
            .options(selectinload(Company.owner), selectinload(Company.contacts))
            .order_by(Company.visit_due_on, Company.name))
    return list(db.session.scalars(stmt))


def company(company_id: int) -> Company | None:
    """A company with everything its page shows, in a fixed number of statements."""
    stmt = (select(Company).where(Company.id == company_id)
            .options(selectinload(Company.owner), selectinload(Company.sector), selectinload(Company.referrer),
                     selectinload(Company.contacts), selectinload(Company.projects).selectinload(RegisteredProject.park),
                     selectinload(Company.visits).selectinload(Visit.user),
                     selectinload(Company.issues).selectinload(Issue.owner),
                     # in the company's own statement: its follow-ups are few
                     joinedload(Company.tasks).joinedload(Task.assignee),
                     selectinload(Company.lead_links).selectinload(CompanyLead.lead).selectinload(Lead.stage)))
    return db.session.scalars(stmt).unique().one_or_none()


def task_of(company_id: int, task_id: int) -> Task | None:
    """The company's task, with its company (whose rules say who may mark it done)."""
    return db.session.scalars(select(Task).where(Task.id == task_id, Task.company_id == company_id)
                              .options(selectinload(Task.company))).one_or_none()


def assignees(company: Company, staff: list[User]) -> list[User]:
    """Whom a follow-up on the company may be given to: the staff who may work on it (managers,
    its account officer; everyone while it has none), so the assignee can open its page."""
    return [user for user in staff if can_work_on_company(user, company)]


def referred_leads(company: Company) -> list[Lead]:
    """The leads the company brought as a referrer."""
    if company.referrer_id is None:
        return []
    return list(db.session.scalars(select(Lead).where(Lead.referrer_id == company.referrer_id)
                                   .options(selectinload(Lead.stage)).order_by(Lead.created_at.desc())))


def company_of_lead(lead: Lead) -> CompanyLead | None:
    return db.session.scalars(select(CompanyLead).where(CompanyLead.lead_id == lead.id)
                              .options(selectinload(CompanyLead.company))).one_or_none()


def contacts_for_email(email: str) -> list[CompanyContact]:
    """Every company contact with this e-mail address (personal-data requests)."""
    return list(db.session.scalars(select(CompanyContact).where(CompanyContact.email_normalized == email.lower())
                                   .options(selectinload(CompanyContact.company)).order_by(CompanyContact.id)))


def same_name(name_key: str, exclude: int | None = None) -> Company | None:
    """A company already recorded under the same (matched) name."""
    if not name_key:
        return None
    stmt = select(Company).where(Company.name_key == name_key)
    if exclude:
        stmt = stmt.where(Company.id != exclude)
    return db.session.scalars(stmt.limit(1)).first()


def all_name_keys() -> dict[str, int]:
    return dict(db.session.execute(select(Company.name_key, Company.id).where(Company.name_key != "")).all())


def parks() -> list[IndustrialPark]:
    """Every park, published or not, with its names: where a registered project may be."""
    return list(db.session.scalars(select(IndustrialPark).options(selectinload(IndustrialPark.texts))
                                   .order_by(IndustrialPark.slug)))


def referrer_codes() -> set[str]:
    return set(db.session.scalars(select(Referrer.code)))


def invited(event_id: int) -> list[EventCompany]:
    """The companies invited to an event (the yearly FDI enterprise meeting), with their contacts."""
    return list(db.session.scalars(select(EventCompany).join(EventCompany.company).where(EventCompany.event_id == event_id)
                                   .options(selectinload(EventCompany.company).selectinload(Company.owner))
                                   .order_by(Company.name, Company.id)))


def companies_by_name() -> list[Company]:
    """Every company, by name: whom an event may invite."""
    return list(db.session.scalars(select(Company).order_by(Company.name, Company.id)))
