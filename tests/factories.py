"""Small builders for test data: every test arranges exactly what it needs."""
from __future__ import annotations

import itertools
from decimal import Decimal

from portal.extensions import db
from portal.projects.models import (
    IndustrialPark,
    InvestmentProject,
    Location,
    ParkText,
    ProjectText,
    Sector,
)
from portal.public.models import KeyFigure

_numbers = itertools.count(1)


def sector(code: str | None = None, **names) -> Sector:
    code = code or f"sector_{next(_numbers)}"
    item = Sector(code=code, priority=True, position=next(_numbers))
    for lang in ("vi", "en", "ko", "ja"):
        setattr(item, f"name_{lang}", names.get(lang, f"{code} ({lang})"))
    db.session.add(item)
    return item


def location(code: str | None = None, **names) -> Location:
    code = code or f"location_{next(_numbers)}"
    item = Location(code=code, position=next(_numbers))
    for lang in ("vi", "en", "ko", "ja"):
        setattr(item, f"name_{lang}", names.get(lang, f"{code} ({lang})"))
    db.session.add(item)
    return item


def park(slug: str | None = None, *, texts: dict | None = None, where: Location | None = None,
         sectors: list[Sector] = (), **fields) -> IndustrialPark:
    slug = slug or f"park-{next(_numbers)}"
    values = dict(
        developer="Becamex IDC", total_area_ha=Decimal("500"), available_area_ha=Decimal("20"),
        occupancy_pct=Decimal("95"), land_rent_min_usd_m2=Decimal("120"), land_rent_max_usd_m2=Decimal("150"),
        factory_rent_min_usd_m2_month=Decimal("4.2"), factory_rent_max_usd_m2_month=Decimal("5"),
        hcmc_centre_distance_km=Decimal("30"),
    )
    values.update(fields)
    item = IndustrialPark(slug=slug, location=where or location(), **values)
    item.target_sectors = list(sectors)
    for lang, name in (texts or {"en": f"Park {slug}", "vi": f"KCN {slug}"}).items():
        item.texts[lang] = ParkText(lang=lang, name=name, summary=f"{name} summary", description=f"{name} description")
    db.session.add(item)
    return item


def project(slug: str | None = None, *, texts: dict | None = None, of: Sector | None = None,
            where: Location | None = None, in_park: IndustrialPark | None = None, **fields) -> InvestmentProject:
    slug = slug or f"project-{next(_numbers)}"
    values = dict(
        total_investment_usd=100_000_000, land_area_ha=Decimal("10"), investment_form="foreign_100", status="open",
    )
    values.update(fields)
    item = InvestmentProject(slug=slug, sector=of or sector(), location=where or location(), park=in_park, **values)
    for lang, title in (texts or {"en": f"Project {slug}", "vi": f"Dự án {slug}"}).items():
        item.texts[lang] = ProjectText(lang=lang, title=title, summary=f"{title} summary",
                                       description=f"{title} description", incentives="CIT 10% for 15 years")
    db.session.add(item)
    db.session.flush()
    item.refresh_search_text()
    return item


def key_figure(kind: str, value, **fields) -> KeyFigure:
    from datetime import date

    item = KeyFigure(kind=kind, value=Decimal(str(value)), as_of=fields.pop("as_of", date(2024, 12, 31)),
                     source=fields.pop("source", "Test source"), **fields)
    db.session.add(item)
    return item
