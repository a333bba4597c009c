"""Journeys in a real browser (Debian's chromium through Playwright), and accessibility checks."""
from decimal import Decimal

import pytest
from flask_babel import force_locale, gettext
from playwright.sync_api import expect
from sqlalchemy import select

from portal.leads.models import Lead
from tests import factories
from tests.browser import sign_in
from tests.pdfs import pdf
from tests.staff import totp_code

pytestmark = pytest.mark.browser

LANGS = ("vi", "en", "ko", "ja")


@pytest.fixture
def catalogue(session):
    chips = factories.sector("semiconductors", en="Semiconductors", ko="반도체·집적회로", ja="半導体・集積回路",
                             vi="Bán dẫn và vi mạch")
    logistics = factories.sector("logistics", en="Logistics", ko="물류", ja="物流", vi="Logistics")
    bau_bang = factories.location("bau_bang", en="Bau Bang", ko="바우방", ja="バウバン", vi="Bàu Bàng")
    vsip = factories.park("vsip-3", where=bau_bang, sectors=[chips],
                          texts={"en": "VSIP III", "ko": "VSIP III 산업단지", "ja": "VSIP III 工業団地",
                                 "vi": "KCN VSIP III"})
    factories.park("cay-truong", where=bau_bang, sectors=[chips, logistics],
                   texts={"en": "Cay Truong", "ko": "까이쯔엉 산업단지", "ja": "カイチュオン工業団地", "vi": "KCN Cây Trường"},
                   available_area_ha=Decimal("480"))
    factories.project("chip-fab", of=chips, where=bau_bang, in_park=vsip, featured=True,
                      texts={"en": "Chip packaging plant", "ko": "반도체 패키징 공장", "ja": "半導体パッケージング工場",
                             "vi": "Nhà máy đóng gói chip"})
    factories.project("icd", of=logistics, where=bau_bang,
                      texts={"en": "Inland container depot", "ko": "내륙 컨테이너 기지", "ja": "内陸コンテナデポ",
                             "vi": "Cảng cạn ICD"})
    factories.key_figure("fdi_projects", 4121)
    session.commit()


def test_korean_visitor_filters_then_switches_to_japanese_keeping_the_filter(live_server, page, catalogue):
    page.goto(f"{live_server.url}/ko/")
    assert page.locator("html").get_attribute("lang") == "ko"
    page.locator(".main-nav a[href='/ko/projects/']").click()
    page.select_option("#sector", "logistics")
    page.locator(".filters button[type=submit]").click()
    page.wait_for_url("**/ko/projects/?*sector=logistics*")
    assert page.locator(".card-title").all_inner_texts() == ["내륙 컨테이너 기지"]

    page.locator(".language-switcher a[lang=ja]").click()
    page.wait_for_url("**/ja/projects/?*sector=logistics*")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.locator("#sector").input_value() == "logistics"
    assert page.locator(".card-title").all_inner_texts() == ["内陸コンテナデポ"]


def test_investor_picks_parks_to_compare_from_the_directory(live_server, page, catalogue):
    page.goto(f"{live_server.url}/en/parks/")
    page.check("#compare-vsip-3")
    page.check("#compare-cay-truong")
    page.locator(".compare-bar button").click()
    page.wait_for_url("**/en/parks/compare?*")
    headers = page.locator("table.compare thead th").all_inner_texts()
    assert sorted(headers) == ["Cay Truong", "VSIP III"]


def wcag_violations(page) -> str:
    """axe-core's report of WCAG 2.1 A and AA violations on the page, or "" when there are none."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    results = Axe().run(page, options=options)
    return results.generate_report() if results.violations_count else ""


def test_japanese_investor_asks_about_a_project_and_is_answered_in_japanese(app, live_server, page, catalogue,
                                                                             session):
    page.goto(f"{live_server.url}/ja/projects/chip-fab")
    page.locator(".contact-box a.button").click()
    page.wait_for_url("**/ja/inquire?project=chip-fab")
    assert "半導体パッケージング工場" in page.locator(".about-box").inner_text()

    page.locator(".lead-form button[type=submit]").click()  # nothing filled in yet
    page.wait_for_load_state()
    assert page.locator(".field-error").count() >= 5
    assert wcag_violations(page) == ""

    page.fill("#name", "佐藤 健")
    page.fill("#company", "さくら精密工業株式会社")
    page.select_option("#country", "JP")
    page.fill("#email", "sato@sakura.example")
    page.check("input[name=sectors][value=semiconductors]")
    page.fill("#estimated_investment", "45")
    page.fill("#message", "工場用地10ヘクタールについて、賃料と優遇措置を教えてください。")
    page.check("#consent")
    page.locator(".lead-form button[type=submit]").click()
    page.wait_for_url("**/ja/thank-you")

    lead = session.scalars(select(Lead)).one()
    with app.test_request_context(), force_locale("ja"):
        thanks = gettext("Thank you for your inquiry")
    assert page.locator("h1").inner_text() == thanks
    assert page.locator(".reference strong").inner_text() == lead.reference
    assert page.locator("html").get_attribute("lang") == "ja"
    assert [project.slug for project in lead.projects] == ["chip-fab"]
    assert lead.preferred_language == "ja" and lead.country == "JP"


@pytest.mark.parametrize("lang", LANGS)
def test_public_pages_have_no_wcag_a_or_aa_violations(live_server, page, catalogue, lang):
    for path in ("", "why-invest", "projects/", "projects/?sector=semiconductors", "projects/chip-fab", "parks/",
                 "parks/vsip-3", "parks/compare?park=vsip-3&park=cay-truong", "inquire?project=chip-fab", "visit",
                 "refer", "privacy"):
        page.goto(f"{live_server.url}/{lang}/{path}")
        assert wcag_violations(page) == "", f"/{lang}/{path}"
    switcher = page.locator(".language-switcher a")
    assert [switcher.nth(i).get_attribute("lang") for i in range(4)] == list(LANGS)


@pytest.mark.parametrize("lang", LANGS)
def test_the_inquiry_form_with_its_errors_has_no_wcag_a_or_aa_violations(live_server, page, catalogue, lang):
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/{lang}/inquire?project=chip-fab")
        page.locator(".lead-form button[type=submit]").click()  # nothing filled in
        page.wait_for_load_state()
        assert page.locator(".field-error").count() >= 5
        assert page.locator(".field-invalid").count() >= 5
        assert wcag_violations(page) == "", f"/{lang}/inquire with errors at {width} px"


def test_officer_drags_a_lead_to_contacted_and_notes_the_call(app, live_server, page, session):
    officer = factories.user(name="Lê Hoàng Anh", language="en")
    lead = factories.lead("Hanbit Electronics", owner=officer)
    session.commit()

    sign_in(page, live_server, officer)
    page.goto(f"{live_server.url}/staff/leads/board")
    card = page.locator(f".board-card[data-reference='{lead.reference}']")
    contacted = page.locator(".board-column").nth(1)
    card.drag_to(contacted)
    expect(contacted.locator(f".board-card[data-reference='{lead.reference}']")).to_be_visible()
    expect(page.locator("#board-status")).not_to_be_empty()
    assert wcag_violations(page) == ""

    contacted.locator(".board-card-title").click()
    page.select_option("#kind", "call")
    page.fill("#body", "Called Mr Choi: he will send the site plan on Friday.")
    page.locator(".activity-form button[type=submit]").click()
    timeline = page.locator(".timeline")
    expect(timeline).to_contain_text("Called Mr Choi: he will send the site plan on Friday.")
    expect(timeline).to_contain_text("From New to Contacted")
    assert wcag_violations(page) == ""
    session.expire_all()
    assert lead.stage.code == "contacted" and lead.first_responded_at is not None
    for path in ("/staff/", "/staff/leads", "/staff/account"):
        page.goto(f"{live_server.url}{path}")
        assert wcag_violations(page) == "", path


def test_back_office_administration_pages_are_accessible(live_server, page, session):
    admin = factories.user(role="admin", name="Nguyễn Thị Lan", language="vi")
    lead = factories.lead("Hanbit Electronics", email="kim@hanbit.example")
    factories.lead("HANBIT ELECTRONICS", email="lee@hanbit.example")
    session.commit()
    sign_in(page, live_server, admin)
    for path in ("/staff/referrers", "/staff/referrers/new", "/staff/events", "/staff/events/new", "/staff/users",
                 "/staff/users/new", "/staff/stages", "/staff/stages/new", "/staff/lost-reasons", "/staff/data-requests",
                 "/staff/leads/import", f"/staff/leads/{lead.reference}", "/staff/leads/board",
                 "/staff/catalogue/projects", "/staff/catalogue/parks/new", "/staff/catalogue/translations",
                 "/staff/catalogue/sectors", "/staff/catalogue/locations/new", "/staff/catalogue/key-figures/new",
                 "/staff/holidays", f"/staff/leads/{lead.reference}/edit"):
        page.goto(f"{live_server.url}{path}")
        assert page.locator("html").get_attribute("lang") == "vi"
        assert wcag_violations(page) == "", path


def test_manager_publishes_a_project_with_a_brochure_and_a_korean_investor_finds_it(live_server, page, session):
    chips = factories.sector("semiconductors", en="Semiconductors", ko="반도체", ja="半導体", vi="Bán dẫn")
    factories.location("bau_bang", en="Bau Bang", ko="바우방", ja="バウバン", vi="Bàu Bàng")
    manager = factories.user(role="manager", language="en")
    session.commit()
    sign_in(page, live_server, manager)

    page.goto(f"{live_server.url}/staff/catalogue/projects/new")
    page.select_option("#sector_id", str(chips.id))
    page.fill("#total_investment_usd", "120000000")
    page.fill("#land_area_ha", "8")
    texts = {"vi": "Nhà máy kiểm thử chip", "en": "Chip test plant", "ko": "반도체 테스트 공장", "ja": "半導体テスト工場"}
    for lang, title in texts.items():
        page.locator(f".language-tabs a[href='#texts-{lang}']").click()
        page.fill(f"#texts_{lang}-title", title)
        page.fill(f"#texts_{lang}-summary", f"{title}: summary")
        page.fill(f"#texts_{lang}-description", f"{title}: description")
    page.locator(".catalogue-form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Chip test plant")
    assert wcag_violations(page) == ""

    page.set_input_files("#media-file", files=[{
        "name": "chip-test-plant.pdf", "mimeType": "application/pdf",
        "buffer": pdf(),
    }])
    page.check("#media-kind-brochure")
    page.locator(".upload-form button[type=submit]").click()
    expect(page.locator(".media-list")).to_contain_text("chip-test-plant.pdf")
    page.locator(".item-actions button", has_text="Publish").click()
    expect(page.locator(".badge-published")).to_be_visible()

    page.goto(f"{live_server.url}/ko/projects/?q=반도체+테스트")
    page.locator(".card-title a", has_text=texts["ko"]).click()
    expect(page.locator("h1")).to_have_text(texts["ko"])
    brochure = page.locator("a[href^='/media/']", has_text="PDF")
    expect(brochure).to_be_visible()
    response = page.request.get(f"{live_server.url}{brochure.get_attribute('href')}")
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_a_new_officer_sets_up_the_authenticator_then_signs_in_with_a_code(live_server, page, session):
    import pyotp

    from tests.staff import PASSWORD

    newcomer = factories.user(name="Phạm Thu Trang", language="vi", enrolled=False)
    session.commit()
    page.goto(f"{live_server.url}/staff/login")
    page.fill("#email", newcomer.email)
    page.fill("#password", PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page.locator("img.qr-code")).to_be_visible()
    assert wcag_violations(page) == ""
    key = page.locator(".setup-key").inner_text()
    page.fill("#code", pyotp.TOTP(key).now())  # what the phone's authenticator app shows
    page.locator("form button[type=submit]").click()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    assert wcag_violations(page) == ""
    page.locator(".form-actions a.button").click()
    expect(page.locator("h1")).to_be_visible()
    assert page.url.endswith("/staff/")

    page.locator(".account-nav button[type=submit]").click()
    expect(page.locator("#password")).to_be_visible()
    page.fill("#email", newcomer.email)
    page.fill("#password", PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page.locator("#code")).to_be_visible()
    assert wcag_violations(page) == ""
    page.fill("#code", totp_code(newcomer, key))
    page.locator("form button[type=submit]").click()
    expect(page.locator(".account-nav")).to_contain_text("Phạm Thu Trang")


@pytest.mark.parametrize("lang", LANGS)
def test_site_finder_pages_have_no_wcag_a_or_aa_violations(live_server, page, catalogue, lang):
    needs = "sector=semiconductors&land_ha=30&power_mva=20&max_seaport_km=30&budget_musd=60"
    for path in ("find-a-site", f"find-a-site?{needs}", "find-a-site?land_ha=lots&budget_musd=5",
                 f"inquire?{needs}&park=cay-truong"):
        page.goto(f"{live_server.url}/{lang}/{path}")
        assert wcag_violations(page) == "", f"/{lang}/{path}"


def test_korean_investor_finds_a_site_compares_estimates_shortlists_and_asks(app, live_server, page, catalogue,
                                                                             session):
    page.goto(f"{live_server.url}/ko/find-a-site")
    page.select_option("#sector", "semiconductors")
    page.fill("#land_ha", "30")
    page.locator(".filters button[type=submit]").click()
    page.wait_for_url("**/ko/find-a-site?sector=semiconductors&land_ha=30")  # only the needs filled in
    assert page.locator(".fit-card .card-title").all_inner_texts() == ["까이쯔엉 산업단지", "VSIP III 산업단지"]
    with force_locale("ko"):
        assert gettext("Meets every need") in page.locator(".fit-card").first.inner_text()
    # VSIP III has only 20 ha: it comes second, said so, and the investor adds it to the comparison
    with force_locale("ko"):
        assert gettext("Only %(available)s available of the %(need)s you need.", available="20ha", need="30ha") \
            in page.locator(".fit-card").nth(1).inner_text()
    assert page.is_checked("#compare-cay-truong") and not page.is_checked("#compare-vsip-3")
    page.check("#compare-vsip-3")
    page.locator(".compare-bar button").click()
    page.wait_for_url("**/ko/parks/compare?*")
    assert "land_ha=30" in page.url
    headers = page.locator("table.compare").first.locator("thead th").all_inner_texts()
    assert sorted(headers) == ["VSIP III 산업단지", "까이쯔엉 산업단지"]
    # the cost of the same 30 ha, side by side: land rent paid once, 300,000 m² at USD 120-150
    land_rent = page.locator("#cost table.cost-table").first.locator("tbody tr").first.locator("td")
    assert ["36,000,000~45,000,000달러" in cell for cell in land_rent.all_inner_texts()] == [True, True]

    # both go on the shortlist, which is sent as one inquiry naming both
    for button in page.locator("table.compare tfoot .shortlist-button").all():
        button.click()
        expect(button).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".main-nav [data-shortlist-count]")).to_have_text("2")
    page.locator(".main-nav [data-shortlist-link]").click()
    page.wait_for_url("**/ko/shortlist?*")
    page.locator(".hero-actions a.button").first.click()
    page.wait_for_url("**/ko/inquire?*")
    page.fill("#name", "김민준")
    page.fill("#company", "한빛전자")
    page.select_option("#country", "KR")
    page.fill("#email", "minjun.kim@hanbit.example")
    page.fill("#message", "두 산업단지의 30ha 부지 임대 조건을 알려 주세요.")
    page.check("#consent")
    page.locator(".lead-form button[type=submit]").click()
    page.wait_for_url("**/ko/thank-you")
    lead = session.scalars(select(Lead)).one()
    assert sorted(park.slug for park in lead.parks) == ["cay-truong", "vsip-3"]
    assert lead.preferred_language == "ko" and lead.country == "KR"
