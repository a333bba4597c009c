"""Which parks and projects the map shows: the lists' own filters, in a fixed number of queries."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask import url_for
from sqlalchemy import func, select, union_all
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.projects import queries
from portal.projects.map.drawing import Place
from portal.projects.map.projection import BBox
from portal.projects.models import IndustrialPark, InvestmentProject


@dataclass
class MapFilters:
    sector: str = ""
    location: str = ""
    #: A park's available land, a project's land area: at least this many hectares.
    min_land_ha: Decimal | None = None

    @property
    def active(self) -> bool:
        return bool(self.sector or self.location or self.min_land_ha is not None)


def places(filters: MapFilters, lang: str) -> list[Place]:
    """The parks, then the projects, that match, numbered in that order (the number is on the pin)."""
    park_stmt = queries.filter_parks(queries.ParkFilters(location=filters.location, sector=filters.sector,
                                                         min_available_ha=filters.min_land_ha))
    project_stmt = queries.filter_projects(queries.ProjectFilters(sector=filters.sector, location=filters.location,
                                                                  min_area_ha=filters.min_land_ha))
    parks = db.session.scalars(park_stmt.options(selectinload(IndustrialPark.texts)))
    projects = db.session.scalars(project_stmt.options(selectinload(InvestmentProject.texts)))
    found = [_place("park", park, park.text(lang), "name", "parks.detail", lang) for park in parks]
    found += [_place("project", project, project.text(lang), "title", "projects.detail", lang) for project in projects]
    return [Place(**{**vars(place), "number": number}) for number, place in enumerate(found, start=1)]


def _place(kind: str, item, text, attribute: str, endpoint: str, lang: str) -> Place:
    return Place(kind=kind, slug=item.slug, name=getattr(text.text, attribute), url=url_for(endpoint, lang=lang,
                 slug=item.slug), lat=item.latitude, lon=item.longitude,
                 name_lang=text.lang if text.is_fallback else None)


def catalogue_extent() -> BBox | None:
    """The box around every published, located park and project: the map keeps it while filtering,
    so that a place stays where it was."""
    located = [
        select(model.latitude.label("lat"), model.longitude.label("lon"))
        .where(model.published.is_(True), model.latitude.is_not(None), model.longitude.is_not(None))
        for model in (IndustrialPark, InvestmentProject)
    ]
    both = union_all(*located).subquery()
    row = db.session.execute(select(func.min(both.c.lon), func.min(both.c.lat), func.max(both.c.lon),
                                    func.max(both.c.lat))).one()
    return None if row[0] is None else BBox(*row)
