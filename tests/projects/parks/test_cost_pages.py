"""The cost estimate on the park and compare pages, and the exchange rate staff record for it."""
import re
from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from sqlalchemy import select

from portal.audit import AuditEntry
from portal.projects.models import ExchangeRate
from tests import factories
from tests.staff import csrf_token, log_in, post

TODAY = date(2026, 12, 6)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("portal.projects.parks.views.today_in_vietnam", lambda: TODAY)
    monkeypatch.setattr("portal.clock.today_in_vietnam", lambda: TODAY)


@pytest.fixture
def parks(session):
    factories.park("vsip-3", texts={"en": "VSIP III", "vi": "KCN VSIP III", "ko": "VSIP III 산업단지"},
                   land_rent_min_usd_m2=Decimal("120"), land_rent_max_usd_m2=Decimal("150"),
                   maintenance_fee_usd_m2_year=Decimal("0.5"), wastewater_fee_usd_m3=Decimal("0.3"),
                   lease_term_end=date(2058, 12, 31))
    factories.park("bau-bang", texts={"en": "Bau Bang"}, land_rent_min_usd_m2=Decimal("95"),
                   land_rent_max_usd_m2=Decimal("95"), factory_rent_min_usd_m2_month=None,
                   factory_rent_max_usd_m2_month=None, lease_term_end=date(2057, 6, 30))
    session.commit()


def rate(session, vnd_per_usd="25400", applies_from=date(2026, 12, 5), source="Vietcombank selling rate"):
    session.add(ExchangeRate(vnd_per_usd=Decimal(vnd_per_usd), applies_from=applies_from, source=source))
    session.commit()


def text_of(html: str, element_id: str) -> str:
    start = html.index(f'id="{element_id}"')
    section = html[start:html.index("</section>", start)]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", section)).split())


def test_park_page_estimates_land_in_usd_and_vnd_with_the_rate_and_its_source(client, parks, session):
    rate(session)
    html = client.get("/en/parks/vsip-3?land_ha=30&water_m3_day=500").text
    cost = text_of(html, "cost")
    assert "Leasing 30 ha of land" in cost
    assert "Land rent, paid once for the remaining lease term US$36,000,000–45,000,000" in cost
    assert "VND 914 billion – 1.14 trillion" in cost
    assert "Infrastructure maintenance fee per year US$150,000" in cost
    assert "Waste-water treatment fee per year US$44,000" in cost  # 500 m³ × 80% × 365 × USD 0.3 = USD 43,800
    assert "Total for the first year US$36,194,000–45,194,000" in cost
    assert "Total until the lease term ends US$42,221,000–51,221,000" in cost
    assert "USD 1 = VND 25,400, applying from 5 December 2026; source: Vietcombank selling rate" in cost
    assert "the term that remains until 2058: 32.1 years from today until 31 December 2058" in cost
    assert 'value="30"' in html and 'value="500"' in html


def test_in_vietnamese_the_amounts_read_the_vietnamese_way(client, parks, session):
    rate(session)
    cost = text_of(client.get("/vi/parks/vsip-3?land_ha=30&water_m3_day=500").text, "cost")
    assert "919–1.148 tỷ đồng" in cost  # first year
    assert "36.194.000–45.194.000 USD" in cost


def test_without_an_exchange_rate_vnd_is_not_shown_and_the_page_says_so(client, parks):
    cost = text_of(client.get("/en/parks/vsip-3?land_ha=30").text, "cost")
    assert "Amounts in VND are not shown: the centre has not recorded an exchange rate yet." in cost
    html = client.get("/en/parks/vsip-3?land_ha=30").text
    assert 'class="vnd"' not in html and "billion" not in cost
    assert "Total for the first year US$3" in cost


def test_rate_from_a_later_day_is_not_used_yet(client, parks, session):
    rate(session, "25000", date(2026, 11, 1), "State Bank of Vietnam central rate")
    rate(session, "26000", date(2026, 12, 7), "Vietcombank selling rate")
    cost = text_of(client.get("/en/parks/vsip-3?land_ha=1").text, "cost")
    assert "USD 1 = VND 25,000" in cost and "State Bank of Vietnam central rate" in cost


def test_unpublished_prices_are_said_to_be_unknown_not_zero(client, parks):
    cost = text_of(client.get("/en/parks/bau-bang?floor_m2=2000&land_ha=10").text, "cost")
    assert "Ready-built factory rent per month Not published by the park" in cost
    assert "Infrastructure maintenance fee per year Not published by the park" in cost
    assert "Waste-water treatment fee per year Not published by the park" in cost
    assert "Total for the first year US$9,500,000" in cost  # the land rent alone, and said to leave fees out
    assert "The totals leave out what is not published or not given; they are not zero." in cost
    assert "US$0" not in cost


def test_waste_water_waits_for_the_water_use(client, parks):
    cost = text_of(client.get("/en/parks/vsip-3?land_ha=10").text, "cost")
    assert "Waste-water treatment fee per year Give your water use to include it" in cost


def test_without_needs_the_park_page_shows_only_the_form(client, parks):
    html = client.get("/en/parks/vsip-3").text
    assert 'id="cost"' in html and "Estimate the cost" in html
    assert "Total for the first year" not in html


@pytest.mark.parametrize(("query", "field", "message"), [
    ("land_ha=-5", "land_ha", "Enter a number from 0.1 to 5,000."),
    ("land_ha=lots", "land_ha", "Not a valid decimal value."),
    ("floor_m2=99999999", "floor_m2", "Enter a number from 1 to 1,000,000."),
    ("land_ha=10&water_m3_day=-1", "water_m3_day", "Enter a number from 0 to 500,000."),
])
def test_bad_input_is_explained_beside_the_field_and_kept(client, parks, query, field, message):
    html = client.get(f"/en/parks/vsip-3?{query}").text
    error = re.search(rf'<p class="field-error" id="{field}-error">([^<]*)</p>', html)
    assert error and unescape(error.group(1)) == message
    typed = query.split(f"{field}=")[1].split("&")[0]
    assert f'name="{field}"' in html and f'value="{typed}"' in html
    estimated = "Total for the first year US$" in text_of(html, "cost")
    assert estimated == (field == "water_m3_day")  # the bad figure is left out, the good ones still count


@pytest.mark.parametrize(("lang", "message"), [
    ("vi", "Vui lòng nhập số từ 0,1 đến 5.000."),
    ("ko", "0.1~5,000 사이의 숫자를 입력해 주세요."),
    ("ja", "0.1～5,000の範囲で数値を入力してください。"),
])
def test_a_range_message_writes_its_bounds_as_the_language_does(client, parks, lang, message):
    html = client.get(f"/{lang}/parks/vsip-3?land_ha=-5").text
    error = re.search(r'<p class="field-error" id="land_ha-error">([^<]*)</p>', html)
    assert error and unescape(error.group(1)) == message


def test_bad_input_is_translated(client, parks):
    html = client.get("/ko/parks/vsip-3?land_ha=abc").text
    assert "Not a valid decimal value." not in html
    assert 'id="land_ha-error"' in html


def test_compare_page_estimates_each_park_side_by_side(client, parks, session):
    rate(session)
    html = client.get("/en/parks/compare?park=vsip-3&park=bau-bang&land_ha=10").text
    cost = text_of(html, "cost")
    assert ("Land rent, paid once for the remaining lease term US$12,000,000–15,000,000 "
            "VND 305–381 billion US$9,500,000 VND 241 billion") in cost
    assert "Infrastructure maintenance fee per year US$50,000 VND 1.27 billion Not published by the park" in cost
    assert "VSIP III : Land rent is paid once for the term that remains until 2058" in cost
    assert "Bau Bang : Land rent is paid once for the term that remains until 2057" in cost
    assert html.count('name="park" value="vsip-3"') >= 2  # the picker and the estimate form keep the parks


def test_pages_with_an_estimate_run_a_bounded_number_of_queries(client, parks, session, count_queries):
    rate(session)
    for url in ("/en/parks/vsip-3?land_ha=30&floor_m2=500&water_m3_day=100",
                "/en/parks/compare?park=vsip-3&park=bau-bang&land_ha=30&floor_m2=500"):
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        assert counter.count <= 10, url


def test_manager_records_a_rate_and_sees_its_history(staff_client, client, parks, session, manager):
    post(staff_client, "/staff/catalogue/exchange-rate", vnd_per_usd="25000", applies_from="2026-11-01",
         source="State Bank of Vietnam central rate")
    response = post(staff_client, "/staff/catalogue/exchange-rate", vnd_per_usd="25400", applies_from="2026-12-05",
                    source="Vietcombank selling rate")
    assert response.status_code == 302
    page = staff_client.get("/staff/catalogue/exchange-rate").text
    rows = re.findall(r"<tr>\s*<td>([^<]*)</td>\s*<td>([^<]*)</td>\s*<td>([^<]*)</td>\s*<td>([^<]*)</td>", page)
    assert rows == [("25,400", "5 Dec 2026", "Vietcombank selling rate", manager.name),
                    ("25,000", "1 Nov 2026", "State Bank of Vietnam central rate", manager.name)]
    assert session.scalar(select(AuditEntry).where(AuditEntry.entity == "exchange_rate")) is not None
    assert "USD 1 = VND 25,400" in client.get("/en/parks/vsip-3?land_ha=1").text


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"vnd_per_usd": "", "applies_from": "2026-12-05", "source": "Vietcombank"}, "vnd_per_usd",
     "Please fill in this field."),
    ({"vnd_per_usd": "25.4", "applies_from": "2026-12-05", "source": "Vietcombank"}, "vnd_per_usd",
     "Enter a number from 1,000 to 100,000."),
    ({"vnd_per_usd": "25400", "applies_from": "2026-12-09", "source": "Vietcombank"}, "applies_from",
     "Enter today's date or an earlier one."),
    ({"vnd_per_usd": "25400", "applies_from": "2026-12-05", "source": " "}, "source", "Please fill in this field."),
])
def test_a_wrong_rate_is_refused_beside_its_field_and_nothing_is_saved(staff_client, session, data, field, message):
    response = post(staff_client, "/staff/catalogue/exchange-rate", **data)
    assert response.status_code == 400
    error = re.search(rf'<p class="field-error" id="{field}-error">([^<]*)</p>', response.text)
    assert error and unescape(error.group(1)) == message
    assert f'value="{data["vnd_per_usd"]}"' in response.text
    assert session.scalars(select(ExchangeRate)).all() == []


def test_officers_may_not_record_a_rate_and_a_post_needs_its_csrf_token(app, staff_client, session):
    officer = factories.user(role="officer")
    session.commit()
    officer_client = app.test_client()
    log_in(officer_client, officer)
    assert officer_client.get("/staff/catalogue/exchange-rate").status_code == 403
    token = csrf_token(officer_client)
    assert officer_client.post("/staff/catalogue/exchange-rate", data={
        "csrf_token": token, "vnd_per_usd": "25400", "applies_from": "2026-12-05", "source": "x"}).status_code == 403
    refused = staff_client.post("/staff/catalogue/exchange-rate", data={
        "vnd_per_usd": "25400", "applies_from": "2026-12-05", "source": "Vietcombank"})
    assert refused.status_code == 400
    assert session.scalars(select(ExchangeRate)).all() == []


def test_a_new_rate_refreshes_the_cached_park_pages(app, session):
    from portal.page_cache.invalidation import CONTENT_TABLES

    assert "exchange_rates" in CONTENT_TABLES
