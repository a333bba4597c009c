"""Every change to an investor company: change, audit, flush; the view commits once."""
from __future__ import annotations

import re
from collections.abc import Container
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal import audit, clock
from portal.auth.models import User
from portal.extensions import db
from portal.leads import operations as lead_operations
from portal.leads.companies import queries
from portal.leads.models import (
    Company,
    CompanyContact,
    CompanyLead,
    CompanyLeadRelation,
    Event,
    EventCompany,
    Holiday,
    Lead,
    LeadKind,
    LeadSource,
    Referrer,
    ReferrerKind,
    RegisteredProject,
    Task,
    Visit,
)
from portal.leads.rules.aftercare import add_months, next_working_day, visit_due_on
from portal.search_text import fold

COMPANY_FIELDS = ("name", "name_latin", "country", "sector_id", "parent_group", "owner_id", "visit_every_months",
                  "notes")
CONTACT_FIELDS = ("name", "role", "language", "email", "phone")
PROJECT_FIELDS = ("name", "park_id", "registered_capital_usd", "jobs", "certificate_number", "certificate_date",
                  "incentive_ends_on", "land_lease_ends_on")


def refresh_visit_due(company: Company, holidays: Container[date] | None = None) -> bool:
    """The next contact's due day, from the last contact (or the record's creation) and the rhythm;
    ``holidays``: every holiday, when the caller has read them for many companies. True if it moved."""
    since = company.last_contact_on or clock.as_utc(company.created_at or clock.now()).astimezone(clock.VIETNAM).date()
    months = queries.rhythm_of(company)
    if holidays is None:
        # The holidays a due day may run into: a month past the plain date is more than Tết's longest break
        holidays = queries.holidays_between(since, add_months(since, months) + timedelta(days=31))
    due = visit_due_on(since, months, holidays)
    if company.visit_due_on == due:
        return False
    company.visit_due_on = due
    return True


def refresh_visit_due_around(day: date) -> int:
    """After a holiday on ``day`` is added or removed: a due day moves only if it was that day (it
    goes on to the next working day) or the first working day after it (it may come back to ``day``),
    so only those companies are recomputed (the holidays read once), in the caller's transaction.
    Returns how many moved."""
    holidays = set(db.session.scalars(select(Holiday.day)))
    after = next_working_day(day + timedelta(days=1), holidays)
    companies = db.session.scalars(select(Company).where(Company.visit_due_on >= day, Company.visit_due_on <= after)
                                   .options(selectinload(Company.projects)))
    moved = sum(refresh_visit_due(company, holidays) for company in companies)
    db.session.flush()
    return moved


def refresh_every_visit_due() -> int:
    """Every company's due day again (``flask reports refresh``: after holidays or companies written
    around the session), the holidays read once. Returns how many moved."""
    holidays = set(db.session.scalars(select(Holiday.day)))
    companies = db.session.scalars(select(Company).options(selectinload(Company.projects))
                                   .execution_options(yield_per=500))
    moved = sum(refresh_visit_due(company, holidays) for company in companies)
    db.session.flush()
    return moved


def save_company(company: Company | None, values: dict, user: User) -> Company:
    company = audit.save_with_audit(Company, company, values, "company", user.id)
    refresh_visit_due(company)
    db.session.flush()
    return company


def _save_part(model, item, company: Company, values: dict, entity: str, user: User):
    if item is None:
        values = {**values, "company_id": company.id}
    item = audit.save_with_audit(model, item, values, entity, user.id)
    db.session.refresh(company, ["contacts", "projects"])
    refresh_visit_due(company)
    db.session.flush()
    return item


def save_contact(company: Company, contact: CompanyContact | None, values: dict, user: User) -> CompanyContact:
    return _save_part(CompanyContact, contact, company, values, "company_contact", user)


def save_project(company: Company, project: RegisteredProject | None, values: dict, user: User) -> RegisteredProject:
    return _save_part(RegisteredProject, project, company, values, "registered_project", user)


def delete_part(company: Company, item, entity: str, user: User) -> None:
    audit.record(entity, item.id, "delete", {"company_id": (company.id, None)}, user_id=user.id)
    db.session.delete(item)
    db.session.flush()
    db.session.refresh(company, ["contacts", "projects"])
    refresh_visit_due(company)
    db.session.flush()


def log_visit(company: Company, values: dict, follow_ups: list[tuple[str, date, User]], user: User) -> Visit:
    """A visit, meeting or call with the tasks it promised (title, due day, assignee): the last
    contact moves to its day (if later), and so the next due day."""
    visit = Visit(company=company, user_id=user.id, **values)
    db.session.add(visit)
    db.session.flush()
    audit.record("company_visit", visit.id, "create", {name: (None, values[name]) for name in values},
                 user_id=user.id)
    for title, due, assignee in follow_ups:
        add_task(company, visit, title, due, assignee, user)
    if company.last_contact_on is None or visit.visited_on > company.last_contact_on:
        audit.record("company", company.id, "contact", {"last_contact_on": (company.last_contact_on, visit.visited_on)},
                     user_id=user.id)
        company.last_contact_on = visit.visited_on
        refresh_visit_due(company)
    db.session.flush()
    return visit


def add_task(company: Company, visit: Visit | None, title: str, due: date, assignee: User, user: User) -> Task:
    """A follow-up on the company: on the assignee's today page and morning reminder until done."""
    task = Task(company=company, visit_id=visit.id if visit else None, title=title, due_date=due,
                assignee=assignee, created_by_id=user.id)
    db.session.add(task)
    db.session.flush()
    audit.record("task", task.id, "create", {"title": (None, title), "due_date": (None, due),
                                             "assignee": (None, assignee.email), "company_id": (None, company.id)},
                 user_id=user.id)
    return task


def _latin(text: str) -> str:
    """The text if it is written in Latin letters (what ``name_latin`` holds), else empty."""
    return text if text and fold(text).isascii() and re.search(r"[A-Za-z]", text) else ""


def company_from_lead(lead: Lead, user: User) -> Company:
    """The company record of a registered lead, carrying its facts over: the company (the lead's
    own company if it was an expansion of one, else a new record), its contact and the registered
    project. Calling it twice for the same lead returns the same company."""
    link = queries.company_of_lead(lead)
    company = link.company if link else None
    if company is None:
        sector = lead.sectors[0] if lead.sectors else None
        company = save_company(None, {
            "name": lead.company or lead.name, "name_latin": _latin(lead.company), "country": lead.country,
            "sector_id": sector.id if sector else None, "parent_group": "", "owner_id": lead.owner_id,
            "visit_every_months": None, "notes": "",
        }, user)
        db.session.add(CompanyLead(company=company, lead_id=lead.id, relation=CompanyLeadRelation.REGISTERED))
    if not any(project.lead_id == lead.id for project in company.projects):
        project_name = lead.projects[0].text(lead.preferred_language).text.title if lead.projects else ""
        save_project(company, None, {
            "name": project_name[:200], "park_id": lead.parks[0].id if lead.parks else None,
            "registered_capital_usd": lead.registered_capital_usd, "jobs": lead.expected_jobs,
            "certificate_number": "", "certificate_date": lead.certificate_date,
            "incentive_ends_on": None, "land_lease_ends_on": None, "lead_id": lead.id,
        }, user)
    if lead.email and not any(c.email_normalized == lead.email_normalized for c in company.contacts):
        save_contact(company, None, {"name": lead.name, "role": lead.job_title, "language": lead.preferred_language,
                                     "email": lead.email, "phone": lead.phone}, user)
    audit.record("lead", lead.id, "company", {"company_id": (None, company.id)}, user_id=user.id)
    db.session.flush()
    return company


def start_expansion(company: Company, user: User) -> Lead:
    """A new lead for the company's expansion or reinvestment, linked to it: reports tell it from a new investor."""
    contact = company.contacts[0] if company.contacts else None
    submission = lead_operations.Submission(
        kind=LeadKind.MANUAL, language=contact.language if contact else "en",
        name=contact.name if contact else (company.name_latin or company.name)[:120],
        company=company.name_latin or company.name, email=contact.email if contact else "",
        country=company.country, message="", job_title=contact.role if contact else "",
        phone=contact.phone if contact else "", sectors=[company.sector] if company.sector else [],
    )
    lead = lead_operations.create_lead(submission, user)
    lead.source = LeadSource.EXPANSION
    if company.owner_id and lead.owner_id != company.owner_id:
        lead_operations.assign(lead, company.owner, user)
    db.session.add(CompanyLead(company=company, lead=lead, relation=CompanyLeadRelation.EXPANSION))
    audit.record("company", company.id, "expansion", {"lead_id": (None, lead.id)}, user_id=user.id)
    db.session.flush()
    return lead


def make_referrer(company: Company, user: User) -> Referrer:
    """The company's personal referral link (a ``Referrer`` of the kind "a company already investing here")."""
    if company.referrer is not None:
        return company.referrer
    base = re.sub(r"[^a-z0-9]+", "-", fold(company.name_latin or company.name)).strip("-")[:30] or "company"
    base = base if len(base) >= 3 else f"{base}-co"
    taken, code, number = queries.referrer_codes(), base, 2
    while code in taken:
        code, number = f"{base}-{number}", number + 1
    contact = company.contacts[0] if company.contacts else None
    referrer = lead_operations.save_referrer(None, {
        "code": code, "kind": ReferrerKind.EXISTING_INVESTOR, "name": (company.name_latin or company.name)[:200],
        "organisation": company.parent_group, "country": company.country,
        "email": contact.email_normalized if contact else "", "preferred_language": contact.language if contact else "en",
        "active": True, "wants_updates": False,
    }, user)
    audit.record("company", company.id, "referrer", {"referrer_id": (None, referrer.id)}, user_id=user.id)
    company.referrer_id = referrer.id
    db.session.flush()
    return referrer


def due_horizon(today: date) -> date:
    """The "due for a visit" list looks a month ahead."""
    return today + timedelta(days=30)


def invite(event: Event, company_ids: list[int], invited: list[EventCompany], user: User) -> int:
    """Invite companies to the event (those already invited stay as they are); how many were added."""
    already = {link.company_id for link in invited}
    added = [company_id for company_id in dict.fromkeys(company_ids) if company_id not in already]
    for company_id in added:
        db.session.add(EventCompany(event_id=event.id, company_id=company_id))
    if added:
        audit.record("event", event.id, "invite", {"company_ids": (None, added)}, user_id=user.id)
    db.session.flush()
    return len(added)


def record_attendance(event: Event, invited: list[EventCompany], came: set[int], user: User) -> None:
    """Who came: the invited companies in ``came`` attended, the others did not. Coming to the meeting
    is a contact with the company, on the event's day."""
    changed = {}
    for link in invited:
        if link.attended != (link.company_id in came):
            changed[link.company_id] = (link.attended, not link.attended)
            link.attended = not link.attended
            company = link.company
            if link.attended and (company.last_contact_on is None or event.starts_on > company.last_contact_on):
                company.last_contact_on = event.starts_on
                refresh_visit_due(company)
    if changed:
        audit.record("event", event.id, "attendance", {str(k): v for k, v in changed.items()}, user_id=user.id)
    db.session.flush()
