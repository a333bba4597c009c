"""Read-only lookups for capturing leads."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal import clock
from portal.extensions import db
from portal.leads.models import Lead, LeadStatus, Referrer, Stage
from portal.projects.models import IndustrialPark, InvestmentProject, Sector

#: A submission from an e-mail with an open lead this recent joins that lead.
DUPLICATE_WINDOW = timedelta(days=90)


def normalize_email(email: str) -> str:
    return email.strip().lower()


def open_lead_for_email(email: str) -> Lead | None:
    """The investor's open lead from the last 90 days, if any: a new message joins it."""
    cutoff = clock.now() - DUPLICATE_WINDOW
    stmt = (
        select(Lead)
        .where(Lead.email_normalized == normalize_email(email), Lead.status == LeadStatus.OPEN,
               Lead.last_message_at >= cutoff)
        .options(selectinload(Lead.sectors), selectinload(Lead.projects), selectinload(Lead.parks))
        .order_by(Lead.last_message_at.desc())
    )
    return db.session.scalars(stmt).first()


def active_referrer(code: str | None) -> Referrer | None:
    if not code:
        return None
    return db.session.scalars(select(Referrer).where(Referrer.code == code, Referrer.active.is_(True))).first()


def stage_by_code(code: str) -> Stage:
    return db.session.scalars(select(Stage).where(Stage.code == code)).one()


def sectors_by_code(codes: list[str]) -> list[Sector]:
    return list(db.session.scalars(select(Sector).where(Sector.code.in_(codes)))) if codes else []


def published_projects_by_slug(slugs: list[str]) -> list[InvestmentProject]:
    if not slugs:
        return []
    stmt = select(InvestmentProject).where(InvestmentProject.slug.in_(slugs), InvestmentProject.published.is_(True))
    return list(db.session.scalars(stmt.options(selectinload(InvestmentProject.texts))))


def published_parks_by_slug(slugs: list[str]) -> list[IndustrialPark]:
    if not slugs:
        return []
    stmt = select(IndustrialPark).where(IndustrialPark.slug.in_(slugs), IndustrialPark.published.is_(True))
    return list(db.session.scalars(stmt.options(selectinload(IndustrialPark.texts))))


def visit_choices() -> tuple[list[IndustrialPark], list[InvestmentProject]]:
    """Every published park and project with its names, for the site-visit form."""
    parks = select(IndustrialPark).where(IndustrialPark.published.is_(True)).order_by(IndustrialPark.id)
    projects = select(InvestmentProject).where(InvestmentProject.published.is_(True)).order_by(InvestmentProject.id)
    return (list(db.session.scalars(parks.options(selectinload(IndustrialPark.texts)))),
            list(db.session.scalars(projects.options(selectinload(InvestmentProject.texts)))))
