"""Read-only questions about investors' issues: the list with its filters, an issue's page, which
companies have one overdue, and the matching of a sender to a company."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import selectinload

from portal.auth.models import Role, User
from portal.extensions import db
from portal.leads.companies.queries import CompanyPage, issue_overdue  # noqa: F401
from portal.leads.companies.queries import workable_by as company_workable
from portal.leads.models import FINISHED_STATUSES, Company, CompanyContact, Issue, IssueNote
from portal.leads.rules.matching import company_key

SORTS = ("due", "raised", "company", "status")


@dataclass
class IssueFilters:
    status: str = ""
    category: str = ""
    agency: str = ""
    #: "me", "none" or a user id.
    owner: str = ""
    overdue: bool = False
    #: "none": issues no company is linked to yet.
    company: str = ""
    sort: str = "due"


def workable_by(user: User) -> ColumnElement[bool]:
    """Managers every issue; an officer those they own, those of their companies and of companies
    without an officer, and those not linked to a company yet."""
    if user.can(Role.MANAGER):
        return Issue.id.isnot(None)
    free = select(Company.id).where(or_(Company.owner_id.is_(None), Company.owner_id == user.id))
    return or_(Issue.owner_id == user.id, Issue.company_id.is_(None), Issue.company_id.in_(free))


def filter_issues(filters: IssueFilters, viewer: User, today: date) -> Select:
    stmt = select(Issue).where(workable_by(viewer))
    for name in ("status", "category", "agency"):
        if getattr(filters, name):
            stmt = stmt.where(getattr(Issue, name) == getattr(filters, name))
    if filters.owner == "me":
        stmt = stmt.where(Issue.owner_id == viewer.id)
    elif filters.owner == "none":
        stmt = stmt.where(Issue.owner_id.is_(None))
    elif filters.owner.isdigit():
        stmt = stmt.where(Issue.owner_id == int(filters.owner))
    if filters.overdue:
        stmt = stmt.where(issue_overdue(today))
    if filters.company == "none":
        stmt = stmt.where(Issue.company_id.is_(None))
    order = {"raised": (Issue.raised_on.desc(),), "status": (Issue.status,),
             "company": (Issue.raised_by_company,)}.get(filters.sort, (Issue.status.in_(FINISHED_STATUSES),
                                                                         Issue.due_on))
    return stmt.order_by(*order, Issue.id.desc())


def search_issues(filters: IssueFilters, viewer: User, today: date, page: int, per_page: int) -> CompanyPage:
    """One page of issues with their company and owner: three statements whatever the page size."""
    stmt = filter_issues(filters, viewer, today)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    items = list(db.session.scalars(stmt.options(selectinload(Issue.company), selectinload(Issue.owner))
                                    .limit(per_page).offset((page - 1) * per_page)))
    return CompanyPage(items, page, per_page, total)


def issue(reference: str) -> Issue | None:
    """An issue with everything its page shows, in a fixed number of statements."""
    stmt = (select(Issue).where(Issue.reference == reference)
            .options(selectinload(Issue.company), selectinload(Issue.contact), selectinload(Issue.owner),
                     selectinload(Issue.notes).selectinload(IssueNote.user)))
    return db.session.scalars(stmt).one_or_none()


def due_around(day: date) -> list[Issue]:
    """The open issues a holiday recorded or removed on ``day`` may move: those due that day, and those
    a holiday moved from that day or before to that day or after."""
    return list(db.session.scalars(select(Issue).where(
        Issue.status.not_in(FINISHED_STATUSES),
        or_(Issue.due_on == day, and_(Issue.due_on_before_holiday <= day, Issue.due_on >= day)))
        .order_by(Issue.id)))


def open_issues():
    """Every issue not yet resolved or closed, read in batches."""
    return db.session.scalars(select(Issue).where(Issue.status.not_in(FINISHED_STATUSES)).order_by(Issue.id)
                              .execution_options(yield_per=500))


def contact_by_email(email: str) -> CompanyContact | None:
    if not email:
        return None
    return db.session.scalars(select(CompanyContact).where(CompanyContact.email_normalized == email.strip().lower())
                              .options(selectinload(CompanyContact.company)).order_by(CompanyContact.id)
                              .limit(1)).first()


def company_by_name(name: str) -> Company | None:
    key = company_key(name or "")[:200]
    if not key:
        return None
    return db.session.scalars(select(Company).where(Company.name_key == key).order_by(Company.id).limit(1)).first()


def companies_to_link(viewer: User) -> list[Company]:
    """The companies an issue may be linked to by this staff member."""
    return list(db.session.scalars(select(Company).where(company_workable(viewer)).order_by(Company.name)))


def issues_raised_by(email: str) -> list[Issue]:
    """Every issue this person raised (personal-data requests)."""
    return list(db.session.scalars(select(Issue).where(Issue.email_normalized == email.strip().lower())
                                   .order_by(Issue.id)))


def raised_at(event_id: int, viewer: User) -> list[Issue]:
    """The issues raised at an event that this staff member may work on."""
    return list(db.session.scalars(select(Issue).where(Issue.event_id == event_id, workable_by(viewer))
                                   .options(selectinload(Issue.company), selectinload(Issue.owner))
                                   .order_by(Issue.id)))


def reference_for_form_key(form_key: str) -> str | None:
    return db.session.scalar(select(Issue.reference).where(Issue.form_key == form_key))
