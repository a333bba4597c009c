"""Screenshot tests: the demo catalogue's pages as a Korean, Japanese or Vietnamese reader sees them in
Debian's chromium with the Noto CJK fonts, on a phone and on a desktop. Nothing sticks out sideways,
no Korean word is broken inside, Japanese text is drawn with a Japanese face."""
import shutil
import subprocess

import pytest
from playwright.sync_api import expect

from portal.demo import load_demo_catalogue
from tests.test_browser import wcag_violations

pytestmark = pytest.mark.browser

WIDTHS = {"phone": 390, "desktop": 1280}
PAGES = ("", "projects/", "parks/vsip-3", "parks/compare?park=vsip-1&park=my-phuoc-3&park=bau-bang")

#: Every Hangul run of two or more letters in the page's visible text whose rendered boxes lie on more
#: than one line: the run was broken inside. Hidden texts (screen-reader only, 1 px wide) are skipped.
BROKEN_KOREAN_WORDS = r"""() => {
  const broken = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const hangul = /[\uAC00-\uD7A3]{2,}/g;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest(".visually-hidden, .hp, [hidden], svg, script, style, option")) continue;
    if (!parent.getClientRects().length) continue;
    for (const match of node.data.matchAll(hangul)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.bottom)));
      if (lines.size > 1) broken.push(match[0]);
    }
  }
  return broken;
}"""


@pytest.fixture
def demo_catalogue(session):
    if not (shutil.which("fc-list") and "Noto Sans CJK JP" in subprocess.run(
            ["fc-list", ":lang=ja", "family"], capture_output=True, text=True).stdout):
        pytest.fail("the Noto CJK fonts are not installed: `make test` installs Debian's fonts-noto-cjk")
    load_demo_catalogue()
    session.commit()


def fonts_of(page, selector: str) -> list[str]:
    """The fonts chromium drew the element's text with (DevTools' "Rendered fonts")."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    cdp.detach()
    return [font["familyName"] for font in fonts]


def inquiry_with_errors(page, base: str) -> None:
    page.goto(f"{base}/inquire?project=bau-bang-semiconductor-assembly-and-test-plant")
    page.locator(".lead-form button[type=submit]").click()  # nothing filled in
    page.wait_for_load_state()
    assert page.locator(".field-error").count() >= 3


def look_at_every_page(page, live_server, lang: str, check) -> None:
    base = f"{live_server.url}/{lang}"
    for width in WIDTHS.values():
        page.set_viewport_size({"width": width, "height": 900})
        for path in PAGES:
            page.goto(f"{base}/{path}")
            check(f"/{lang}/{path} at {width} px")
        inquiry_with_errors(page, base)
        check(f"/{lang}/inquire with errors at {width} px")


def no_overflow(page, where: str) -> None:
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width, f"{where}: the page is {scroll_width} px wide"


def test_korean_pages_fit_the_screen_and_break_lines_between_words(live_server, page, demo_catalogue):
    def check(where):
        no_overflow(page, where)
        assert page.evaluate(BROKEN_KOREAN_WORDS) == [], where

    look_at_every_page(page, live_server, "ko", check)


def test_japanese_pages_fit_the_screen_in_a_japanese_face(live_server, page, demo_catalogue):
    def check(where):
        no_overflow(page, where)
        for selector in ("h1", "main :is(p, li, td, label):not(:empty)"):
            assert fonts_of(page, selector)[0] == "Noto Sans CJK JP", f"{where}: {selector}"

    look_at_every_page(page, live_server, "ja", check)
    page.goto(f"{live_server.url}/ko/")  # the switcher's 日本語 on a Korean page is Japanese too
    assert fonts_of(page, ".language-switcher a[lang=ja]") == ["Noto Sans CJK JP"]
    assert fonts_of(page, "h1")[0] == "Noto Sans CJK KR"


def test_vietnamese_pages_fit_the_screen(live_server, page, demo_catalogue):
    look_at_every_page(page, live_server, "vi", lambda where: no_overflow(page, where))


def test_comparing_parks_on_a_phone_scrolls_the_table_not_the_page(live_server, page, demo_catalogue):
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server.url}/ko/parks/compare?park=vsip-1&park=my-phuoc-3&park=bau-bang&park=vsip-3")
    expect(page.locator("#compare-scroll-hint")).to_be_visible()
    scroller = page.locator(".table-scroll")
    widths = scroller.evaluate("box => [box.scrollWidth, box.clientWidth]")
    assert widths[0] > widths[1]  # the table is wider than its box, and the box scrolls
    label_width = page.locator("table.compare tbody th").first.evaluate("cell => cell.getBoundingClientRect().width")
    assert label_width < 150  # not 224 px of labels beside part of one park
    no_overflow(page, "compare on a phone")
    assert wcag_violations(page) == ""

    page.goto(f"{live_server.url}/ko/")
    figures = page.locator(".figures .figure")
    tops = [figures.nth(i).evaluate("card => Math.round(card.getBoundingClientRect().top)") for i in range(2)]
    assert tops[0] == tops[1]  # two key figures side by side on a phone


def test_the_compare_bar_counts_the_ticked_parks_aloud(live_server, page, demo_catalogue):
    page.goto(f"{live_server.url}/en/parks/")
    count = page.locator(".compare-bar .compare-count")
    assert count.get_attribute("aria-live") == "polite"
    expect(count).to_have_text("0 parks chosen")
    page.check("#compare-vsip-1")
    expect(count).to_have_text("1 park chosen")
    page.check("#compare-bau-bang")
    expect(count).to_have_text("2 parks chosen")


def test_the_visit_form_filter_narrows_the_grouped_lists(live_server, page, demo_catalogue):
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server.url}/vi/visit")
    parks = page.locator("fieldset.grouped-choices").first
    assert parks.locator("fieldset.choice-group").count() >= 2  # grouped by location
    before = parks.locator("li:visible").count()
    parks.locator("input[type=search]").fill("my phuoc")  # without the accents of "Mỹ Phước"
    visible = parks.locator("li:visible")
    assert 0 < visible.count() < before
    assert all("Mỹ Phước" in text for text in visible.all_inner_texts())
    assert wcag_violations(page) == ""


def test_an_invalid_text_field_has_a_red_border(live_server, page, demo_catalogue):
    page.goto(f"{live_server.url}/en/inquire")
    page.locator(".lead-form button[type=submit]").click()
    page.wait_for_load_state()
    for selector in ("#name", "#message"):
        field = page.locator(selector)
        assert field.evaluate("el => getComputedStyle(el).borderTopColor") == "rgb(179, 38, 30)", selector
        assert field.evaluate("el => getComputedStyle(el).borderTopWidth") == "2px", selector


def test_the_staff_board_scrolls_inside_itself_on_a_phone(live_server, page, session):
    from tests import factories
    from tests.browser import sign_in

    officer = factories.user(name="Lê Hoàng Anh", language="ko")
    for company in ("Hanbit Electronics", "Sakura Precision", "Mekong Foods"):
        factories.lead(company, owner=officer)
    session.commit()
    sign_in(page, live_server, officer)
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server.url}/staff/leads/board")
    board = page.locator(".board")
    assert board.evaluate("box => box.scrollWidth > box.clientWidth")
    no_overflow(page, "the board on a phone")
