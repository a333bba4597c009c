"""``flask demo-data``: the demo catalogue of the Binh Duong industrial area, and a few
referrers with personal links (``/r/daejeon``, ``/r/osaka-office``, ``/r/eindhoven``).

The texts live in ``data/*.json``; loading is an upsert by code and slug, so running it
twice changes nothing and never duplicates a row.
"""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from portal.extensions import db
from portal.leads.models import Referrer
from portal.projects.models import (
    IndustrialPark,
    InvestmentProject,
    Location,
    ParkText,
    ProjectText,
    Sector,
)
from portal.public.models import KeyFigure

DATA_DIR = Path(__file__).with_name("data")

PARK_FIELDS = (
    "developer established_year total_area_ha industrial_land_ha available_area_ha occupancy_pct "
    "tenants_domestic tenants_foreign maintenance_fee_usd_m2_year wastewater_fee_usd_m3 seaport_distance_km "
    "seaport_max_vessel_dwt airport_distance_km hcmc_centre_distance_km highway_distance_km power_capacity_mva "
    "water_capacity_m3_day wastewater_capacity_m3_day ready_built_factories featured"
).split()
PROJECT_FIELDS = "land_area_ha total_investment_usd total_investment_vnd investment_form status featured".split()


def _read(name: str):
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def _one(model, **key):
    """The row with this key, or a new one added to the session."""
    row = db.session.scalars(select(model).filter_by(**key)).first()
    if row is None:
        row = model(**key)
        db.session.add(row)
    return row


def _number(value):
    return Decimal(str(value)) if isinstance(value, float) else value


def _set_texts(item, text_model, texts: dict[str, dict]) -> None:
    for lang, values in texts.items():
        text = item.texts.get(lang)
        if text is None:
            text = item.texts[lang] = text_model(lang=lang)
        for name, value in values.items():
            setattr(text, name, value)


def _range(values) -> tuple:
    return tuple(_number(v) for v in values) if values else (None, None)


def load_demo_catalogue() -> dict[str, int]:
    taxonomy = _read("taxonomy.json")
    sectors, locations = {}, {}
    for position, data in enumerate(taxonomy["sectors"]):
        sector = sectors[data["code"]] = _one(Sector, code=data["code"])
        sector.priority, sector.position = data.get("priority", False), position
        for lang, name in data["names"].items():
            setattr(sector, f"name_{lang}", name)
    for position, data in enumerate(taxonomy["locations"]):
        location = locations[data["code"]] = _one(Location, code=data["code"])
        location.position, location.latitude, location.longitude = position, data.get("lat"), data.get("lng")
        for lang, name in data["names"].items():
            setattr(location, f"name_{lang}", name)

    parks = {}
    for data in _read("parks.json"):
        park = parks[data["slug"]] = _one(IndustrialPark, slug=data["slug"])
        for name in PARK_FIELDS:
            setattr(park, name, _number(data.get(name)))
        park.location = locations[data["location"]]
        park.land_rent_min_usd_m2, park.land_rent_max_usd_m2 = _range(data.get("land_rent_usd_m2"))
        park.factory_rent_min_usd_m2_month, park.factory_rent_max_usd_m2_month = _range(
            data.get("factory_rent_usd_m2_month")
        )
        park.lease_term_end = date.fromisoformat(data["lease_term_end"]) if data.get("lease_term_end") else None
        park.latitude, park.longitude = data.get("lat"), data.get("lng")
        park.target_sectors = [sectors[code] for code in data["target_sectors"]]
        park.published = True
        _set_texts(park, ParkText, data["texts"])

    projects = []
    for path in sorted(DATA_DIR.glob("projects_*.json")):
        for data in _read(path.name):
            project = _one(InvestmentProject, slug=data["slug"])
            for name in PROJECT_FIELDS:
                setattr(project, name, _number(data.get(name)))
            project.sector = sectors[data["sector"]]
            project.location = locations[data["location"]]
            project.park = parks[data["park"]] if data.get("park") else None
            project.timeline_start, project.timeline_end = data.get("timeline") or (None, None)
            project.latitude, project.longitude = data.get("lat"), data.get("lng")
            project.published = True
            _set_texts(project, ProjectText, data["texts"])
            projects.append(project)
    for project in projects:
        project.refresh_search_text()

    figures = _read("key_figures.json")
    for position, data in enumerate(figures):
        figure = _one(KeyFigure, kind=data["kind"])
        figure.value, figure.at_least = Decimal(str(data["value"])), data.get("at_least", False)
        figure.as_of, figure.source, figure.position = date.fromisoformat(data["as_of"]), data["source"], position

    referrers = _read("referrers.json")
    for data in referrers:
        referrer = _one(Referrer, code=data["code"])
        for name, value in data.items():
            setattr(referrer, name, value)

    db.session.commit()
    return {"sectors": len(sectors), "locations": len(locations), "parks": len(parks),
            "projects": len(projects), "key figures": len(figures), "referrers": len(referrers)}


@click.command("demo-data")
@click.option("--if-empty", is_flag=True, help="Only load when the catalogue has no project yet (first start).")
@with_appcontext
def demo_data_command(if_empty: bool) -> None:
    """Load the demo catalogue of the Binh Duong industrial area (safe to run twice)."""
    if if_empty and db.session.scalar(select(func.count()).select_from(InvestmentProject)):
        click.echo("The catalogue already has projects: demo data left alone.")
        return
    counts = load_demo_catalogue()
    click.echo("Demo catalogue loaded: " + ", ".join(f"{n} {what}" for what, n in counts.items()))
