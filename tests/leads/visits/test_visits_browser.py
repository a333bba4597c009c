"""In a real browser: a Korean officer confirms a site visit from the lead, keyboard and screen-reader
friendly, and the lead shows it at the Site visit stage."""
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.outbox.models import OutboxMessage
from tests import factories
from tests.browser import sign_in
from tests.leads.visits.test_visits import OTHER_NAMES, PARK_NAMES, visit_day
from tests.test_browser import wcag_violations

pytestmark = pytest.mark.browser


def test_a_korean_officer_confirms_a_site_visit(live_server, page, session):
    officer = factories.user(name="박지훈", language="ko")
    vsip = factories.park("vsip-3", texts=PARK_NAMES)
    factories.park("bau-bang", texts=OTHER_NAMES)
    lead = factories.lead("Sakura Motors", name="Sato Hiroshi", preferred_language="ja", kind="site_visit",
                          stage="qualified", owner=officer, visit_from=visit_day(), visit_to=visit_day())
    lead.parks = [vsip]
    session.commit()

    sign_in(page, live_server, officer)
    page.goto(f"{live_server.url}/staff/leads/{lead.reference}")
    page.get_by_role("link", name="현장 방문 계획").click()
    expect(page.locator("#stops-0-park")).to_have_value(str(vsip.id))  # what the investor asked for
    assert wcag_violations(page) == ""

    page.fill("#ends_at", f"{visit_day()}T08:00")
    page.get_by_role("button", name="방문 확정").click()
    expect(page.locator("#ends_at-error")).to_have_text("종료는 시작보다 뒤여야 해요.")
    assert wcag_violations(page) == ""

    page.fill("#ends_at", f"{visit_day()}T15:00")
    page.fill("#stops-0-arrives", "09:30")
    page.select_option("#stops-1-park", label=OTHER_NAMES["ko"])
    page.fill("#meeting_point", "Becamex Hotel")
    page.get_by_role("button", name="방문 확정").click()

    expect(page.locator(".lead-status .badge-stage")).to_have_text("현장 방문")
    expect(page.locator("#visit")).to_contain_text(OTHER_NAMES["ko"])
    expect(page.locator(".timeline")).to_contain_text("現地視察の確定のお知らせ")
    session.expire_all()
    message = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "site_visit")).one()
    assert PARK_NAMES["ja"] in message.body and OTHER_NAMES["ja"] in message.body
