"""The map page and the small maps of park and project pages, as a visitor reads them."""
import re
from decimal import Decimal

import pytest

from tests import factories


@pytest.fixture
def places(session):
    chips = factories.sector("semiconductors", en="Semiconductors", ja="半導体")
    logistics = factories.sector("logistics", en="Logistics")
    bau_bang = factories.location("bau_bang", en="Bau Bang")
    di_an = factories.location("di_an", en="Di An")
    vsip = factories.park("vsip-3", texts={"en": "VSIP III", "ja": "VSIP III 工業団地"}, where=bau_bang,
                          sectors=[chips], available_area_ha=Decimal("312"), latitude=11.115, longitude=106.77)
    factories.park("song-than-1", texts={"en": "Song Than 1"}, where=di_an, sectors=[logistics],
                   available_area_ha=Decimal("0"), latitude=10.905, longitude=106.752)
    factories.park("no-position", texts={"en": "Park without a position"}, where=di_an, sectors=[chips],
                   available_area_ha=Decimal("40"))
    factories.project("chip-fab", texts={"en": "Chip packaging plant"}, of=chips, where=bau_bang, in_park=vsip,
                      land_area_ha=Decimal("25"), latitude=11.12, longitude=106.745)
    factories.project("icd", texts={"en": "Inland container depot"}, of=logistics, where=di_an,
                      land_area_ha=Decimal("5"), latitude=10.9, longitude=106.79)
    session.commit()


def pins(html: str) -> dict[str, tuple[float, float]]:
    """The name of each pin link, and where its shape is drawn."""
    found = {}
    for href, shape in re.findall(r'<a class="pin pin-\w+" href="([^"]+)"[^>]*>\s*<(?:rect|circle)([^>]+)>', html):
        x = re.search(r'(?:x|cx)="([-\d.]+)"', shape).group(1)
        y = re.search(r'(?:y|cy)="([-\d.]+)"', shape).group(1)
        found[href] = (float(x), float(y))
    return found


def test_every_located_park_and_project_is_a_pin_linking_to_its_page(client, places):
    html = client.get("/en/map").text
    drawn = pins(html)
    assert set(drawn) == {"/en/parks/vsip-3", "/en/parks/song-than-1", "/en/projects/chip-fab", "/en/projects/icd"}
    vsip, song_than, icd = drawn["/en/parks/vsip-3"], drawn["/en/parks/song-than-1"], drawn["/en/projects/icd"]
    assert vsip[1] < song_than[1]  # VSIP III lies north of Song Than 1: higher on the map
    assert icd[0] > song_than[0]  # the depot lies east of Song Than 1
    assert 'aria-label="1. VSIP III (industrial park)"' in html  # its number on the pin and in the list


def test_the_same_places_are_listed_beside_the_map_and_one_without_a_position_is_listed_apart(client, places):
    html = client.get("/en/map").text
    listed = re.findall(r'<li value="\d+" class="place-\w+"><a href="([^"]+)"', html)
    assert sorted(listed) == ["/en/parks/song-than-1", "/en/parks/vsip-3", "/en/projects/chip-fab",
                              "/en/projects/icd"]
    assert "Also found, without a position on the map" in html and "Park without a position" in html
    assert "/en/parks/no-position" not in pins(html)


def test_the_lists_filters_narrow_the_map(client, places):
    by_sector = pins(client.get("/en/map?sector=semiconductors").text)
    assert set(by_sector) == {"/en/parks/vsip-3", "/en/projects/chip-fab"}
    by_location = pins(client.get("/en/map?location=di_an").text)
    assert set(by_location) == {"/en/parks/song-than-1", "/en/projects/icd"}
    by_land = pins(client.get("/en/map?min_land=20").text)  # a park's available land, a project's land area
    assert set(by_land) == {"/en/parks/vsip-3", "/en/projects/chip-fab"}


def test_a_filter_keeps_every_pin_where_it_was(client, places):
    everything = pins(client.get("/en/map").text)
    narrowed = pins(client.get("/en/map?sector=semiconductors").text)
    assert narrowed["/en/parks/vsip-3"] == everything["/en/parks/vsip-3"]


def test_a_wrong_filter_is_explained_beside_its_field_and_the_map_still_shows(client, places):
    response = client.get("/en/map?min_land=lots")
    assert response.status_code == 200
    assert "field-error" in response.text and len(pins(response.text)) == 4


def test_nothing_found_says_so_and_offers_every_place(client, places):
    html = client.get("/en/map?sector=semiconductors&location=di_an&min_land=100").text
    assert "No park or project matches these filters." in html and pins(html) == {}


def test_the_map_shows_reference_points_a_legend_and_its_sources(client, places):
    html = client.get("/ja/map").text
    assert "Tan Son Nhat International Airport" in html  # from the airports data, not typed in
    assert "Natural Earth" in html and "GeoNames" in html
    assert 'href="/ja/parks/vsip-3"' in html and "VSIP III 工業団地" in html


def test_the_map_is_served_from_the_page_cache(client, places):
    assert client.get("/en/map?sector=semiconductors").status_code == 200
    assert client.get("/en/map?sector=semiconductors").headers.get("X-Cache") == "HIT"


def test_park_and_project_pages_show_a_small_map_and_an_outside_maps_link(client, places):
    for url in ("/en/parks/vsip-3", "/en/projects/chip-fab"):
        html = client.get(url).text
        assert 'class="small-map"' in html and "<svg" in html, url
        assert "https://www.openstreetmap.org/?mlat=" in html and "an outside site" in html, url
    park = client.get("/en/parks/vsip-3").text
    assert "mlat=11.11500&amp;mlon=106.77000" in park
    # the nearest reference points of the base data, as the crow flies
    assert re.search(r"Airport \(Tan Son Nhat International Airport\): 3\d km", park)


def test_a_page_without_coordinates_has_no_map_and_nothing_broken(client, places):
    response = client.get("/en/parks/no-position")
    assert response.status_code == 200 and 'class="small-map"' not in response.text
    assert "openstreetmap" not in response.text


def test_the_parks_and_catalogue_pages_lead_to_the_map_keeping_their_filters(client, places):
    parks = client.get("/en/parks/?sector=semiconductors").text
    assert 'href="/en/map?sector=semiconductors"' in parks
    assert 'href="/en/map"' in client.get("/en/projects/").text


def test_the_map_is_in_the_sitemap_in_every_language(client, places):
    sitemap = client.get("/sitemap.xml").text
    for lang in ("vi", "en", "ko", "ja"):
        assert f"/{lang}/map</loc>" in sitemap
