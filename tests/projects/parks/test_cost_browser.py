"""The cost estimate in a real browser: it follows the investor's typing, and it is accessible."""
from datetime import date
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from portal.projects.models import ExchangeRate
from tests import factories
from tests.browser import sign_in
from tests.test_browser import wcag_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def parks(session):
    factories.park("vsip-3", texts={"en": "VSIP III", "ko": "VSIP III 산업단지", "ja": "VSIP III 工業団地",
                                    "vi": "KCN VSIP III"},
                   land_rent_min_usd_m2=Decimal("120"), land_rent_max_usd_m2=Decimal("150"),
                   maintenance_fee_usd_m2_year=Decimal("0.5"), wastewater_fee_usd_m3=Decimal("0.3"),
                   lease_term_end=date(2058, 12, 31))
    factories.park("bau-bang", texts={"en": "Bau Bang", "ko": "바우방 산업단지", "ja": "バウバン工業団地",
                                      "vi": "KCN Bàu Bàng"},
                   land_rent_min_usd_m2=Decimal("95"), land_rent_max_usd_m2=None, factory_rent_min_usd_m2_month=None,
                   factory_rent_max_usd_m2_month=None, lease_term_end=date(2057, 6, 30))
    session.add(ExchangeRate(vnd_per_usd=Decimal("25400"), applies_from=date(2026, 12, 1),
                             source="Vietcombank selling rate"))
    session.commit()


def test_the_estimate_follows_what_the_investor_types(live_server, page, parks):
    page.goto(f"{live_server.url}/ko/parks/vsip-3")
    results = page.locator("#cost-results")
    expect(results).to_be_empty()

    page.locator("#land_ha").press_sequentially("30")
    expect(results).to_contain_text("36,000,000~45,000,000달러")  # 30 ha × USD 120/m², without pressing the button
    expect(results).to_contain_text("Vietcombank selling rate")
    assert parse_qs(urlsplit(page.url).query) == {"land_ha": ["30"]}

    page.locator("#water_m3_day").press_sequentially("500")
    expect(results).to_contain_text("44,000달러")  # the waste-water fee joins in

    page.locator("#land_ha").fill("-5")
    expect(page.locator("#land_ha-error")).to_be_visible()
    expect(page.locator("#land_ha")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#land_ha")).to_have_value("-5")

    page.locator("#land_ha").fill("12")
    expect(page.locator("#land_ha-error")).to_have_count(0)
    expect(results).to_contain_text("14,400,000~18,000,000달러")


def test_the_compare_page_estimates_as_the_investor_types(live_server, page, parks):
    page.goto(f"{live_server.url}/en/parks/compare?park=vsip-3&park=bau-bang")
    page.locator("#land_ha").press_sequentially("10")
    table = page.locator("#cost-results table")
    expect(table).to_contain_text("US$12,000,000–15,000,000")
    expect(table).to_contain_text("US$9,500,000")
    assert parse_qs(urlsplit(page.url).query) == {"park": ["vsip-3", "bau-bang"], "land_ha": ["10"]}


def test_without_javascript_the_button_gives_the_estimate(browser, live_server, parks):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/en/parks/vsip-3")
    page.fill("#floor_m2", "5000")
    page.locator(".cost-form button[type=submit]").click()
    page.wait_for_url("**/en/parks/vsip-3?*floor_m2=5000*")
    expect(page.locator("#cost-results")).to_contain_text("US$21,000–25,000")
    context.close()


@pytest.mark.parametrize("lang", ("vi", "en", "ko", "ja"))
def test_the_estimate_has_no_wcag_a_or_aa_violations(live_server, page, parks, lang):
    for path in ("parks/vsip-3?land_ha=30&floor_m2=2000&water_m3_day=500",
                 "parks/bau-bang?land_ha=abc&floor_m2=2000",
                 "parks/compare?park=vsip-3&park=bau-bang&land_ha=30&floor_m2=2000&water_m3_day=500"):
        page.goto(f"{live_server.url}/{lang}/{path}")
        assert wcag_violations(page) == "", f"/{lang}/{path}"


def test_the_exchange_rate_page_is_accessible(live_server, page, session, parks):
    manager = factories.user(role="manager")
    session.commit()
    sign_in(page, live_server, manager)
    page.goto(f"{live_server.url}/staff/catalogue/exchange-rate")
    page.locator("form.panel button[type=submit]").click()  # nothing filled in
    expect(page.locator(".field-error").first).to_be_visible()
    assert wcag_violations(page) == ""
