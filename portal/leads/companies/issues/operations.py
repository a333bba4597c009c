"""Every change to an investor's issue: change, note, audit, queue mail, flush; the view commits once."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import select

from portal import audit, clock
from portal.auth.models import User
from portal.extensions import db
from portal.leads import queries as lead_queries
from portal.leads.companies.issues import queries
from portal.leads.models import Company, CompanyContact, Holiday, Issue, IssueNote, IssueSource, IssueStatus
from portal.leads.operations import new_reference
from portal.leads.rules.aftercare import next_working_day
from portal.outbox.compose import queue_mail

#: What staff may change on an issue besides its status.
ISSUE_FIELDS = ("category", "agency", "subject", "description", "owner_id", "due_on", "company_id")


@dataclass
class IssueDraft:
    """An issue as it is raised: through the form, by staff or at an event."""

    category: str
    agency: str
    subject: str
    description: str
    language: str = "en"
    source: str = IssueSource.STAFF
    raised_by_name: str = ""
    raised_by_email: str = ""
    raised_by_company: str = ""
    company: Company | None = None
    contact: CompanyContact | None = None
    event_id: int | None = None
    owner_id: int | None = None
    due_on: date | None = None
    #: The public form's key: a second sending of the same form is refused by the database.
    form_key: str | None = None


def new_issue_reference() -> str:
    """IS-26-XXXXXX, in the leads' alphabet: read out on the phone without mistakes."""
    return new_reference("IS", Issue.reference)


def due_day(raised_on: date) -> date:
    """``ISSUE_DUE_WORKING_DAYS`` working days after the day it was raised, holidays not counted."""
    return lead_queries.working_days_after(raised_on, current_app.config["ISSUE_DUE_WORKING_DAYS"])


def match_company(email: str, company_name: str) -> tuple[Company | None, CompanyContact | None]:
    """The company an investor writing from the form belongs to: by the contact's e-mail, else by the
    company name (matched as the company list matches names); neither: staff link it."""
    contact = queries.contact_by_email(email)
    if contact is not None:
        return contact.company, contact
    return queries.company_by_name(company_name), None


def raise_issue(draft: IssueDraft, user: User | None) -> Issue:
    """Record a new issue with its reference and due day; one raised through the form is acknowledged
    by e-mail in the investor's language (sent once the transaction commits)."""
    today = clock.today_in_vietnam()
    company = draft.company
    issue = Issue(
        reference=new_issue_reference(), company=company, contact=draft.contact, event_id=draft.event_id,
        source=draft.source, category=draft.category, agency=draft.agency, subject=draft.subject,
        description=draft.description, status=IssueStatus.OPEN, raised_on=today,
        due_on=draft.due_on or due_day(today), language=draft.language,
        owner_id=draft.owner_id or (company.owner_id if company else None),
        raised_by_name=draft.raised_by_name, raised_by_email=draft.raised_by_email,
        raised_by_company=draft.raised_by_company or (company.name_latin or company.name if company else ""),
        form_key=draft.form_key,
    )
    db.session.add(issue)
    db.session.flush()
    user_id = user.id if user else None
    db.session.add(IssueNote(issue=issue, at=clock.now(), user_id=user_id, status_to=IssueStatus.OPEN))
    audit.record("issue", issue.id, "create", {"reference": (None, issue.reference), "source": (None, issue.source),
                                               "company_id": (None, issue.company_id)}, user_id=user_id)
    if draft.source == IssueSource.FORM and issue.raised_by_email:
        queue_mail("issue_received", issue.raised_by_email, issue.language, issue=issue)
    db.session.flush()
    return issue


def log_issue(company: Company, values: dict, user: User, source: str = IssueSource.STAFF,
              event_id: int | None = None) -> Issue:
    """An issue staff heard from the company (a call, a visit, the yearly meeting), in the language of
    its first contact; ``values`` from ``IssueForm.values``."""
    contact = company.contacts[0] if company.contacts else None
    return raise_issue(IssueDraft(
        category=values["category"], agency=values["agency"], subject=values["subject"],
        description=values["description"], language=contact.language if contact else "en", source=source,
        company=company, contact=contact, owner_id=values["owner_id"], due_on=values["due_on"],
        event_id=event_id), user)


def recipient(issue: Issue) -> str:
    """Whom the centre tells about the issue: who raised it, else the company contact it concerns."""
    return issue.raised_by_email or (issue.contact.email if issue.contact else "")


def change_status(issue: Issue, status: IssueStatus, note: str, user: User) -> None:
    """Move the issue on, with a note; once resolved, the investor is told in their language."""
    old = issue.status
    if old == status and not note:
        return
    db.session.add(IssueNote(issue=issue, at=clock.now(), user_id=user.id, body=note,
                             status_from=old if old != status else "", status_to=status if old != status else ""))
    if old != status:
        issue.status = status
        audit.record("issue", issue.id, "status", {"status": (old, status)}, user_id=user.id)
        if status == IssueStatus.RESOLVED:
            issue.resolved_on = clock.today_in_vietnam()
            if recipient(issue):
                queue_mail("issue_resolved", recipient(issue), issue.language, issue=issue, note=note)
        elif status != IssueStatus.CLOSED:
            issue.resolved_on = None
    db.session.flush()


def update_issue(issue: Issue, values: dict, user: User) -> Issue:
    """Category, agency, owner, due day or the company it concerns, as staff corrected them; a due day
    staff set is the day as set, whatever a holiday had moved."""
    if values.get("company_id") != issue.company_id:
        issue.contact = None
    if values.get("due_on") != issue.due_on:
        issue.due_on_before_holiday = None
    return audit.save_with_audit(Issue, issue, values, "issue", user.id)


def follow_holidays(day: date, user: User) -> int:
    """After a holiday on ``day`` is recorded or removed, in the caller's transaction: an open issue due
    that day moves to the next working day, and one a holiday had moved comes back towards the day as
    set, as far as the holidays now allow (never before it). Returns how many moved."""
    return _follow_holidays(queries.due_around(day), user)


def follow_every_holiday() -> int:
    """Every open issue's due day against the holidays as stored (``flask reports refresh``: after
    holidays written around the session). Returns how many moved."""
    return _follow_holidays(queries.open_issues(), None)


def _follow_holidays(issues, user: User | None) -> int:
    """Each issue due on the first working day from its day as set; each move a note in its history, audited."""
    holidays = set(db.session.scalars(select(Holiday.day)))
    moved = 0
    for issue in issues:
        as_set = issue.due_on_before_holiday or issue.due_on
        due = next_working_day(as_set, holidays)
        if due == issue.due_on:
            continue
        user_id = user.id if user else None
        db.session.add(IssueNote(issue_id=issue.id, at=clock.now(), user_id=user_id, due_from=issue.due_on,
                                 due_to=due))
        audit.record("issue", issue.id, "holiday", {"due_on": (issue.due_on, due)}, user_id=user_id)
        issue.due_on, issue.due_on_before_holiday = due, (as_set if due != as_set else None)
        moved += 1
    db.session.flush()
    return moved
