"""What a park would cost an investor: a minimal estimate of the first year's payments.

The interface is shared with the site finder (``Needs``, ``Range``, ``estimate(...).first_year``);
the arithmetic is the simplest correct one: land rent is paid once for the remaining term, plus a
year of maintenance; ready-built factory rent is paid monthly, twelve months, plus a year of
maintenance; the waste-water fee for a year of the water stated. ``None`` when the park publishes no
price for what is asked (never a zero)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from portal.projects.models import IndustrialPark

M2_PER_HA = Decimal(10_000)
DAYS_PER_YEAR = 365
MONTHS_PER_YEAR = 12


@dataclass(frozen=True)
class Needs:
    """What the investor asks for; ``None`` = not given."""

    land_ha: Decimal | None = None
    floor_m2: Decimal | None = None
    water_m3_day: Decimal | None = None


@dataclass(frozen=True)
class Range:
    """USD; ``low == high`` when the park gives one price."""

    low: Decimal
    high: Decimal

    def __add__(self, other: Range) -> Range:
        return Range(self.low + other.low, self.high + other.high)

    def times(self, factor: Decimal) -> Range:
        return Range(self.low * factor, self.high * factor)


@dataclass(frozen=True)
class Estimate:
    #: What is paid in the first year, or ``None`` when nothing can be estimated.
    first_year: Range | None


def _price(low: Decimal | None, high: Decimal | None) -> Range | None:
    if low is None and high is None:
        return None
    return Range(low if low is not None else high, high if high is not None else low)


def _maintenance(park: IndustrialPark, area_m2: Decimal) -> Range:
    fee = park.maintenance_fee_usd_m2_year or Decimal(0)
    return Range(fee * area_m2, fee * area_m2)


def _land(park: IndustrialPark, land_ha: Decimal) -> Range | None:
    rent = _price(park.land_rent_min_usd_m2, park.land_rent_max_usd_m2)
    if rent is None:
        return None
    area = land_ha * M2_PER_HA
    return rent.times(area) + _maintenance(park, area)


def _factory(park: IndustrialPark, floor_m2: Decimal) -> Range | None:
    rent = _price(park.factory_rent_min_usd_m2_month, park.factory_rent_max_usd_m2_month)
    if rent is None:
        return None
    return rent.times(floor_m2 * MONTHS_PER_YEAR) + _maintenance(park, floor_m2)


def estimate(park: IndustrialPark, needs: Needs, today: date) -> Estimate:
    """The first year's payments for ``needs`` at ``park``; ``today`` is where a fuller estimate
    counts the remaining lease term from."""
    parts: list[Range | None] = []
    if needs.land_ha is not None:
        parts.append(_land(park, needs.land_ha))
    if needs.floor_m2 is not None:
        parts.append(_factory(park, needs.floor_m2))
    if not parts or any(part is None for part in parts):
        return Estimate(first_year=None)
    total = Range(Decimal(0), Decimal(0))
    for part in parts:
        total = total + part
    if needs.water_m3_day is not None and park.wastewater_fee_usd_m3 is not None:
        yearly = park.wastewater_fee_usd_m3 * needs.water_m3_day * DAYS_PER_YEAR
        total = total + Range(yearly, yearly)
    return Estimate(first_year=total)
