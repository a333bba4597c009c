"""Aftercare in a real browser (Debian's chromium): an existing Japanese investor raises a customs
issue in Japanese, an officer resolves it, the investor is told in Japanese; meanwhile the company
is on the manager's early-warning list, and leaves it once the issue is resolved."""
from datetime import timedelta

import pytest
from flask_babel import force_locale, gettext
from playwright.sync_api import expect
from sqlalchemy import select

from portal import clock
from portal.leads.models import CompanyContact, Issue
from portal.outbox.models import OutboxMessage
from tests import factories
from tests.browser import sign_in
from tests.test_browser import wcag_violations

pytestmark = pytest.mark.browser


def test_japanese_investor_raises_a_customs_issue_an_officer_resolves_it_and_the_warning_goes(
        app, live_server, page, browser, session, monkeypatch):
    officer = factories.user(name="Lê Hoàng Anh", language="en")
    manager = factories.user(role="manager", name="Trần Minh", language="en")
    company = factories.company("さくら精機株式会社", name_latin="Sakura Seiki Co., Ltd.", country="JP", owner=officer)
    session.add(CompanyContact(company_id=company.id, name="山田太郎", email="yamada@sakura.example", language="ja"))
    session.commit()

    page.goto(f"{live_server.url}/ja/")
    page.locator("footer a[href='/ja/investor-support']").click()
    page.wait_for_url("**/ja/investor-support")
    page.locator(".lead-form button[type=submit]").click()  # nothing filled in yet
    page.wait_for_load_state()
    assert page.locator(".field-error").count() >= 4
    assert wcag_violations(page) == ""
    page.fill("#name", "山田太郎")
    page.fill("#company", "さくら精機")
    page.fill("#email", "yamada@sakura.example")
    page.select_option("#category", "customs")
    page.fill("#subject", "金型部品の通関が止まっています")
    page.fill("#message", "日本から輸入した金型部品が3週間、税関で止まっています。")
    page.check("#consent")
    page.locator(".lead-form button[type=submit]").click()
    page.wait_for_url("**/ja/investor-support/received")
    issue = session.scalars(select(Issue)).one()
    assert page.locator(".reference strong").inner_text() == issue.reference
    assert (issue.company_id, issue.language, issue.category) == (company.id, "ja", "customs")

    # Weeks later, nothing done: the issue is past its due day
    later = issue.due_on + timedelta(days=3)
    monkeypatch.setattr(clock, "today_in_vietnam", lambda: later)
    boss = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(boss, live_server, manager)
    warned = f"{live_server.url}/staff/companies?warning=issue_overdue"
    boss.goto(warned)
    expect(boss.locator("table.data")).to_contain_text("さくら精機株式会社")
    expect(boss.locator("table.data")).to_contain_text("An issue is overdue")

    sign_in(page, live_server, officer)
    page.goto(f"{live_server.url}/staff/issues?overdue=y")
    page.locator(f"a:text('{issue.reference}')").click()
    expect(page.locator(".badge-overdue")).to_be_visible()
    assert wcag_violations(page) == ""
    page.select_option("#status", "resolved")
    page.fill("#note", "税関が分類を確定し、部品は本日通関しました。")
    page.locator("#history button[type=submit]").click()
    expect(page.locator(".timeline")).to_contain_text("税関が分類を確定し")
    expect(page.locator(".badge-overdue")).to_have_count(0)

    session.expire_all()
    [notice] = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "issue_resolved")).all()
    with app.test_request_context(), force_locale("ja"):
        resolved = gettext("Your issue %(reference)s is resolved", reference=issue.reference)
    assert (notice.recipient, notice.language, notice.subject) == ("yamada@sakura.example", "ja", resolved)
    assert "税関が分類を確定し" in notice.body

    boss.goto(warned)
    expect(boss.locator("main")).not_to_contain_text("さくら精機株式会社")
    boss.context.close()


def test_the_issue_list_company_page_and_meeting_page_are_accessible(live_server, page, session):
    from datetime import date

    from portal.leads.models import Event, EventCompany

    manager = factories.user(role="manager", language="en")
    company = factories.company("Hanbit Electronics", visit_due_on=date(2026, 1, 5))
    meeting = Event(name="FDI enterprise meeting", kind="fdi_meeting", starts_on=date(2026, 12, 2))
    session.add(meeting)
    session.flush()
    session.add(EventCompany(event_id=meeting.id, company_id=company.id, attended=True))
    session.add(Issue(reference="IS-26-WCAG22", company=company, category="land", agency="finance",
                      subject="Land lease papers", raised_on=date(2026, 11, 2), due_on=date(2026, 11, 16)))
    session.commit()
    sign_in(page, live_server, manager)
    for path in ("/staff/issues", f"/staff/companies/{company.id}", f"/staff/events/{meeting.id}/companies",
                 "/staff/issues/IS-26-WCAG22/edit"):
        page.goto(f"{live_server.url}{path}")
        page.locator("details").evaluate_all("(all) => all.forEach(d => d.open = true)")
        assert wcag_violations(page) == "", path
