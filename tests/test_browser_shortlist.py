"""The shortlist and the investor's inquiry page in a real browser (Debian's chromium), with axe."""
import pytest
from playwright.sync_api import expect

from portal.leads.follow.operations import issue_link
from tests import factories
from tests.test_browser import LANGS, catalogue, wcag_violations  # noqa: F401  (the fixture)

pytestmark = pytest.mark.browser


def test_korean_investor_shortlists_a_park_and_a_project_then_asks_about_both(live_server, page, catalogue):
    page.goto(f"{live_server.url}/ko/parks/vsip-3")
    count = page.locator(".main-nav [data-shortlist-count]")
    expect(count).to_have_text("0")
    button = page.locator(".hero-actions .shortlist-button")
    expect(button).to_be_visible()
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(count).to_have_text("1")

    page.goto(f"{live_server.url}/ko/projects/")
    card_button = page.locator(".shortlist-button[data-shortlist-slug='chip-fab']")
    card_button.click()
    expect(page.locator(".main-nav [data-shortlist-count]")).to_have_text("2")

    page.locator(".main-nav [data-shortlist-link]").click()
    page.wait_for_url("**/ko/shortlist?*")
    titles = page.locator(".shortlist-item .card-title").all_inner_texts()
    assert sorted(titles) == sorted(["VSIP III 산업단지", "반도체 패키징 공장"])
    assert wcag_violations(page) == ""

    page.goto(f"{live_server.url}/ko/shortlist")  # the bare page goes to this browser's shortlist
    page.wait_for_url("**/ko/shortlist?*")
    page.locator(".shortlist-item a.shortlist-remove[data-shortlist-slug='chip-fab']").click()
    page.wait_for_url("**/ko/shortlist?park=vsip-3")
    expect(page.locator(".main-nav [data-shortlist-count]")).to_have_text("1")
    page.locator(".hero-actions a.button").first.click()
    page.wait_for_url("**/ko/inquire?park=vsip-3")
    assert "VSIP III 산업단지" in page.locator(".about-box").inner_text()


@pytest.mark.parametrize("lang", LANGS)
def test_the_new_pages_have_no_wcag_a_or_aa_violations(live_server, page, catalogue, session, lang):
    officer = factories.user("officer", name="Trần Thanh Bình")
    officer.languages = "vi,en"
    lead = factories.lead("Sakura Precision", owner=officer)
    token = issue_link(lead)
    session.commit()
    for path in ("shortlist", "shortlist?project=chip-fab&park=vsip-3&park=cay-truong", "my-inquiry",
                 f"my-inquiry/{token}", "my-inquiry/" + "x" * 43):
        page.goto(f"{live_server.url}/{lang}/{path}")
        assert wcag_violations(page) == "", f"/{lang}/{path}"
    page.goto(f"{live_server.url}/{lang}/my-inquiry/{token}")
    page.locator(".lead-form button[type=submit]").click()  # nothing written: the reason beside the field
    page.wait_for_load_state()
    assert page.locator(".field-error").count() == 1
    assert wcag_violations(page) == ""


def test_nothing_on_the_page_moves_when_the_shortlist_script_shows_its_buttons(live_server, page, catalogue):
    """The buttons and the menu's count appear after the page is drawn: they hold their place till then."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.add_init_script("""
        window.__shifts = [];
        new PerformanceObserver(list => list.getEntries().forEach(e => window.__shifts.push(e.value)))
            .observe({type: "layout-shift", buffered: true});
    """)
    for path in ("/vi/", "/ko/projects/", "/ja/parks/vsip-3"):
        page.goto(live_server.url + path)
        expect(page.locator(".main-nav [data-shortlist-nav]")).to_be_visible()
        page.wait_for_timeout(200)  # the observer reports a shift after the frame it happened in
        assert page.evaluate("window.__shifts") == [], path
