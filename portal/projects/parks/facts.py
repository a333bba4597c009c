"""A park's profile as labelled rows, shared by the profile page and the comparison table.

Land rent (paid once for the remaining lease term) and ready-built factory rent (paid
monthly) are separate rows with their own units: investors compare them, so never mix them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask_babel import gettext as _, lazy_gettext as _l

from portal.dates import format_day
from portal.i18n import format_hectares, format_items, format_km, format_number, format_percent, with_note
from portal.money import format_usd, format_usd_range
from portal.projects.models import IndustrialPark


@dataclass(frozen=True)
class Fact:
    label: str
    value: Callable[[IndustrialPark, str], str]


def _land_rent(park: IndustrialPark, lang: str) -> str:
    if park.land_rent_min_usd_m2 is None:
        return ""
    price = format_usd_range(park.land_rent_min_usd_m2, park.land_rent_max_usd_m2)
    return _("%(price)s per m² for the remaining lease term", price=price)


def _factory_rent(park: IndustrialPark, lang: str) -> str:
    if park.factory_rent_min_usd_m2_month is None:
        return ""
    price = format_usd_range(park.factory_rent_min_usd_m2_month, park.factory_rent_max_usd_m2_month)
    return _("%(price)s per m² per month", price=price)


def _maintenance_fee(park: IndustrialPark, lang: str) -> str:
    if park.maintenance_fee_usd_m2_year is None:
        return ""
    return _("%(price)s per m² per year", price=format_usd(park.maintenance_fee_usd_m2_year))


def _wastewater_fee(park: IndustrialPark, lang: str) -> str:
    if park.wastewater_fee_usd_m3 is None:
        return ""
    return _("%(price)s per m³", price=format_usd(park.wastewater_fee_usd_m3))


def _seaport(park: IndustrialPark, lang: str) -> str:
    if park.seaport_distance_km is None:
        return ""
    port = park.text(lang).text.nearest_seaport
    if not port:
        return format_km(park.seaport_distance_km)
    ships = park.seaport_max_vessel_dwt and _("ships up to %(dwt)s DWT", dwt=format_number(park.seaport_max_vessel_dwt, 0))
    return with_note(format_km(park.seaport_distance_km), port, ships)


def _per_day(value: int | None) -> str:
    return "" if value is None else _("%(value)s m³ per day", value=format_number(value, 0))


def _tenants(park: IndustrialPark, lang: str) -> str:
    if park.tenants_total is None:
        return ""
    return _("%(foreign)s foreign and %(domestic)s domestic",
             foreign=format_number(park.tenants_foreign or 0, 0), domestic=format_number(park.tenants_domestic or 0, 0))


def _power(park: IndustrialPark, lang: str) -> str:
    return "" if park.power_capacity_mva is None else _("%(value)s MVA", value=format_number(park.power_capacity_mva))


FACTS: dict[str, Fact] = {
    "location": Fact(_l("Location"), lambda park, lang: park.location.name(lang)),
    "developer": Fact(_l("Developer and operator"), lambda park, lang: park.developer),
    "established": Fact(_l("Established"), lambda park, lang: str(park.established_year or "")),
    "total_area": Fact(_l("Planning area"), lambda park, lang: format_hectares(park.total_area_ha)),
    "industrial_land": Fact(_l("Industrial land for lease"), lambda park, lang: format_hectares(park.industrial_land_ha)),
    "available": Fact(_l("Available land"), lambda park, lang: format_hectares(park.available_area_ha)),
    "occupancy": Fact(_l("Occupancy rate"), lambda park, lang: format_percent(park.occupancy_pct)),
    "tenants": Fact(_l("Tenants"), _tenants),
    "land_rent": Fact(_l("Land rent"), _land_rent),
    "factory_rent": Fact(_l("Ready-built factory rent"), _factory_rent),
    "maintenance_fee": Fact(_l("Infrastructure maintenance fee"), _maintenance_fee),
    "wastewater_fee": Fact(_l("Waste-water treatment fee"), _wastewater_fee),
    "lease_end": Fact(_l("Lease term ends"),
                      lambda park, lang: format_day(park.lease_term_end)),
    "seaport": Fact(_l("Seaport"), _seaport),
    "airport": Fact(_l("Airport"), lambda park, lang: format_km(park.airport_distance_km)),
    "hcmc": Fact(_l("Ho Chi Minh City centre"), lambda park, lang: format_km(park.hcmc_centre_distance_km)),
    "highway": Fact(_l("Highway"), lambda park, lang: format_km(park.highway_distance_km)),
    "power": Fact(_l("Power supply"), _power),
    "water": Fact(_l("Water supply"), lambda park, lang: _per_day(park.water_capacity_m3_day)),
    "wastewater": Fact(_l("Waste-water treatment capacity"), lambda park, lang: _per_day(park.wastewater_capacity_m3_day)),
    "factories": Fact(_l("Ready-built factories"), lambda park, lang: _("Yes") if park.ready_built_factories else _("No")),
    "sectors": Fact(_l("Target sectors"), lambda park, lang: format_items(s.name(lang) for s in park.target_sectors)),
}

#: The profile page: (section heading, rows).
PROFILE_SECTIONS: list[tuple[str, list[str]]] = [
    (_l("Land and tenants"), ["total_area", "industrial_land", "available", "occupancy", "tenants", "developer",
                              "established"]),
    (_l("Prices and fees"), ["land_rent", "factory_rent", "maintenance_fee", "wastewater_fee", "lease_end"]),
    (_l("Distances"), ["seaport", "airport", "hcmc", "highway"]),
    (_l("Infrastructure"), ["power", "water", "wastewater", "factories"]),
    (_l("Industries"), ["sectors"]),
]

#: The comparison table's rows, top to bottom.
COMPARE_ROWS: list[str] = [
    "location", "developer", "total_area", "available", "occupancy", "land_rent", "factory_rent", "maintenance_fee",
    "lease_end", "seaport", "airport", "hcmc", "power", "water", "wastewater", "factories", "sectors",
]
