"""Read-only catalogue queries. Each loads what its page shows in a fixed number of statements."""
from __future__ import annotations

import time
from dataclasses import dataclass
from decimal import Decimal

from flask import current_app
from sqlalchemy import Select, and_, exists, false, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from portal.extensions import db
from portal.page_cache import content_generation
from portal.projects.models import (
    ExchangeRate,
    IndustrialPark,
    InvestmentProject,
    Location,
    ParkText,
    ProjectText,
    Sector,
    park_target_sectors,
)
from portal.search_text import fold

COMPARE_MIN, COMPARE_MAX = 2, 4

PROJECT_SORTS = {
    "featured": (InvestmentProject.featured.desc(), InvestmentProject.total_investment_usd.desc()),
    "newest": (InvestmentProject.created_at.desc(),),
    "investment_desc": (InvestmentProject.total_investment_usd.desc(),),
    "investment_asc": (InvestmentProject.total_investment_usd.asc(),),
    "area_desc": (InvestmentProject.land_area_ha.desc(),),
    "area_asc": (InvestmentProject.land_area_ha.asc(),),
}

PARK_SORTS = {
    "available_desc": (IndustrialPark.available_area_ha.desc(),),
    "price_asc": (IndustrialPark.land_rent_min_usd_m2.asc(),),
    "area_desc": (IndustrialPark.total_area_ha.desc(),),
    "distance_hcmc": (IndustrialPark.hcmc_centre_distance_km.asc(),),
}


@dataclass
class ProjectFilters:
    q: str = ""
    sector: str = ""
    location: str = ""
    investment_form: str = ""
    status: str = ""
    min_investment_usd: int | None = None
    max_investment_usd: int | None = None
    min_area_ha: Decimal | None = None
    max_area_ha: Decimal | None = None
    sort: str = "featured"

    @property
    def active(self) -> bool:
        return any(
            value not in ("", None)
            for name, value in vars(self).items()
            if name != "sort"
        )


@dataclass
class ParkFilters:
    location: str = ""
    sector: str = ""
    min_available_ha: Decimal | None = None
    max_land_rent_usd_m2: Decimal | None = None
    ready_built_factories: bool = False
    sort: str = "available_desc"

    @property
    def active(self) -> bool:
        return any(value not in ("", None, False) for name, value in vars(self).items() if name != "sort")


def sectors() -> list[Sector]:
    return list(db.session.scalars(select(Sector).order_by(Sector.position, Sector.id)))


def sectors_kept() -> list[Sector]:
    """``sectors()``, loaded once per worker while the published content's generation stays the same
    (a changed sector starts a new one, ``portal.page_cache``) and at most ``PAGE_CACHE_SECONDS``: the
    public forms offer them on every submission. Detached from any session: ``db.session.merge(sector,
    load=False)`` the ones a lead keeps. With the page cache off they are loaded each time."""
    generation = content_generation()
    if generation is None or any(isinstance(item, Sector) for item in db.session.identity_map.values()):
        return sectors()  # (sectors the session holds already stay in it)
    kept = current_app.extensions.get("kept_sectors")
    if kept is None or kept[0] != generation or kept[1] < time.monotonic():
        loaded = sectors()
        for sector in loaded:
            db.session.expunge(sector)
        kept = (generation, time.monotonic() + current_app.config["PAGE_CACHE_SECONDS"], loaded)
        current_app.extensions["kept_sectors"] = kept
    return kept[2]


def locations() -> list[Location]:
    return list(db.session.scalars(select(Location).order_by(Location.position, Location.id)))


def _with_card_data(stmt: Select) -> Select:
    """What a project card shows: texts, sector, location and its park's name."""
    return stmt.options(
        selectinload(InvestmentProject.texts),
        joinedload(InvestmentProject.sector),
        joinedload(InvestmentProject.location),
        selectinload(InvestmentProject.park).selectinload(IndustrialPark.texts),
    )


def _with_park_card_data(stmt: Select) -> Select:
    return stmt.options(
        selectinload(IndustrialPark.texts),
        joinedload(IndustrialPark.location),
        selectinload(IndustrialPark.target_sectors),
    )


def _published_projects() -> Select:
    return select(InvestmentProject).where(InvestmentProject.published.is_(True))


def _published_parks() -> Select:
    return select(IndustrialPark).where(IndustrialPark.published.is_(True))


def _code_id(model, code: str):
    return select(model.id).where(model.code == code).scalar_subquery()


def filter_projects(filters: ProjectFilters) -> Select:
    stmt = _published_projects()
    for word in fold(filters.q).split():
        stmt = stmt.where(InvestmentProject.search_text.contains(word, autoescape=True))
    if filters.sector:
        stmt = stmt.where(InvestmentProject.sector_id == _code_id(Sector, filters.sector))
    if filters.location:
        stmt = stmt.where(InvestmentProject.location_id == _code_id(Location, filters.location))
    if filters.investment_form:
        stmt = stmt.where(InvestmentProject.investment_form == filters.investment_form)
    if filters.status:
        stmt = stmt.where(InvestmentProject.status == filters.status)
    if filters.min_investment_usd is not None:
        stmt = stmt.where(InvestmentProject.total_investment_usd >= filters.min_investment_usd)
    if filters.max_investment_usd is not None:
        stmt = stmt.where(InvestmentProject.total_investment_usd <= filters.max_investment_usd)
    if filters.min_area_ha is not None:
        stmt = stmt.where(InvestmentProject.land_area_ha >= filters.min_area_ha)
    if filters.max_area_ha is not None:
        stmt = stmt.where(InvestmentProject.land_area_ha <= filters.max_area_ha)
    order = PROJECT_SORTS.get(filters.sort, PROJECT_SORTS["featured"])
    return stmt.order_by(*order, InvestmentProject.id)


def search_projects(filters: ProjectFilters, page: int, per_page: int):
    """One page of the catalogue, with its total count."""
    return db.paginate(_with_card_data(filter_projects(filters)), page=page, per_page=per_page, error_out=False)


def project_by_slug(slug: str) -> InvestmentProject | None:
    stmt = _with_card_data(_published_projects().where(InvestmentProject.slug == slug))
    return db.session.scalars(stmt.options(selectinload(InvestmentProject.media))).first()


def related_projects(project: InvestmentProject, limit: int = 3) -> list[InvestmentProject]:
    """Other projects in the same sector or the same park, the closest matches first."""
    same_park = InvestmentProject.park_id == project.park_id if project.park_id else false()
    stmt = (
        _published_projects()
        .where(InvestmentProject.id != project.id)
        .where(or_(InvestmentProject.sector_id == project.sector_id, same_park))
        .order_by((InvestmentProject.sector_id == project.sector_id).desc(), InvestmentProject.featured.desc(),
                  InvestmentProject.id)
        .limit(limit)
    )
    return list(db.session.scalars(_with_card_data(stmt)))


def featured_projects(limit: int = 6) -> list[InvestmentProject]:
    stmt = _published_projects().where(InvestmentProject.featured.is_(True))
    stmt = stmt.order_by(InvestmentProject.total_investment_usd.desc(), InvestmentProject.id).limit(limit)
    return list(db.session.scalars(_with_card_data(stmt)))


def filter_parks(filters: ParkFilters) -> Select:
    stmt = _published_parks()
    if filters.location:
        stmt = stmt.where(IndustrialPark.location_id == _code_id(Location, filters.location))
    if filters.sector:
        stmt = stmt.where(
            exists().where(
                and_(
                    park_target_sectors.c.park_id == IndustrialPark.id,
                    park_target_sectors.c.sector_id == _code_id(Sector, filters.sector),
                )
            )
        )
    if filters.min_available_ha is not None:
        stmt = stmt.where(IndustrialPark.available_area_ha >= filters.min_available_ha)
    if filters.max_land_rent_usd_m2 is not None:
        stmt = stmt.where(IndustrialPark.land_rent_min_usd_m2 <= filters.max_land_rent_usd_m2)
    if filters.ready_built_factories:
        stmt = stmt.where(IndustrialPark.ready_built_factories.is_(True))
    order = PARK_SORTS.get(filters.sort, PARK_SORTS["available_desc"])
    return stmt.order_by(*order, IndustrialPark.id)


def search_parks(filters: ParkFilters, page: int, per_page: int):
    return db.paginate(_with_park_card_data(filter_parks(filters)), page=page, per_page=per_page, error_out=False)


def parks_with_available_land(limit: int = 6) -> list[IndustrialPark]:
    stmt = _published_parks().where(IndustrialPark.available_area_ha > 0)
    stmt = stmt.order_by(IndustrialPark.available_area_ha.desc(), IndustrialPark.id).limit(limit)
    return list(db.session.scalars(_with_park_card_data(stmt)))


def park_by_slug(slug: str) -> IndustrialPark | None:
    stmt = _with_park_card_data(_published_parks().where(IndustrialPark.slug == slug))
    return db.session.scalars(stmt.options(selectinload(IndustrialPark.media))).first()


def park_projects(park: IndustrialPark) -> list[InvestmentProject]:
    stmt = _published_projects().where(InvestmentProject.park_id == park.id)
    stmt = stmt.order_by(InvestmentProject.featured.desc(), InvestmentProject.id)
    return list(db.session.scalars(_with_card_data(stmt)))


def projects_by_slugs(slugs: list[str]) -> list[InvestmentProject]:
    """The published projects named, in the order named, unknown slugs left out."""
    if not slugs:
        return []
    stmt = _with_card_data(_published_projects().where(InvestmentProject.slug.in_(slugs)))
    found = {project.slug: project for project in db.session.scalars(stmt)}
    return [found[slug] for slug in dict.fromkeys(slugs) if slug in found]


def parks_by_slugs(slugs: list[str]) -> list[IndustrialPark]:
    """The parks named, in the order named, unknown slugs left out."""
    stmt = _with_park_card_data(_published_parks().where(IndustrialPark.slug.in_(slugs)))
    found = {park.slug: park for park in db.session.scalars(stmt)}
    return [found[slug] for slug in dict.fromkeys(slugs) if slug in found]


def park_choices() -> list[IndustrialPark]:
    """Every published park with its names, for the compare picker."""
    stmt = _published_parks().options(selectinload(IndustrialPark.texts)).order_by(IndustrialPark.id)
    return list(db.session.scalars(stmt))


def _with_languages(rows) -> list[tuple[str, object, list[str]]]:
    """(slug, updated, lang) rows, one per text, as (slug, updated, languages written in)."""
    items: dict[str, tuple[str, object, list[str]]] = {}
    for slug, updated, lang in rows:
        items.setdefault(slug, (slug, updated, []))[2].append(lang)
    return list(items.values())


def sitemap_items() -> tuple[list[tuple[str, object, list[str]]], list[tuple[str, object, list[str]]]]:
    """Published projects and parks: slug, last change, and the languages each is written in."""
    projects = db.session.execute(
        _published_projects().join(InvestmentProject.texts)
        .with_only_columns(InvestmentProject.slug, InvestmentProject.updated_at, ProjectText.lang)
        .order_by(InvestmentProject.id)
    ).all()
    parks = db.session.execute(
        _published_parks().join(IndustrialPark.texts)
        .with_only_columns(IndustrialPark.slug, IndustrialPark.updated_at, ParkText.lang).order_by(IndustrialPark.id)
    ).all()
    return _with_languages(projects), _with_languages(parks)


@dataclass(frozen=True)
class ParkTotals:
    parks: int
    available_area_ha: Decimal
    updated_at: object


def park_totals() -> ParkTotals:
    """How many parks the directory lists and how much land they still offer, in one query."""
    row = db.session.execute(
        _published_parks().with_only_columns(
            func.count(IndustrialPark.id),
            func.coalesce(func.sum(IndustrialPark.available_area_ha), 0),
            func.max(IndustrialPark.updated_at),
        )
    ).one()
    return ParkTotals(*row)


def exchange_rate_on(day) -> ExchangeRate | None:
    """The rate that applies on ``day``: the latest recorded from that day or before."""
    stmt = select(ExchangeRate).where(ExchangeRate.applies_from <= day)
    return db.session.scalars(stmt.order_by(ExchangeRate.applies_from.desc(), ExchangeRate.id.desc()).limit(1)).first()


def exchange_rate_history(limit: int = 50) -> list[tuple[ExchangeRate, str | None]]:
    """The recorded rates, newest first, each with the name of who recorded it."""
    from portal.auth.models import User

    stmt = (select(ExchangeRate, User.name).outerjoin(User, User.id == ExchangeRate.set_by_id)
            .order_by(ExchangeRate.applies_from.desc(), ExchangeRate.id.desc()).limit(limit))
    return [tuple(row) for row in db.session.execute(stmt)]
