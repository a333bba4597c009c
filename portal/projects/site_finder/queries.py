"""What the site finder reads: every park it may propose, and the catalogue's matching projects,
each in a fixed number of statements."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import or_, select

from portal.extensions import db
from portal.projects.models import IndustrialPark, InvestmentProject, Sector
from portal.projects.queries import _with_card_data, _with_park_card_data

#: How many of the catalogue's projects the answer lists.
PROJECTS_SHOWN = 12


def candidate_parks() -> list[IndustrialPark]:
    """Every published park still in the directory, with what its reasons and card show."""
    stmt = select(IndustrialPark).where(IndustrialPark.published.is_(True), IndustrialPark.archived.is_(False))
    return list(db.session.scalars(_with_park_card_data(stmt.order_by(IndustrialPark.id))))


def matching_projects(sector: str, land_ha: Decimal | None, park_ids: list[int]) -> list[InvestmentProject]:
    """The catalogue's projects an investor with these needs would look at: in their sector (any
    sector when none is said), needing no more land than they asked for (when they asked), and
    either in one of the parks that meet every need or outside the parks."""
    stmt = select(InvestmentProject).where(InvestmentProject.published.is_(True),
                                           InvestmentProject.archived.is_(False))
    if sector:
        stmt = stmt.where(InvestmentProject.sector_id == select(Sector.id).where(Sector.code == sector)
                          .scalar_subquery())
    if land_ha is not None:
        stmt = stmt.where(InvestmentProject.land_area_ha <= land_ha)
    stmt = stmt.where(or_(InvestmentProject.park_id.is_(None), InvestmentProject.park_id.in_(park_ids)))
    stmt = stmt.order_by(InvestmentProject.featured.desc(), InvestmentProject.total_investment_usd.desc(),
                         InvestmentProject.id).limit(PROJECTS_SHOWN)
    return list(db.session.scalars(_with_card_data(stmt)))
