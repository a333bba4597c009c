"""The cost arithmetic on known figures: land leased once for the remaining term, fees per year,
factory rent per month, ranges, unknown prices, and the rounding the pages show."""
from datetime import date
from decimal import Decimal

import pytest

from portal.projects.models import IndustrialPark
from portal.projects.parks.costs import (
    NOT_GIVEN,
    UNPUBLISHED,
    Needs,
    Range,
    estimate,
    in_vnd,
    round_usd,
    rounded_usd,
    years_remaining,
)

TODAY = date(2026, 12, 6)


def park(**prices) -> IndustrialPark:
    values = dict(
        land_rent_min_usd_m2=Decimal("120"), land_rent_max_usd_m2=Decimal("150"),
        factory_rent_min_usd_m2_month=Decimal("4.2"), factory_rent_max_usd_m2_month=Decimal("5"),
        maintenance_fee_usd_m2_year=Decimal("0.5"), wastewater_fee_usd_m3=Decimal("0.3"),
        lease_term_end=date(2058, 12, 31),
    )
    values.update(prices)
    return IndustrialPark(**values)


def test_land_rent_is_paid_once_and_fees_every_year_until_the_lease_ends():
    result = estimate(park(), Needs(land_ha=Decimal("30"), water_m3_day=Decimal("500")), TODAY)
    rent, maintenance, wastewater = result.land.lines
    assert rent.period == "once" and rent.amount == Range(Decimal("36000000"), Decimal("45000000"))  # 300,000 m²
    assert maintenance.amount == Range(Decimal("150000"), Decimal("150000"))
    assert wastewater.amount == Range(Decimal("43800"), Decimal("43800"))  # 500 m³ × 80% × 365 × USD 0.3
    assert result.years_remaining == Decimal("32.1")
    assert result.land.per_year == Range(Decimal("193800"), Decimal("193800"))
    assert result.first_year == Range(Decimal("36193800"), Decimal("45193800"))
    assert result.land.over_lease == Range(Decimal("42220980"), Decimal("51220980"))  # + 32.1 years of fees
    assert result.factory is None and result.land.left_out == ()


def test_factory_rent_per_month_and_per_year():
    result = estimate(park(), Needs(floor_m2=Decimal("5000"), water_m3_day=Decimal("500")), TODAY)
    rent = result.factory.lines[0]
    assert rent.amount == Range(Decimal("21000"), Decimal("25000"))
    assert rent.per_year == Range(Decimal("252000"), Decimal("300000"))
    assert result.first_year == Range(Decimal("298300"), Decimal("346300"))  # + USD 2,500 + USD 43,800 of fees
    assert result.factory.over_lease == result.first_year.times(Decimal("32.1"))


def test_a_single_price_gives_a_single_amount():
    result = estimate(park(land_rent_max_usd_m2=None), Needs(land_ha=Decimal("1")), TODAY)
    assert result.land.lines[0].amount.is_single
    assert result.land.lines[0].amount.low == Decimal("1200000")


def test_unpublished_prices_are_unknown_not_zero():
    bare = park(factory_rent_min_usd_m2_month=None, factory_rent_max_usd_m2_month=None,
                maintenance_fee_usd_m2_year=None, wastewater_fee_usd_m3=None)
    result = estimate(bare, Needs(land_ha=Decimal("10"), floor_m2=Decimal("2000"), water_m3_day=Decimal("100")),
                      TODAY)
    assert [(line.item, line.amount, line.missing) for line in result.land.left_out] == [
        ("maintenance_fee", None, UNPUBLISHED), ("wastewater_fee", None, UNPUBLISHED)]
    assert result.land.per_year is None
    assert result.land.first_year == Range(Decimal("12000000"), Decimal("15000000"))  # the rent alone, said so
    assert result.factory.lines[0].missing == UNPUBLISHED
    assert result.factory.first_year is None and result.factory.over_lease is None


def test_waste_water_needs_the_water_use():
    result = estimate(park(), Needs(land_ha=Decimal("10")), TODAY)
    assert result.land.lines[2].missing == NOT_GIVEN
    assert result.land.per_year == Range(Decimal("50000"), Decimal("50000"))


def test_nothing_to_estimate_without_land_or_floor():
    result = estimate(park(), Needs(water_m3_day=Decimal("100")), TODAY)
    assert result.plans == () and result.first_year is None


def test_without_a_lease_end_there_is_no_total_over_the_lease():
    result = estimate(park(lease_term_end=None), Needs(land_ha=Decimal("10")), TODAY)
    assert result.years_remaining is None and result.land.over_lease is None
    assert result.first_year is not None


@pytest.mark.parametrize(("end", "years"), [
    (date(2058, 12, 31), Decimal("32.1")), (date(2027, 6, 6), Decimal("0.5")), (date(2020, 1, 1), Decimal("0.0")),
])
def test_years_remaining_from_today(end, years):
    assert years_remaining(end, TODAY) == years


@pytest.mark.parametrize(("amount", "shown"), [
    ("42220980", "42221000"), ("1499.99", "1000"), ("1500", "2000"), ("912.5", "910"), ("915", "920"),
    ("4.4", "4"),
])
def test_rounding_as_shown(amount, shown):
    assert round_usd(Decimal(amount)) == Decimal(shown)


def test_amounts_in_dong_come_from_the_exact_dollars():
    first_year = Range(Decimal("36193800"), Decimal("45193800"))
    assert in_vnd(first_year, Decimal("25400")) == Range(Decimal("919322520000"), Decimal("1147922520000"))
    assert rounded_usd(first_year) == Range(Decimal("36194000"), Decimal("45194000"))


@pytest.mark.parametrize(("lang", "shown"), [
    ("vi", ["12.500 tỷ đồng", "919 tỷ đồng", "2,54 tỷ đồng", "25 triệu đồng"]),
    ("en", ["VND 12.5 trillion", "VND 919 billion", "VND 2.54 billion", "VND 25 million"]),
    ("ko", ["12.5조 동", "9,193억 동", "25.4억 동", "2,500만 동"]),
    ("ja", ["12.5兆ドン", "9,193億ドン", "25.4億ドン", "2,500万ドン"]),
])
def test_dong_are_written_as_each_language_writes_them(app, lang, shown):
    from flask_babel import force_locale

    from portal.money import format_vnd

    with app.test_request_context(), force_locale(lang):
        assert [format_vnd(Decimal(v)) for v in ("12500000000000", "919322520000", "2540000000", "25000000")] == shown
