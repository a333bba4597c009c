"""The site finder: parks ranked by how well they fit the needs stated, with every reason in words."""
import re
from decimal import Decimal
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from portal.extensions import db
from portal.leads.models import Lead, SiteNeeds
from portal.page_cache import CACHEABLE_ENDPOINTS
from tests import factories
from tests.forms import inquiry, submit
from tests.pages import card_titles

FINDER = "/en/find-a-site"


@pytest.fixture
def parks(session):
    """Three parks whose facts differ on every need the finder weighs."""
    electronics = factories.sector("electronics", en="Electronics")
    textiles = factories.sector("textiles", en="Textiles")
    factories.park("alpha", texts={"en": "Alpha Park"}, sectors=[electronics], available_area_ha=Decimal("40"),
                   power_capacity_mva=Decimal("120"), water_capacity_m3_day=5000, seaport_distance_km=Decimal("20"),
                   airport_distance_km=Decimal("30"), hcmc_centre_distance_km=Decimal("25"),
                   land_rent_min_usd_m2=Decimal("100"), land_rent_max_usd_m2=Decimal("120"),
                   maintenance_fee_usd_m2_year=Decimal("0.5"), ready_built_factories=True)
    factories.park("beta", texts={"en": "Beta Park"}, sectors=[electronics], available_area_ha=Decimal("24.5"),
                   power_capacity_mva=None, water_capacity_m3_day=None, seaport_distance_km=Decimal("42"),
                   airport_distance_km=None, hcmc_centre_distance_km=Decimal("50"),
                   land_rent_min_usd_m2=None, land_rent_max_usd_m2=None, ready_built_factories=False)
    factories.park("gamma", texts={"en": "Gamma Park"}, sectors=[textiles], available_area_ha=Decimal("300"),
                   power_capacity_mva=Decimal("10"), water_capacity_m3_day=1000, seaport_distance_km=Decimal("15"),
                   airport_distance_km=Decimal("60"), hcmc_centre_distance_km=Decimal("70"),
                   land_rent_min_usd_m2=Decimal("200"), land_rent_max_usd_m2=Decimal("200"),
                   ready_built_factories=False)
    factories.park("hidden", texts={"en": "Unpublished Park"}, sectors=[electronics], published=False)
    factories.park("old", texts={"en": "Archived Park"}, sectors=[electronics], published=False, archived=True)
    session.commit()
    return electronics, textiles


def ranked(html: str) -> list[str]:
    """The park names in the finder's answer, best first."""
    answer = html.split('<ol class="fit-list">', 1)[1].split("</ol>", 1)[0]
    return card_titles(answer)


def reasons_of(html: str, name: str) -> list[str]:
    """What the answer says about one park: "Fits: ...", "Does not fit: ...", "Not published: ..."."""
    card = html.split(f">{name}</a></h3>", 1)[1].split("</li>\n          \n", 1)[0]
    card = card.split("</ul>", 1)[0]
    return [" ".join(unescape(re.sub(r"<[^>]+>", "", item)).split())
            for item in re.findall(r'<li class="reason[^"]*">(.*?)</li>', card, re.S)]


def test_parks_that_meet_every_need_come_first_then_the_fewest_unmet(client, parks):
    html = client.get(f"{FINDER}?sector=electronics&land_ha=30&power_mva=20&max_seaport_km=30").text
    # Alpha meets all four; Gamma misses two (sector, power); Beta misses two (land, port) and does
    # not publish its power: the unknown fact puts it after Gamma.
    assert ranked(html) == ["Alpha Park", "Gamma Park", "Beta Park"]
    assert "1 industrial park meets every need you stated" in html
    assert "Unpublished Park" not in html and "Archived Park" not in html


def test_among_equals_the_park_with_more_land_comes_first(client, parks):
    html = client.get(f"{FINDER}?land_ha=10").text
    assert ranked(html) == ["Gamma Park", "Alpha Park", "Beta Park"]


def test_each_reason_is_said_in_plain_words(client, parks):
    html = client.get(f"{FINDER}?sector=electronics&land_ha=30&power_mva=20&water_m3_day=2000"
                      "&max_seaport_km=30&max_airport_km=40&max_centre_km=30").text
    assert reasons_of(html, "Alpha Park") == [
        "Fits: Electronics is among this park's target sectors.",
        "Fits: 40 ha available: enough for the 30 ha you need.",
        "Fits: Power 120 MVA: enough for your 20 MVA.",
        "Fits: Water 5,000 m³ per day: enough for your 2,000 m³ per day.",
        "Fits: 20 km from a seaport, within the 30 km you set.",
        "Fits: 30 km from an airport, within the 40 km you set.",
        "Fits: 25 km from the city centre, within the 30 km you set.",
    ]
    assert reasons_of(html, "Beta Park") == [
        "Fits: Electronics is among this park's target sectors.",
        "Does not fit: Only 24.5 ha available of the 30 ha you need.",
        "Not published: The park does not publish its power capacity.",
        "Not published: The park does not publish its water supply capacity.",
        "Does not fit: 42 km from a seaport, more than the 30 km you set.",
        "Not published: The park does not publish its distance to an airport.",
        "Does not fit: 50 km from the city centre, more than the 30 km you set.",
    ]
    assert reasons_of(html, "Gamma Park")[:4] == [
        "Does not fit: Electronics is not among this park's target sectors.",
        "Fits: 300 ha available: enough for the 30 ha you need.",
        "Does not fit: Power 10 MVA: less than the 20 MVA you need.",
        "Does not fit: Water 1,000 m³ per day: less than the 2,000 m³ per day you need.",
    ]
    assert "score" not in html.lower()


def test_ready_built_factories_fit_only_where_the_park_has_them(client, parks):
    html = client.get(f"{FINDER}?floor_m2=5000").text
    assert reasons_of(html, "Alpha Park") == [
        "Fits: The park rents ready-built factories: ask the centre which units of 5,000 m² are free."]
    assert reasons_of(html, "Gamma Park") == ["Does not fit: The park has no ready-built factories."]


def test_budget_is_compared_with_the_first_year_cost(client, parks):
    # 10 ha = 100,000 m²: Alpha 10–12 million land rent + 50,000 maintenance; Gamma 20 million.
    html = client.get(f"{FINDER}?land_ha=10&budget_musd=15").text
    alpha, = [r for r in reasons_of(html, "Alpha Park") if "budget" in r]
    gamma, = [r for r in reasons_of(html, "Gamma Park") if "budget" in r]
    beta, = [r for r in reasons_of(html, "Beta Park") if "budget" in r]
    assert alpha.startswith("Fits: First-year cost") and "within your budget of US$15M" in alpha
    assert gamma.startswith("Does not fit: First-year cost") and "above your budget of US$15M" in gamma
    assert beta == ("Not published: The park publishes no price for what you ask, so the cost cannot be compared "
                    "with your budget.")


def test_the_answer_is_a_shareable_url_and_links_on_with_the_needs(client, parks):
    query = "sector=electronics&land_ha=30&water_m3_day=500&start=within_1_year"
    first = client.get(f"{FINDER}?{query}").text
    again = client.get(f"{FINDER}?{query}").text
    assert ranked(first) == ranked(again) == ["Alpha Park", "Gamma Park", "Beta Park"]
    # the form shows what was asked
    assert 'name="land_ha" step="any" type="number" value="30"' in first
    assert '<option selected value="electronics">' in first
    # the link to this answer carries the same needs
    permalink = unescape(re.search(r'<a href="([^"]+)">Link to this answer', first).group(1))
    assert parse_qs(urlsplit(permalink).query) == parse_qs(query)
    # the cost estimate of each park, and the comparison, get the estimate's inputs
    assert 'href="/en/parks/alpha?land_ha=30&amp;water_m3_day=500#cost"' in first
    assert '<input type="hidden" name="land_ha" value="30">' in first
    assert 'action="/en/parks/compare"' in first
    # the inquiry names the park that meets every need, with the needs
    inquire = unescape(re.search(r'<a class="button" href="([^"]+)">Send an inquiry with these needs', first).group(1))
    assert urlsplit(inquire).path == "/en/inquire"
    assert parse_qs(urlsplit(inquire).query) == {**parse_qs(query), "park": ["alpha"]}


def test_bad_input_is_explained_beside_the_field_and_kept(client, parks):
    response = client.get(f"{FINDER}?land_ha=lots&power_mva=-3&budget_musd=5&sector=nope")
    html = response.text
    assert response.status_code == 200
    assert 'value="lots"' in html and 'value="-3"' in html
    assert "Not a valid decimal value." in html or "Enter a number, such as 12.5." in html
    assert "Enter a number from 0 to 10,000." in html
    assert "To compare the cost with your budget, say how much land or factory floor you need." in html
    assert "Not a valid choice." in html
    assert 'aria-invalid="true"' in html
    assert '<ol class="fit-list">' not in html


def test_without_needs_the_page_explains_itself(client, parks):
    html = client.get(FINDER).text
    assert "Fill in at least one need" in html
    assert '<ol class="fit-list">' not in html


def test_matching_projects_are_in_the_sector_within_the_land_in_a_fitting_park_or_outside(client, parks):
    electronics, textiles = parks
    alpha, beta = (db.session.scalar(select(factories.IndustrialPark).where(factories.IndustrialPark.slug == slug))
                   for slug in ("alpha", "beta"))
    factories.project("in-alpha", texts={"en": "Chip plant in Alpha"}, of=electronics, in_park=alpha,
                      land_area_ha=Decimal("20"))
    factories.project("outside", texts={"en": "Electronics campus"}, of=electronics, land_area_ha=Decimal("5"))
    factories.project("too-big", texts={"en": "Giant fab"}, of=electronics, land_area_ha=Decimal("80"))
    factories.project("in-beta", texts={"en": "Plant in Beta"}, of=electronics, in_park=beta,
                      land_area_ha=Decimal("5"))
    factories.project("weaving", texts={"en": "Weaving mill"}, of=textiles, land_area_ha=Decimal("5"))
    db.session.commit()
    html = client.get(f"{FINDER}?sector=electronics&land_ha=30").text
    projects = html.split('id="projects-title"', 1)[1]
    assert sorted(card_titles(projects)) == ["Chip plant in Alpha", "Electronics campus"]


def test_the_answer_takes_a_fixed_number_of_queries(client, parks, count_queries, session):
    electronics, _ = parks
    url = f"{FINDER}?sector=electronics&land_ha=5&budget_musd=50&power_mva=1"
    factories.project("first", of=electronics, in_park=factories.park("first", sectors=[electronics]),
                      land_area_ha=Decimal("2"))
    session.commit()
    with count_queries() as few:
        assert client.get(url).status_code == 200
    for number in range(12):
        park = factories.park(f"more-{number}", sectors=[electronics], available_area_ha=Decimal("50"))
        factories.project(f"p-{number}", of=electronics, in_park=park, land_area_ha=Decimal("2"))
    session.commit()
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert many.count == few.count


def test_the_finder_is_in_the_page_cache_and_the_sitemap_and_linked(client, parks):
    assert "site_finder.find" in CACHEABLE_ENDPOINTS
    assert "/en/find-a-site" in client.get("/sitemap.xml").text
    assert 'href="/en/find-a-site"' in client.get("/en/").text
    assert 'href="/en/find-a-site"' in client.get("/en/parks/").text


def test_an_inquiry_with_needs_shows_them_and_stores_them_as_fields(client, parks, session):
    url = ("/en/inquire?sector=electronics&land_ha=30&power_mva=20&max_seaport_km=30&budget_musd=50"
           "&start=within_1_year&park=alpha")
    page = client.get(url).text
    assert "Your needs" in page
    assert "<dt>Power (MVA)</dt><dd>20 MVA</dd>" in page
    # the inquiry's own fields start from the same needs
    assert re.search(r'<input checked[^>]*value="electronics"', page)
    assert re.search(r'id="land_need"[^>]*value="30(\.00)?"', page)
    assert '<option selected value="within_1_year">' in page
    response = submit(client, url, inquiry(sectors=["electronics"], land_need="30"))
    assert response.status_code == 302
    lead = session.scalar(select(Lead))
    needs = session.scalar(select(SiteNeeds).where(SiteNeeds.lead_id == lead.id))
    assert (needs.sector.code, needs.land_ha, needs.power_mva, needs.max_seaport_km, needs.budget_usd,
            needs.start) == ("electronics", Decimal("30"), Decimal("20"), Decimal("30"), 50_000_000,
                             "within_1_year")
    assert needs.floor_m2 is None and needs.water_m3_day is None
    assert [park.slug for park in lead.parks] == ["alpha"]


def test_an_inquiry_with_a_changed_needs_field_stores_none(client, parks, session):
    url = "/en/inquire?land_ha=30"
    response = submit(client, url, inquiry(sectors=["electronics"], site_needs="land_ha=oops"))
    assert response.status_code == 302
    assert session.scalar(select(SiteNeeds)) is None
    assert session.scalar(select(Lead)) is not None


def test_an_inquiry_without_needs_shows_no_needs(client, parks):
    assert "Your needs" not in client.get("/en/inquire?park=alpha").text


def test_staff_see_the_needs_on_the_lead_page_and_in_the_new_lead_mail(client, parks, session, staff_client):
    from portal.outbox.models import OutboxMessage
    from tests.mails import as_sent

    url = "/en/inquire?sector=electronics&floor_m2=5000&water_m3_day=300&max_airport_km=40&start=within_6_months"
    assert submit(client, url, inquiry(sectors=["electronics"])).status_code == 302
    lead = session.scalar(select(Lead))
    page = staff_client.get(f"/staff/leads/{lead.reference}").text
    needs = page.split('id="site-needs-title"', 1)[1].split("</section>", 1)[0]
    assert "<dt>Sector</dt><dd>Electronics</dd>" in needs
    assert "<dt>Ready-built factory floor (m²)</dt><dd>5,000 m²</dd>" in needs
    assert "<dt>Water (m³ per day)</dt><dd>300 m³ per day</dd>" in needs
    assert "<dt>Distance to an airport at most (km)</dt><dd>40 km</dd>" in needs
    assert "<dt>When to start</dt><dd>Within 6 months</dd>" in needs
    assert "Land (ha)" not in needs
    mail, = as_sent(session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "new_lead")))
    with force_locale("vi"):  # the centre's language (PORTAL_LEADS_LANGUAGE)
        heading, floor, airport = (gettext(text) for text in (
            "Site needs", "Ready-built factory floor (m²)", "Distance to an airport at most (km)"))
    assert f"{heading}:\n- " in mail.body
    assert f"- {floor}: 5.000 m²\n" in mail.body
    assert f"- {airport}: 40 km\n" in mail.body


def test_a_later_inquiry_with_needs_replaces_the_earlier_ones(client, parks, session):
    submit(client, "/en/inquire?land_ha=30", inquiry(sectors=["electronics"]))
    submit(client, "/en/inquire?land_ha=12&power_mva=5", inquiry(sectors=["electronics"], message="Smaller now."))
    lead, = session.scalars(select(Lead)).all()
    needs, = session.scalars(select(SiteNeeds)).all()
    assert (needs.lead_id, needs.land_ha, needs.power_mva) == (lead.id, Decimal("12"), Decimal("5"))


def test_the_order_rule_breaks_ties_by_land_then_by_the_park_added_first():
    from types import SimpleNamespace

    from portal.projects.site_finder.fit import ParkFit, Reason, Verdict, rank

    def park_fit(park_id, land, *verdicts):
        park = SimpleNamespace(id=park_id, available_area_ha=Decimal(land))
        return ParkFit(park, [Reason("x", Verdict(v), "") for v in verdicts], None)

    fits = [park_fit(1, "10", "short"), park_fit(2, "5", "fits", "unknown"), park_fit(3, "50", "fits", "unknown"),
            park_fit(4, "50", "fits", "fits"), park_fit(5, "50", "fits", "unknown"), park_fit(6, "99", "short", "short")]
    assert [fit.park.id for fit in rank(fits)] == [4, 3, 5, 2, 1, 6]


def test_needs_read_back_from_their_query_are_the_same_needs():
    from portal.projects.site_finder.fit import Requirements

    needs = Requirements(sector="electronics", land_ha=Decimal("24.50"), budget_musd=Decimal("1E+1"),
                         start="exploring")
    assert needs.query() == {"sector": "electronics", "land_ha": "24.5", "budget_musd": "10", "start": "exploring"}
    assert Requirements.from_query(needs.query()) == needs
    assert needs.cost_needs_query() == {"land_ha": "24.5"}
