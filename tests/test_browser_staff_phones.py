"""The back office on an officer's phone (issue 17) and on a desktop, in the officer's own language: the
dashboard, the leads (filtered), a lead, the board, the companies, a company, the issues and the reports.
Nothing makes the page wider than the screen, no Korean word is broken inside, the controls an officer
needs are on screen, and axe finds no WCAG A or AA violation."""
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from portal import clock
from portal.leads.models import Issue, Tag, Task
from tests import factories
from tests.browser import sign_in
from tests.test_browser import LANGS, wcag_violations
from tests.test_browser_typography import BROKEN_KOREAN_WORDS, WIDTHS, no_overflow

pytestmark = pytest.mark.browser

#: Companies and people as officers meet them: long Korean, Japanese and Vietnamese names.
COMPANIES = ("한빛전자부품 베트남 유한책임회사", "さくら精密工業株式会社", "Công ty TNHH Cơ khí Chính xác Mekong",
             "Hanbit Electronics Components Vietnam Co., Ltd.")


@pytest.fixture
def back_office(session):
    """A manager (who sees the glance and everyone's figures) and what a working week leaves on the pages."""
    manager = factories.user(role="manager", name="Nguyễn Thị Phương Thảo")
    korea_desk = Tag(name="Korea desk")
    leads = [factories.lead(name, stage=stage, owner=manager if i % 2 else None, country=country,
                            estimated_investment_usd=45_000_000 * (i + 1), received=clock.now() - timedelta(days=9 * i))
             for i, (name, stage, country) in enumerate(zip(
                 COMPANIES, ("new", "contacted", "new", "contacted"), ("KR", "JP", "VN", "KR")))]
    leads[0].tags = [korea_desk]
    today = clock.today_in_vietnam()
    leads[1].tasks.append(Task(title="Gọi lại cho ông Kim về giá thuê đất", due_date=today - timedelta(days=1),
                               assignee_id=manager.id))
    company = factories.company(COMPANIES[0], name_latin="Hanbit Electronic Components Vietnam LLC", owner=manager,
                                last_contact_on=date(2026, 3, 2), visit_due_on=date(2026, 9, 2), projects=[dict(
                                    name="한빛전자 제2공장 증설", registered_capital_usd=120_000_000, jobs=1450,
                                    certificate_number="3213456789", certificate_date=date(2021, 5, 4),
                                    incentive_ends_on=date(2035, 5, 4), land_lease_ends_on=date(2068, 1, 1))])
    session.add(Issue(reference="IS-26-PHONE1", company=company, category="customs", agency="finance",
                      subject="금형 부품이 3주째 세관에 묶여 있어요", raised_on=today - timedelta(days=20),
                      due_on=today - timedelta(days=5), owner=manager))
    session.commit()
    return {"manager": manager, "lead": leads[0], "company": company}


def staff_pages(back_office) -> dict[str, str]:
    return {"dashboard": "/staff/", "leads": "/staff/leads?status=open&sort=newest",
            "lead": f"/staff/leads/{back_office['lead'].reference}", "board": "/staff/leads/board",
            "companies": "/staff/companies", "company": f"/staff/companies/{back_office['company'].id}",
            "issues": "/staff/issues", "reports": "/staff/reports"}


def signed_in(browser, live_server, user, width: int):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, live_server, user)
    return page


def visible_inside(page, selector: str, where: str) -> None:
    """The control is drawn, and lies within the screen's width (reachable without sideways scrolling)."""
    control = page.locator(selector).first
    expect(control).to_be_visible()
    box = control.bounding_box()
    width = page.evaluate("window.innerWidth")
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"{where}: {selector} lies outside the screen"


#: What an officer must be able to reach on each page.
KEY_CONTROLS = {
    "dashboard": (".main-nav a", ".task-list button"),
    "leads": (".filters-panel button[type=submit]", ".bulk-bar button", "table.data tbody td a"),
    "lead": (".activity-form button[type=submit]", "h1"),
    "board": (".bulk-bar button", ".board-card-title"),
    "companies": (".filters-panel button[type=submit]", "table.data tbody td a"),
    "company": ("h1", ".head-links .button"),
    "issues": (".filters-panel button[type=submit]", "table.data tbody td a"),
    "reports": (".filters-panel summary", ".figures"),
}


@pytest.mark.parametrize("lang", ("ko", "ja", "vi", "en"))
def test_staff_pages_fit_a_phone_and_a_desktop_in_the_officers_language(live_server, browser, session,
                                                                        back_office, lang):
    back_office["manager"].language = lang
    session.commit()
    page = signed_in(browser, live_server, back_office["manager"], WIDTHS["phone"])
    for width in WIDTHS.values():
        page.set_viewport_size({"width": width, "height": 800})
        for name, path in staff_pages(back_office).items():
            page.goto(f"{live_server.url}{path}")
            page.locator("details").evaluate_all("(all) => all.forEach(d => d.open = true)")
            where = f"{name} ({path}) in {lang} at {width} px"
            assert page.locator("html").get_attribute("lang") == lang, where
            no_overflow(page, where)
            if lang == "ko":
                assert page.evaluate(BROKEN_KOREAN_WORDS) == [], where
            for selector in KEY_CONTROLS[name]:
                visible_inside(page, selector, where)
    page.context.close()


def test_on_a_phone_the_leads_are_cards_with_their_headings(live_server, browser, session, back_office):
    back_office["manager"].language = "ko"
    session.commit()
    page = signed_in(browser, live_server, back_office["manager"], WIDTHS["phone"])
    page.goto(f"{live_server.url}/staff/leads")
    first = page.locator("table.data tbody tr").first
    cells = first.locator("td")
    boxes = [cells.nth(i).bounding_box() for i in range(cells.count())]
    assert len({round(box["x"]) for box in boxes[1:]}) == 1  # one under the other, not side by side
    assert all(box["width"] <= 390 for box in boxes)
    country = first.locator("td[data-label]").nth(1)
    heading = country.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert heading.strip('"') == country.get_attribute("data-label") and heading != "none"
    assert page.locator("table.data thead").bounding_box()["height"] <= 1  # kept for screen readers only

    page.set_viewport_size({"width": WIDTHS["desktop"], "height": 800})  # a table again on a desktop
    assert page.locator("table.data thead").bounding_box()["height"] > 20
    cells = page.locator("table.data tbody tr").first.locator("td")
    assert cells.nth(1).bounding_box()["y"] == cells.nth(2).bounding_box()["y"]
    page.context.close()


def test_on_a_phone_the_board_scrolls_inside_its_box_with_a_hint(live_server, browser, session, back_office):
    back_office["manager"].language = "ko"
    session.commit()
    page = signed_in(browser, live_server, back_office["manager"], WIDTHS["phone"])
    page.goto(f"{live_server.url}/staff/leads/board")
    board = page.locator(".board")
    assert board.evaluate("box => box.scrollWidth > box.clientWidth")
    expect(page.locator("#board-scroll-hint")).to_be_visible()
    column = page.locator(".board-column").first.bounding_box()
    assert column["width"] < 390  # a whole column on screen, the next one peeking
    board.evaluate("box => box.scrollBy(1000, 0)")
    assert page.evaluate("window.scrollX") == 0
    no_overflow(page, "the board scrolled to its end")
    page.context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_staff_pages_on_a_phone_have_no_wcag_a_or_aa_violations(live_server, browser, session, back_office, lang):
    back_office["manager"].language = lang
    session.commit()
    page = signed_in(browser, live_server, back_office["manager"], WIDTHS["phone"])
    for name, path in staff_pages(back_office).items():
        page.goto(f"{live_server.url}{path}")
        page.locator("details").evaluate_all("(all) => all.forEach(d => d.open = true)")
        assert wcag_violations(page) == "", f"{name} ({path}) in {lang}"
    page.context.close()
