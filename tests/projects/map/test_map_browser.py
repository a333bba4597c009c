"""The map in a real browser (Debian's chromium): on a phone, in Japanese, and under axe."""
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.test_browser import LANGS, wcag_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def located_catalogue(session):
    chips = factories.sector("semiconductors", en="Semiconductors", ko="반도체·집적회로", ja="半導体・集積回路",
                             vi="Bán dẫn và vi mạch")
    logistics = factories.sector("logistics", en="Logistics", ko="물류", ja="物流", vi="Logistics")
    bau_bang = factories.location("bau_bang", en="Bau Bang", ko="바우방", ja="バウバン", vi="Bàu Bàng")
    di_an = factories.location("di_an", en="Di An", ko="지안", ja="ジーアン", vi="Dĩ An")
    vsip = factories.park("vsip-3", where=bau_bang, sectors=[chips], latitude=11.115, longitude=106.77,
                          texts={"en": "VSIP III", "ko": "VSIP III 산업단지", "ja": "VSIP III 工業団地",
                                 "vi": "KCN VSIP III"}, available_area_ha=Decimal("312"))
    factories.park("song-than-1", where=di_an, sectors=[logistics], latitude=10.905, longitude=106.752,
                   texts={"en": "Song Than 1", "ko": "송턴 1 산업단지", "ja": "ソンタン1工業団地", "vi": "KCN Sóng Thần 1"})
    factories.project("chip-fab", of=chips, where=bau_bang, in_park=vsip, latitude=11.2, longitude=106.6,
                      texts={"en": "Chip packaging plant", "ko": "반도체 패키징 공장", "ja": "半導体パッケージング工場",
                             "vi": "Nhà máy đóng gói chip"})
    factories.project("icd", of=logistics, where=di_an, latitude=10.9, longitude=106.79,
                      texts={"en": "Inland container depot", "ko": "내륙 컨테이너 기지", "ja": "内陸コンテナデポ",
                             "vi": "Cảng cạn ICD"})
    session.commit()


def test_japanese_investor_on_a_phone_filters_the_map_and_follows_a_pin_to_a_park(live_server, browser,
                                                                                  located_catalogue):
    context = browser.new_context(bypass_csp=True, viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, locale="ja-JP")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/ja/parks/")
    page.locator("a.map-link").click()
    page.wait_for_url("**/ja/map")
    assert page.locator("a.pin").count() == 4
    svg_box = page.locator("svg.map-svg").bounding_box()
    assert svg_box["width"] <= 390  # the map fits the phone's width

    page.select_option("#sector", "semiconductors")
    page.locator(".filters button[type=submit]").click()
    page.wait_for_url("**/ja/map?*sector=semiconductors*")
    assert page.locator("a.pin").count() == 2
    assert page.locator(".place-list a").all_inner_texts() == ["VSIP III 工業団地", "半導体パッケージング工場"]

    park_pin = page.locator("a.pin[href='/ja/parks/vsip-3']")
    park_pin.focus()
    assert page.evaluate("document.activeElement.getAttribute('aria-label')").startswith("1. VSIP III 工業団地")
    page.keyboard.press("Enter")
    page.wait_for_url("**/ja/parks/vsip-3")
    expect(page.locator("h1")).to_have_text("VSIP III 工業団地")
    expect(page.locator(".small-map svg")).to_be_visible()
    context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_the_map_and_the_small_maps_have_no_wcag_a_or_aa_violations(live_server, page, located_catalogue, lang):
    for path in ("map", "map?sector=logistics", "map?min_land=abc", "parks/vsip-3", "projects/chip-fab"):
        page.goto(f"{live_server.url}/{lang}/{path}")
        assert wcag_violations(page) == "", f"/{lang}/{path}"
