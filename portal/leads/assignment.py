"""Automatic assignment of a new lead, so that nobody has to dispatch the inbox by hand:
among the officers who take part (``User.auto_assign``), those who work in the investor's
language and cover their country, below their capacity of open leads, the one who got a
lead longest ago (round robin)."""
from __future__ import annotations

from sqlalchemy import func, nulls_first, select

from portal import clock
from portal.auth.models import User
from portal.extensions import db
from portal.leads.models import Lead, LeadStatus


def open_leads_per_owner() -> dict[int, int]:
    stmt = (select(Lead.owner_id, func.count(Lead.id)).where(Lead.status == LeadStatus.OPEN,
                                                           Lead.owner_id.is_not(None)).group_by(Lead.owner_id))
    return dict(db.session.execute(stmt).all())


def choose_officer(language: str, country: str) -> User | None:
    candidates = db.session.scalars(
        select(User).where(User.active.is_(True), User.auto_assign.is_(True))
        .order_by(nulls_first(User.last_assigned_at.asc()), User.id)
    )
    load = open_leads_per_owner()
    for officer in candidates:
        if officer.language_list and language not in officer.language_list:
            continue
        if officer.country_list and country not in officer.country_list:
            continue
        if load.get(officer.id, 0) >= officer.capacity:
            continue
        return officer
    return None


def mark_assigned(officer: User) -> None:
    officer.last_assigned_at = clock.now()
