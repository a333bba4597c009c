"""What a park would cost an investor, from the prices the park publishes: pure arithmetic on
the park, the investor's needs and today's date, so the park page, the compare page and the
site finder all count the same way.

Land rent (USD/m²) is paid once for the term that remains until the park's lease ends; factory
rent (USD/m²) is paid monthly; the maintenance fee is per m² per year, the waste-water fee per m³.
A price the park does not publish stays unknown (``None`` with a reason), never zero, and the
totals say which lines they leave out. Amounts here are exact; ``round_usd`` is for showing them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from portal.projects.models import IndustrialPark

M2_PER_HECTARE = Decimal(10_000)
MONTHS_PER_YEAR = 12
#: Waste water is charged on this share of the water used: the usual rule of Vietnamese
#: parks and of the waste-water fee regulations (waste water = 80% of the clean water supplied).
WASTEWATER_SHARE = Decimal("0.8")
#: The factory is assumed to use water every day of the year.
DAYS_PER_YEAR = 365
DAYS_PER_YEAR_ON_AVERAGE = Decimal("365.25")

#: The largest needs the estimate takes (beyond any park of the region).
MAX_LAND_HA = Decimal(5_000)
MAX_FLOOR_M2 = Decimal(1_000_000)
MAX_WATER_M3_DAY = Decimal(500_000)

#: Why a line has no amount.
UNPUBLISHED = "unpublished"  # the park does not publish this price
NOT_GIVEN = "not_given"  # the investor did not say how much (water use)


@dataclass(frozen=True)
class Needs:
    """What the investor asks for; None = not given."""

    land_ha: Decimal | None = None
    floor_m2: Decimal | None = None
    water_m3_day: Decimal | None = None


@dataclass(frozen=True)
class Range:
    """USD (or VND); ``low == high`` when the park gives one price."""

    low: Decimal
    high: Decimal

    def __add__(self, other: Range) -> Range:
        return Range(self.low + other.low, self.high + other.high)

    def times(self, factor: Decimal | int) -> Range:
        return Range(self.low * factor, self.high * factor)

    @property
    def is_single(self) -> bool:
        return self.low == self.high


def price_range(low: Decimal | None, high: Decimal | None) -> Range | None:
    """A park's published price as a range: one end alone is a single price."""
    if low is None and high is None:
        return None
    return Range(low if low is not None else high, high if high is not None else low)


def _single(amount: Decimal) -> Range:
    return Range(amount, amount)


def _total(ranges) -> Range | None:
    known = [amount for amount in ranges if amount is not None]
    if not known:
        return None
    total = known[0]
    for amount in known[1:]:
        total = total + amount
    return total


@dataclass(frozen=True)
class Line:
    """One cost: ``item`` is land_rent, factory_rent, maintenance_fee or wastewater_fee; ``period``
    once, month or year; ``amount`` per period, or None with ``missing`` saying why."""

    item: str
    period: str
    amount: Range | None
    missing: str = ""

    @property
    def per_year(self) -> Range | None:
        if self.amount is None or self.period == "once":
            return None
        return self.amount.times(MONTHS_PER_YEAR) if self.period == "month" else self.amount


@dataclass(frozen=True)
class Plan:
    """Leasing land (``kind`` "land") or renting a ready-built factory ("factory")."""

    kind: str
    lines: tuple[Line, ...]
    #: What recurs every year (fees; factory rent for twelve months and fees).
    per_year: Range | None
    #: Land rent paid once plus a year of fees; or a year of factory rent and fees.
    first_year: Range | None
    #: Everything until the park's lease term ends.
    over_lease: Range | None

    @property
    def left_out(self) -> tuple[Line, ...]:
        """Lines the totals cannot count: prices the park does not publish, needs not given."""
        return tuple(line for line in self.lines if line.amount is None)


@dataclass(frozen=True)
class Estimate:
    needs: Needs
    lease_term_end: date | None
    #: Years from today to the end of the park's lease term, to one decimal; None when unknown.
    years_remaining: Decimal | None
    land: Plan | None
    factory: Plan | None

    @property
    def plans(self) -> tuple[Plan, ...]:
        return tuple(plan for plan in (self.land, self.factory) if plan is not None)

    def plan(self, kind: str) -> Plan | None:
        return self.land if kind == "land" else self.factory

    @property
    def first_year(self) -> Range | None:
        """What is paid in the first year (land first when both are asked); None when nothing can be estimated."""
        for plan in self.plans:
            if plan.first_year is not None:
                return plan.first_year
        return None


def years_remaining(lease_term_end: date | None, today: date) -> Decimal | None:
    """Years left on the park's lease term, to one decimal; 0 once it has ended."""
    if lease_term_end is None:
        return None
    days = max((lease_term_end - today).days, 0)
    return (Decimal(days) / DAYS_PER_YEAR_ON_AVERAGE).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _fee_lines(park: IndustrialPark, area_m2: Decimal, needs: Needs) -> tuple[Line, Line]:
    maintenance = Line("maintenance_fee", "year", None, UNPUBLISHED) if park.maintenance_fee_usd_m2_year is None \
        else Line("maintenance_fee", "year", _single(park.maintenance_fee_usd_m2_year * area_m2))
    if park.wastewater_fee_usd_m3 is None:
        wastewater = Line("wastewater_fee", "year", None, UNPUBLISHED)
    elif needs.water_m3_day is None:
        wastewater = Line("wastewater_fee", "year", None, NOT_GIVEN)
    else:
        cubic_metres = needs.water_m3_day * WASTEWATER_SHARE * DAYS_PER_YEAR
        wastewater = Line("wastewater_fee", "year", _single(park.wastewater_fee_usd_m3 * cubic_metres))
    return maintenance, wastewater


def _land_plan(park: IndustrialPark, needs: Needs, years: Decimal | None) -> Plan:
    area_m2 = needs.land_ha * M2_PER_HECTARE
    price = price_range(park.land_rent_min_usd_m2, park.land_rent_max_usd_m2)
    rent = Line("land_rent", "once", price.times(area_m2) if price else None, "" if price else UNPUBLISHED)
    fees = _fee_lines(park, area_m2, needs)
    per_year = _total(line.per_year for line in fees)
    first_year = over_lease = None
    if rent.amount is not None:
        first_year = _total([rent.amount, per_year])
        if years:
            over_lease = _total([rent.amount, per_year.times(years) if per_year else None])
    return Plan("land", (rent, *fees), per_year, first_year, over_lease)


def _factory_plan(park: IndustrialPark, needs: Needs, years: Decimal | None) -> Plan:
    price = price_range(park.factory_rent_min_usd_m2_month, park.factory_rent_max_usd_m2_month)
    rent = Line("factory_rent", "month", price.times(needs.floor_m2) if price else None, "" if price else UNPUBLISHED)
    fees = _fee_lines(park, needs.floor_m2, needs)
    per_year = _total(line.per_year for line in (rent, *fees)) if rent.amount is not None else None
    over_lease = per_year.times(years) if per_year and years else None
    return Plan("factory", (rent, *fees), per_year, per_year, over_lease)


def estimate(park: IndustrialPark, needs: Needs, today: date) -> Estimate:
    """The cost of ``needs`` in ``park`` as of ``today``: a land plan when land is asked for, a
    factory plan when factory floor is."""
    years = years_remaining(park.lease_term_end, today)
    land = _land_plan(park, needs, years) if needs.land_ha else None
    factory = _factory_plan(park, needs, years) if needs.floor_m2 else None
    return Estimate(needs, park.lease_term_end, years, land, factory)


def round_usd(amount: Decimal) -> Decimal:
    """As the estimate shows dollars: to USD 1,000; under USD 1,000 to USD 10, under USD 10 to the
    dollar, so a small fee never shows as zero."""
    size = abs(amount)
    step = Decimal(1000) if size >= 1000 else Decimal(10) if size >= 10 else Decimal(1)
    return (amount / step).quantize(Decimal(1), ROUND_HALF_UP) * step


def rounded_usd(amount: Range) -> Range:
    return Range(round_usd(amount.low), round_usd(amount.high))


def in_vnd(amount: Range, vnd_per_usd: Decimal) -> Range:
    """An exact USD amount (not the rounded one shown) in đồng at the recorded rate; ``format_vnd``
    shortens it to three significant figures or more."""
    return amount.times(vnd_per_usd)
