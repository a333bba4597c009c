"""How well each industrial park fits what an investor needs, said in plain words.

Every stated need gives one reason per park: it fits, it does not, or the park does not publish
the fact (unknown is not a failure, and the investor is told so). Parks are ranked by a rule an
investor can check: every stated need met first, then the fewest unmet needs, then the fewest
unknown facts, then the most available land.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _, lazy_gettext as _l

from portal.i18n import format_hectares, format_km, format_number
from portal.leads.models.lead import TIMELINE_LABELS
from portal.money import MILLION, format_usd, format_usd_range
from portal.projects.models import IndustrialPark
from portal.projects.parks import costs


#: The needs a park's cost estimate and the compare page take in their query string.
COST_INPUTS = ("land_ha", "floor_m2", "water_m3_day")


@dataclass(frozen=True)
class Requirements:
    """What the investor asked for; ``None`` (or ``""``) = not said. The names are the query
    string's, shared with the inquiry form (``/<lang>/inquire?land_ha=30``)."""

    sector: str = ""
    land_ha: Decimal | None = None
    floor_m2: Decimal | None = None
    power_mva: Decimal | None = None
    water_m3_day: Decimal | None = None
    max_seaport_km: Decimal | None = None
    max_airport_km: Decimal | None = None
    max_centre_km: Decimal | None = None
    budget_musd: Decimal | None = None
    start: str = ""

    @classmethod
    def from_query(cls, values: dict[str, str]) -> Requirements:
        """Needs saved with ``query()`` (already checked) read back."""
        return cls(**{item.name: (values[item.name] if item.name in ("sector", "start") else Decimal(values[item.name]))
                      for item in fields(cls) if item.name in values})

    @property
    def stated(self) -> bool:
        """Something a park can be measured against (when to start alone is not)."""
        return any(value not in ("", None) for name, value in self.query().items() if name != "start")

    def query(self) -> dict[str, str]:
        """The needs stated, as query-string values: the shareable form of the search."""
        values = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if value in ("", None):
                continue
            values[item.name] = _plain(value) if isinstance(value, Decimal) else str(value)
        return values

    def cost_needs_query(self) -> dict[str, str]:
        """What a park's cost estimate reads (``/<lang>/parks/<slug>?land_ha=..#cost``)."""
        return {name: value for name, value in self.query().items() if name in COST_INPUTS}

    @property
    def cost_needs(self) -> costs.Needs:
        return costs.Needs(land_ha=self.land_ha, floor_m2=self.floor_m2, water_m3_day=self.water_m3_day)


def _plain(value: Decimal) -> str:
    """30, 24.5: no exponent, no trailing zeros."""
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


class Verdict(enum.StrEnum):
    FITS = "fits"
    SHORT = "short"
    UNKNOWN = "unknown"


VERDICT_LABELS = {
    Verdict.FITS: _l("Fits"),
    Verdict.SHORT: _l("Does not fit"),
    Verdict.UNKNOWN: _l("Not published"),
}


@dataclass(frozen=True)
class Reason:
    need: str
    verdict: Verdict
    text: str

    @property
    def label(self) -> str:
        return str(VERDICT_LABELS[self.verdict])


@dataclass(frozen=True)
class ParkFit:
    park: IndustrialPark
    reasons: list[Reason]
    #: The first year's cost for the land or floor asked (``costs.estimate``), when it can be told.
    first_year: costs.Range | None

    @property
    def unmet(self) -> int:
        return sum(reason.verdict == Verdict.SHORT for reason in self.reasons)

    @property
    def unknown(self) -> int:
        return sum(reason.verdict == Verdict.UNKNOWN for reason in self.reasons)

    @property
    def meets_all(self) -> bool:
        return self.unmet == 0


# --- the reasons, one per stated need ---------------------------------------------------------


def _area_m2(value: Decimal) -> str:
    return _("%(value)s m²", value=format_number(value, 0))


def _mva(value: Decimal) -> str:
    return _("%(value)s MVA", value=format_number(value))


def _per_day(value: Decimal | int) -> str:
    return _("%(value)s m³ per day", value=format_number(value, 0))


def _sector(park: IndustrialPark, code: str, sector_name: str) -> Reason:
    if not park.target_sectors:
        return Reason("sector", Verdict.UNKNOWN, _("The park does not publish its target sectors."))
    if any(sector.code == code for sector in park.target_sectors):
        return Reason("sector", Verdict.FITS, _("%(sector)s is among this park's target sectors.", sector=sector_name))
    return Reason("sector", Verdict.SHORT, _("%(sector)s is not among this park's target sectors.", sector=sector_name))


def _land(park: IndustrialPark, need: Decimal) -> Reason:
    available, wanted = format_hectares(park.available_area_ha), format_hectares(need)
    if park.available_area_ha >= need:
        return Reason("land_ha", Verdict.FITS,
                      _("%(available)s available: enough for the %(need)s you need.", available=available, need=wanted))
    return Reason("land_ha", Verdict.SHORT,
                  _("Only %(available)s available of the %(need)s you need.", available=available, need=wanted))


def _floor(park: IndustrialPark, need: Decimal) -> Reason:
    if not park.ready_built_factories:
        return Reason("floor_m2", Verdict.SHORT, _("The park has no ready-built factories."))
    return Reason("floor_m2", Verdict.FITS,
                  _("The park rents ready-built factories: ask the centre which units of %(need)s are free.",
                    need=_area_m2(need)))


def _power(park: IndustrialPark, need: Decimal) -> Reason:
    capacity = park.power_capacity_mva
    if capacity is None:
        return Reason("power_mva", Verdict.UNKNOWN, _("The park does not publish its power capacity."))
    if capacity >= need:
        return Reason("power_mva", Verdict.FITS,
                      _("Power %(capacity)s: enough for your %(need)s.", capacity=_mva(capacity), need=_mva(need)))
    return Reason("power_mva", Verdict.SHORT,
                  _("Power %(capacity)s: less than the %(need)s you need.", capacity=_mva(capacity), need=_mva(need)))


def _water(park: IndustrialPark, need: Decimal) -> Reason:
    capacity = park.water_capacity_m3_day
    if capacity is None:
        return Reason("water_m3_day", Verdict.UNKNOWN, _("The park does not publish its water supply capacity."))
    if capacity >= need:
        return Reason("water_m3_day", Verdict.FITS, _("Water %(capacity)s: enough for your %(need)s.",
                                                      capacity=_per_day(capacity), need=_per_day(need)))
    return Reason("water_m3_day", Verdict.SHORT, _("Water %(capacity)s: less than the %(need)s you need.",
                                                   capacity=_per_day(capacity), need=_per_day(need)))


def _distance(need: str, distance: Decimal | None, limit: Decimal, fits: str, short: str, unknown: str) -> Reason:
    if distance is None:
        return Reason(need, Verdict.UNKNOWN, unknown)
    words = {"distance": format_km(distance), "limit": format_km(limit)}
    if distance <= limit:
        return Reason(need, Verdict.FITS, fits % words)
    return Reason(need, Verdict.SHORT, short % words)


def _seaport(park: IndustrialPark, limit: Decimal) -> Reason:
    return _distance("max_seaport_km", park.seaport_distance_km, limit,
                     _("%(distance)s from a seaport, within the %(limit)s you set."),
                     _("%(distance)s from a seaport, more than the %(limit)s you set."),
                     _("The park does not publish its distance to a seaport."))


def _airport(park: IndustrialPark, limit: Decimal) -> Reason:
    return _distance("max_airport_km", park.airport_distance_km, limit,
                     _("%(distance)s from an airport, within the %(limit)s you set."),
                     _("%(distance)s from an airport, more than the %(limit)s you set."),
                     _("The park does not publish its distance to an airport."))


def _centre(park: IndustrialPark, limit: Decimal) -> Reason:
    return _distance("max_centre_km", park.hcmc_centre_distance_km, limit,
                     _("%(distance)s from the city centre, within the %(limit)s you set."),
                     _("%(distance)s from the city centre, more than the %(limit)s you set."),
                     _("The park does not publish its distance to the city centre."))


def money_range(cost: costs.Range) -> str:
    """A cost as investors read it: "US$3.6–4.5M", one figure when both ends agree."""
    return format_usd_range(round(cost.low), round(cost.high), compact=True)


def _budget(first_year: costs.Range | None, budget_musd: Decimal) -> Reason:
    budget = format_usd(budget_musd * MILLION, compact=True)
    if first_year is None:
        return Reason("budget_musd", Verdict.UNKNOWN,
                      _("The park publishes no price for what you ask, so the cost cannot be compared with your "
                        "budget."))
    words = {"cost": money_range(first_year), "budget": budget}
    limit = budget_musd * MILLION
    if first_year.high <= limit:
        return Reason("budget_musd", Verdict.FITS, _("First-year cost %(cost)s: within your budget of %(budget)s.",
                                                     **words))
    if first_year.low <= limit:
        return Reason("budget_musd", Verdict.FITS,
                      _("First-year cost %(cost)s: within your budget of %(budget)s at the lower price only.", **words))
    return Reason("budget_musd", Verdict.SHORT, _("First-year cost %(cost)s: above your budget of %(budget)s.",
                                                  **words))


#: The needs stated as one figure, each with the rule that reads the park's own, in the order asked.
MEASURED_NEEDS = (("land_ha", _land), ("floor_m2", _floor), ("power_mva", _power), ("water_m3_day", _water),
                  ("max_seaport_km", _seaport), ("max_airport_km", _airport), ("max_centre_km", _centre))


def assess(park: IndustrialPark, needs: Requirements, today: date, sector_name: str = "") -> ParkFit:
    """What fits and what does not at ``park``, one reason per need stated, in the order asked."""
    asked = needs.land_ha is not None or needs.floor_m2 is not None
    first_year = costs.estimate(park, needs.cost_needs, today).first_year if asked else None
    reasons = [_sector(park, needs.sector, sector_name or needs.sector)] if needs.sector else []
    reasons += [rule(park, getattr(needs, name)) for name, rule in MEASURED_NEEDS if getattr(needs, name) is not None]
    if needs.budget_musd is not None:
        reasons.append(_budget(first_year, needs.budget_musd))
    return ParkFit(park, reasons, first_year)


def rank(fits: list[ParkFit]) -> list[ParkFit]:
    """Every need met first, then the fewest unmet needs, the fewest unpublished facts, the most
    available land; the park added first breaks a tie, so the order never changes by itself."""
    return sorted(fits, key=lambda fit: (fit.unmet, fit.unknown, -fit.park.available_area_ha, fit.park.id))


# --- the needs, as labelled rows (finder, inquiry, staff lead page, staff e-mail) ----------------

NEED_LABELS = {
    "sector": _l("Sector"),
    "land_ha": _l("Land (ha)"),
    "floor_m2": _l("Ready-built factory floor (m²)"),
    "power_mva": _l("Power (MVA)"),
    "water_m3_day": _l("Water (m³ per day)"),
    "max_seaport_km": _l("Distance to a seaport at most (km)"),
    "max_airport_km": _l("Distance to an airport at most (km)"),
    "max_centre_km": _l("Distance to the city centre at most (km)"),
    "budget_musd": _l("Budget (USD million)"),
    "start": _l("When to start"),
}


def described(needs: Requirements, sector_name: str = "") -> list[tuple[str, str]]:
    """(label, value as read) of each need stated, in the form's order."""
    shown = {
        "sector": lambda value: sector_name or value,
        "land_ha": format_hectares,
        "floor_m2": _area_m2,
        "power_mva": _mva,
        "water_m3_day": _per_day,
        "max_seaport_km": format_km,
        "max_airport_km": format_km,
        "max_centre_km": format_km,
        "budget_musd": lambda value: format_usd(value * MILLION, compact=True),
        "start": lambda value: str(TIMELINE_LABELS.get(value, value)),
    }
    rows = []
    for item in fields(needs):
        value = getattr(needs, item.name)
        if value not in ("", None):
            rows.append((str(NEED_LABELS[item.name]), shown[item.name](value)))
    return rows
