"""The industrial park directory, park profiles and the side-by-side comparison."""
import re
from decimal import Decimal

import pytest

from tests import factories
from tests.pages import card_titles


@pytest.fixture
def parks(session):
    chips = factories.sector("semiconductors", en="Semiconductors")
    textiles = factories.sector("supporting_industries", en="Supporting industries")
    thuan_an = factories.location("thuan_an", en="Thuan An")
    bau_bang = factories.location("bau_bang", en="Bau Bang")
    factories.park("vsip-1", texts={"en": "VSIP I"}, where=thuan_an, sectors=[textiles],
                   available_area_ha=Decimal("0"), land_rent_min_usd_m2=None, land_rent_max_usd_m2=None,
                   ready_built_factories=True, occupancy_pct=Decimal("100"))
    factories.park("vsip-3", texts={"en": "VSIP III"}, where=bau_bang, sectors=[chips],
                   available_area_ha=Decimal("312"), land_rent_min_usd_m2=Decimal("140"),
                   land_rent_max_usd_m2=Decimal("160"), ready_built_factories=False)
    factories.park("cay-truong", texts={"en": "Cay Truong"}, where=bau_bang, sectors=[chips, textiles],
                   available_area_ha=Decimal("480"), land_rent_min_usd_m2=Decimal("95"),
                   land_rent_max_usd_m2=Decimal("115"), ready_built_factories=False)
    session.commit()


def test_directory_lists_parks_with_most_land_first(client, parks):
    html = client.get("/en/parks/").text
    assert "3 industrial parks found" in html
    assert card_titles(html) == ["Cay Truong", "VSIP III", "VSIP I"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("location=bau_bang", ["Cay Truong", "VSIP III"]),
        ("sector=supporting_industries", ["Cay Truong", "VSIP I"]),
        ("min_available=400", ["Cay Truong"]),
        ("max_land_rent=120", ["Cay Truong"]),
        ("ready_built=y", ["VSIP I"]),
        ("sort=price_asc&min_available=1", ["Cay Truong", "VSIP III"]),
    ],
)
def test_directory_filters(client, parks, query, expected):
    assert card_titles(client.get(f"/en/parks/?{query}").text) == expected


def test_directory_offers_parks_to_compare(client, parks):
    html = client.get("/en/parks/").text
    assert '<form method="get" action="/en/parks/compare"' in html
    assert '<input type="checkbox" name="park" value="vsip-3" id="compare-vsip-3">' in html


def test_profile_keeps_land_rent_and_factory_rent_apart(client, session):
    park = factories.park("vsip-2a", texts={"en": "VSIP II-A"}, land_rent_min_usd_m2=Decimal("160"),
                          land_rent_max_usd_m2=Decimal("180"), factory_rent_min_usd_m2_month=Decimal("4.2"),
                          factory_rent_max_usd_m2_month=Decimal("5"), maintenance_fee_usd_m2_year=Decimal("0.8"),
                          wastewater_fee_usd_m3=Decimal("0.45"), seaport_distance_km=Decimal("45"),
                          seaport_max_vessel_dwt=45000, tenants_foreign=120, tenants_domestic=30,
                          power_capacity_mva=Decimal("250"), water_capacity_m3_day=40000)
    park.texts["en"].nearest_seaport = "Cat Lai Port"
    park.texts["en"].excluded_industries = "Tanning, pulp and paper"
    factories.project("robotics", texts={"en": "Robotics plant"}, in_park=park)
    session.commit()
    html = client.get("/en/parks/vsip-2a").text.replace("\xa0", " ")
    assert "US$160–180 per m² for the remaining lease term" in html
    assert "US$4.20–5.00 per m² per month" in html
    assert "US$0.80 per m² per year" in html and "US$0.45 per m³" in html
    assert "45 km (Cat Lai Port, ships up to 45,000 DWT)" in html
    assert "120 foreign and 30 domestic" in html
    assert "250 MVA" in html and "40,000 m³ per day" in html
    assert "Tanning, pulp and paper" in html
    assert "Robotics plant" in html
    assert 'href="/en/inquire?park=vsip-2a"' in html


def test_compare_shows_parks_side_by_side(client, parks):
    html = client.get("/en/parks/compare?park=vsip-3&park=cay-truong").text.replace("\xa0", " ")
    assert "2 industrial parks side by side" in html
    header = re.findall(r'<th scope="col"><a href="/en/parks/([a-z0-9-]+)">', html)
    assert header == ["vsip-3", "cay-truong"]
    assert "US$140–160 per m² for the remaining lease term" in html
    assert "US$95–115 per m² for the remaining lease term" in html
    assert 'value="vsip-3" id="pick-vsip-3" checked' in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("park=vsip-3", "Choose from 2 to 4 parks to compare them side by side."),
        ("park=vsip-3&park=unknown", "Choose from 2 to 4 parks to compare them side by side."),
        ("", "Choose from 2 to 4 parks to compare them side by side."),
    ],
)
def test_compare_needs_two_to_four_parks(client, parks, query, message):
    html = client.get(f"/en/parks/compare?{query}").text
    assert message in html
    assert "<table" not in html


def test_compare_refuses_more_than_four(client, session):
    for number in range(5):
        factories.park(f"park-{number}")
    session.commit()
    query = "&".join(f"park=park-{number}" for number in range(5))
    html = client.get(f"/en/parks/compare?{query}").text
    assert "You can compare at most 4 parks at a time." in html
    assert "<table" not in html
