"""The catalogue as JSON: what the public pages show, in the language asked for, with the same
fallback (``lang`` says which language a text is really in). Money in USD as integers, areas and
distances as numbers, never formatted strings: the consumer formats for its own readers."""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from portal.clock import as_utc
from portal.links import external_url
from portal.projects.models import IndustrialPark, InvestmentProject, Location, MediaFile, MediaKind, Sector


def number(value: Decimal | float | int | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if isinstance(value, int) else float(value)


def moment(value: datetime | None) -> str | None:
    """A stored time as RFC 3339 in UTC, with its offset on both databases (SQLite keeps none)."""
    return as_utc(value).astimezone(timezone.utc).isoformat() if value else None


def reference(item: Sector | Location, lang: str) -> dict:
    return {"code": item.code, "name": item.name(lang)}


def _coordinates(item) -> dict | None:
    if item.latitude is None or item.longitude is None:
        return None
    return {"latitude": item.latitude, "longitude": item.longitude}


def _media(media: list[MediaFile]) -> dict:
    def link(file: MediaFile) -> str:
        return external_url("media.file", name=file.stored_name)

    return {
        "photos": [{"url": link(f), "width": f.width, "height": f.height}
                   for f in media if f.kind == MediaKind.IMAGE],
        "brochures": [{"url": link(f), "content_type": f.content_type, "size_bytes": f.size_bytes}
                      for f in media if f.kind == MediaKind.BROCHURE],
    }


def project(item: InvestmentProject, lang: str, full: bool = False) -> dict:
    text = item.text(lang)
    data = {
        "slug": item.slug,
        "url": external_url("projects.detail", lang=lang, slug=item.slug),
        "lang": text.lang,
        "title": text.text.title,
        "summary": text.text.summary,
        "sector": reference(item.sector, lang),
        "location": reference(item.location, lang),
        "park": {"slug": item.park.slug, "name": item.park.text(lang).text.name} if item.park else None,
        "total_investment_usd": item.total_investment_usd,
        "total_investment_vnd": item.total_investment_vnd,
        "land_area_ha": number(item.land_area_ha),
        "investment_form": {"code": item.investment_form, "label": str(item.investment_form_label)},
        "status": {"code": item.status, "label": str(item.status_label)},
        "featured": item.featured,
        "updated_at": moment(item.updated_at),
    }
    if full:
        data |= {
            "description": text.text.description,
            "incentives": text.text.incentives,
            "contact_agency": text.text.contact_agency,
            "timeline": {"start": item.timeline_start, "end": item.timeline_end},
            "coordinates": _coordinates(item),
            "languages": sorted(item.texts),
        } | _media(item.media)
    return data


PARK_NUMBERS = (
    "total_area_ha", "industrial_land_ha", "available_area_ha", "occupancy_pct", "land_rent_min_usd_m2",
    "land_rent_max_usd_m2", "factory_rent_min_usd_m2_month", "factory_rent_max_usd_m2_month",
    "maintenance_fee_usd_m2_year", "wastewater_fee_usd_m3", "seaport_distance_km", "airport_distance_km",
    "hcmc_centre_distance_km", "highway_distance_km", "power_capacity_mva",
)
PARK_INTEGERS = ("established_year", "tenants_domestic", "tenants_foreign", "seaport_max_vessel_dwt",
                 "water_capacity_m3_day", "wastewater_capacity_m3_day")


def park(item: IndustrialPark, lang: str, full: bool = False) -> dict:
    text = item.text(lang)
    data = {
        "slug": item.slug,
        "url": external_url("parks.detail", lang=lang, slug=item.slug),
        "lang": text.lang,
        "name": text.text.name,
        "summary": text.text.summary,
        "developer": item.developer,
        "location": reference(item.location, lang),
        "target_sectors": [reference(sector, lang) for sector in item.target_sectors],
        "available_area_ha": number(item.available_area_ha),
        "land_rent_min_usd_m2": number(item.land_rent_min_usd_m2),
        "land_rent_max_usd_m2": number(item.land_rent_max_usd_m2),
        "ready_built_factories": item.ready_built_factories,
        "updated_at": moment(item.updated_at),
    }
    if full:
        data |= {name: number(getattr(item, name)) for name in PARK_NUMBERS}
        data |= {name: getattr(item, name) for name in PARK_INTEGERS}
        data |= {
            "description": text.text.description,
            "excluded_industries": text.text.excluded_industries,
            "nearest_seaport": text.text.nearest_seaport,
            "lease_term_end": item.lease_term_end.isoformat() if item.lease_term_end else None,
            "coordinates": _coordinates(item),
            "languages": sorted(item.texts),
        } | _media(item.media)
    return data
