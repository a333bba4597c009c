"""Who may work on a lead, and who may see how to reach the investor: the rules every page, list,
search, export and e-mail on leads asks."""
from __future__ import annotations

from sqlalchemy import ColumnElement, or_, true

from portal.auth.models import Role, User
from portal.leads.models import Lead


#: A lead's contact data: what ``can_see_contact`` guards (with the timeline's texts and the consents).
CONTACT_FIELDS = frozenset({"name", "email", "phone", "job_title", "message",
                            "introducer_name", "introducer_organisation", "introducer_email"})


def can_work_on(user: User, lead: Lead) -> bool:
    """Managers work on every lead; an officer on their own leads and on those nobody has taken."""
    return user.can(Role.MANAGER) or lead.owner_id in (None, user.id)


def can_work_on_company(user: User, company) -> bool:
    """As for leads: managers every company; an officer their own and those without an account officer."""
    return user.can(Role.MANAGER) or company.owner_id in (None, user.id)


def can_work_on_issue(user: User, issue) -> bool:
    """An investor's issue: its owner, whoever may work on its company, and, while no company is
    linked, every officer (to link it)."""
    return (user.can(Role.MANAGER) or issue.owner_id == user.id or issue.company is None
            or can_work_on_company(user, issue.company))


def can_complete_task(user: User, task) -> bool:
    """A task is marked done by its assignee, or by whoever may work on its lead or its company."""
    if task.assignee_id == user.id:
        return True
    return can_work_on(user, task.lead) if task.lead is not None else can_work_on_company(user, task.company)


def can_see_contact(user: User, lead: Lead) -> bool:
    """Contact data (name, e-mail, phone, job title, the messages and timeline texts, the introducer)
    follows the work: an officer reaches the investors of their own leads and of those nobody has
    taken, as reports count their own leads only; a colleague's lead shows only that it exists
    (company, country, stage, owner), so the team does not work on the same investor twice."""
    return can_work_on(user, lead)


def contact_visible_to(user: User) -> ColumnElement[bool]:
    """``can_see_contact`` as SQL: a search by e-mail, phone or name only finds the leads whose
    contact data the user may see."""
    if user.can(Role.MANAGER):
        return true()
    return or_(Lead.owner_id.is_(None), Lead.owner_id == user.id)
