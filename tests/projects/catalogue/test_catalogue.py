"""The investment project catalogue: filters, search, sorting, pagination and detail pages."""

import pytest

from tests import factories
from tests.pages import card_titles


@pytest.fixture
def catalogue(session):
    chips = factories.sector("semiconductors", en="Semiconductors")
    logistics = factories.sector("logistics", en="Logistics")
    bau_bang = factories.location("bau_bang", en="Bau Bang", vi="Bàu Bàng")
    di_an = factories.location("di_an", en="Di An", vi="Dĩ An")
    factories.project("chip-fab", texts={"en": "Chip packaging plant", "vi": "Nhà máy đóng gói chip Bình Dương"},
                      of=chips, where=bau_bang, total_investment_usd=500_000_000, land_area_ha=40,
                      investment_form="foreign_100", status="open", featured=True)
    factories.project("icd", texts={"en": "Inland container depot", "ko": "내륙 컨테이너 기지"},
                      of=logistics, where=di_an, total_investment_usd=60_000_000, land_area_ha=15,
                      investment_form="ppp", status="preparing")
    factories.project("cold-chain", texts={"en": "Cold-chain warehouse"}, of=logistics, where=bau_bang,
                      total_investment_usd=20_000_000, land_area_ha=5, investment_form="joint_venture",
                      status="in_talks")
    session.commit()


def test_catalogue_lists_published_projects_with_a_count(client, catalogue, session):
    factories.project("hidden", texts={"en": "Unpublished plan"}, published=False)
    session.commit()
    html = client.get("/en/projects/").text
    assert "3 projects found" in html
    assert set(card_titles(html)) == {"Chip packaging plant", "Inland container depot", "Cold-chain warehouse"}
    assert "Unpublished plan" not in html
    assert client.get("/en/projects/hidden").status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sector=logistics", {"Inland container depot", "Cold-chain warehouse"}),
        ("location=bau_bang", {"Chip packaging plant", "Cold-chain warehouse"}),
        ("investment_form=ppp", {"Inland container depot"}),
        ("status=in_talks", {"Cold-chain warehouse"}),
        ("min_investment=50", {"Chip packaging plant", "Inland container depot"}),
        ("max_investment=60", {"Inland container depot", "Cold-chain warehouse"}),
        ("min_area=10&max_area=20", {"Inland container depot"}),
        ("sector=logistics&location=bau_bang", {"Cold-chain warehouse"}),
    ],
)
def test_filters_narrow_the_catalogue(client, catalogue, query, expected):
    html = client.get(f"/en/projects/?{query}").text
    assert set(card_titles(html)) == expected


@pytest.mark.parametrize("words", ["binh duong", "BÌNH DƯƠNG", "binh  DUONG chip", "Bình Dương"])
def test_search_ignores_case_and_vietnamese_diacritics(client, catalogue, words):
    html = client.get("/en/projects/", query_string={"q": words}).text
    assert card_titles(html) == ["Chip packaging plant"]


def test_search_finds_korean_text_and_place_names(client, catalogue):
    assert card_titles(client.get("/ko/projects/", query_string={"q": "컨테이너"}).text) == ["내륙 컨테이너 기지"]
    assert len(card_titles(client.get("/en/projects/", query_string={"q": "di an"}).text)) == 1


def test_sorting_by_investment(client, catalogue):
    html = client.get("/en/projects/?sort=investment_asc").text
    assert card_titles(html) == ["Cold-chain warehouse", "Inland container depot", "Chip packaging plant"]
    html = client.get("/en/projects/?sort=investment_desc").text
    assert card_titles(html)[0] == "Chip packaging plant"


def test_invalid_filter_is_explained_beside_its_field_and_kept(client, catalogue):
    html = client.get("/en/projects/?min_investment=lots&sector=logistics&max_area=1&min_area=5").text
    assert 'value="lots"' in html
    assert '<p class="field-error" id="min_investment-error">Not a valid decimal value.</p>' in html
    assert 'id="max_area-error">The upper limit must not be below the lower limit.</p>' in html
    assert html.count('class="field-error"') == 2
    # the valid filter still applies, the invalid ones are left out
    assert set(card_titles(html)) == {"Inland container depot", "Cold-chain warehouse"}


def test_empty_result_suggests_how_to_widen_the_search(client, catalogue):
    html = client.get("/en/projects/?q=shipyard&sector=logistics").text
    assert "0 projects found" in html
    assert "No project matches this search." in html
    assert 'href="/en/projects/?sector=logistics">Remove filter: Search projects – shipyard' in html
    assert 'href="/en/projects/">See all projects</a>' in html


def test_pagination_keeps_filters(client, session):
    logistics = factories.sector("logistics")
    for number in range(14):
        factories.project(f"depot-{number:02}", of=logistics, total_investment_usd=1_000_000 * (number + 1))
    session.commit()
    first = client.get("/en/projects/?sector=logistics&sort=investment_asc")
    assert "14 projects found" in first.text
    assert len(card_titles(first.text)) == 12
    assert 'href="/en/projects/?sector=logistics&amp;sort=investment_asc&amp;page=2" rel="next"' in first.text
    second = client.get("/en/projects/?sector=logistics&sort=investment_asc&page=2").text
    assert card_titles(second) == ["Project depot-12", "Project depot-13"]


def test_project_page_shows_facts_incentives_and_a_way_to_inquire(client, session):
    chips = factories.sector("semiconductors", en="Semiconductors")
    park = factories.park("vsip-3", texts={"en": "VSIP III Industrial Park"})
    project = factories.project("chip-fab", texts={"en": "Chip packaging plant"}, of=chips, in_park=park,
                                total_investment_usd=300_000_000, total_investment_vnd=7_500_000_000_000,
                                land_area_ha=25, investment_form="joint_venture", timeline_start=2026,
                                timeline_end=2030)
    project.texts["en"].incentives = "CIT 10% for 15 years\nLand rent exemption for 11 years"
    project.texts["en"].contact_agency = "HCMC Investment and Trade Promotion Centre (ITPC)"
    factories.project("chip-design", texts={"en": "Chip design centre"}, of=chips)
    factories.project("unrelated", texts={"en": "Shopping mall"})
    session.commit()

    html = client.get("/en/projects/chip-fab").text.replace("\xa0", " ")
    assert "<h1>Chip packaging plant</h1>" in html
    assert "US$300 million" in html and "VND 7.5 trillion" in html  # đồng as DOMAIN.md writes them
    assert "25 ha" in html and "Joint venture" in html and "2026 – 2030" in html
    assert "<li>Land rent exemption for 11 years</li>" in html
    assert "HCMC Investment and Trade Promotion Centre (ITPC)" in html
    assert 'href="/en/parks/vsip-3"' in html
    assert 'href="/en/inquire?project=chip-fab"' in html
    related = html[html.index('id="related-title"'):]
    assert "Chip design centre" in related and "Shopping mall" not in related


def test_user_text_is_escaped(client, session):
    factories.project("xss", texts={"en": "<script>alert(1)</script> plant"})
    session.commit()
    html = client.get("/en/projects/xss").text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; plant" in html


def test_unknown_project_is_a_404_in_the_sites_layout(client):
    response = client.get("/ja/projects/does-not-exist")
    assert response.status_code == 404
    assert '<html lang="ja">' in response.text and 'class="site-header"' in response.text
