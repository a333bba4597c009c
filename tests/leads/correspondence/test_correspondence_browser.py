"""In a real browser: a Korean officer answers a Korean inquiry from the first-answer template, and the
investor's answer, delivered to a real IMAP server (Dovecot), is read by ``flask mail fetch`` and shows
on the lead's timeline."""
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.leads.correspondence.defaults import seed_default_reply_templates
from portal.outbox.models import OutboxMessage
from portal.projects.models import MediaFile
from tests import factories
from tests.browser import sign_in
from tests.leads.mailbox.conftest import imap_server, mailbox  # noqa: F401  (the Dovecot fixtures)
from tests.leads.mailbox.test_mailbox import reply
from tests.test_browser import wcag_violations

pytestmark = pytest.mark.browser


def test_a_korean_officer_answers_a_korean_inquiry_with_the_first_answer_template(app, live_server, page, session,
                                                                                 mailbox, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_REPLY_TO", "invest@centre.example")
    seed_default_reply_templates()
    officer = factories.user(name="박지훈", language="ko")
    project = factories.project("chip-fab", texts={"en": "Chip packaging plant", "ko": "반도체 패키징 공장"})
    lead = factories.lead("Hanbit Chips", name="Kim Min-jun", preferred_language="ko", owner=officer)
    lead.projects = [project]
    session.add(MediaFile(kind="brochure", stored_name="chip.pdf", original_name="chip-fab.pdf",
                          content_type="application/pdf", size_bytes=9, project_id=project.id))
    session.commit()

    sign_in(page, live_server, officer)
    page.goto(f"{live_server.url}/staff/leads/{lead.reference}")
    page.get_by_role("link", name="투자자에게 메일 쓰기").click()
    page.select_option("#template", "first_answer")
    page.get_by_role("button", name="이 템플릿 사용").click()
    expect(page.locator("#body")).to_have_value(re.compile("Kim Min-jun 님께"))
    expect(page.locator("#subject")).to_have_value(re.compile("반도체 패키징 공장"))
    assert wcag_violations(page) == ""
    page.get_by_label("반도체 패키징 공장 · chip-fab.pdf").check()
    page.get_by_role("button", name="보내기").click()

    timeline = page.locator(".timeline")
    expect(timeline).to_contain_text("Kim Min-jun 님께")
    expect(timeline).to_contain_text("chip-fab.pdf")
    session.expire_all()
    message = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "written")).one()
    assert message.recipient == lead.email and message.language == "ko" and len(message.attachments) == 1
    assert lead.first_responded_at is not None

    # The investor answers from their own mail program, to the address and in the thread they were given
    assert message.reply_to == f"invest+{lead.reference}@centre.example"
    mailbox.deliver(reply(sender=lead.email, to=message.reply_to, subject=f"Re: {message.subject}",
                          text="감사합니다. 다음 주 화요일 오후 2시에 통화 가능합니다.", In_Reply_To=message.message_id,
                          References=message.message_id))
    result = app.test_cli_runner().invoke(args=["mail", "fetch"])
    assert result.exit_code == 0, result.output

    page.reload()
    timeline = page.locator(".timeline")
    expect(timeline.locator(".timeline-reply")).to_contain_text("다음 주 화요일 오후 2시에 통화 가능합니다.")
    expect(timeline.locator(".timeline-reply .timeline-meta")).to_contain_text("투자자 회신")
    expect(page.locator(".lead-status")).to_contain_text("투자자 회신, 답변 대기 중")


def test_the_reply_template_pages_are_accessible_and_refuse_an_unknown_placeholder(live_server, page, session):
    seed_default_reply_templates()
    admin = factories.user(role="admin", name="Nguyễn Thị Lan", language="ko")
    session.commit()
    sign_in(page, live_server, admin)
    page.goto(f"{live_server.url}/staff/templates")
    assert wcag_violations(page) == ""
    page.goto(f"{live_server.url}/staff/templates/documents/ja")
    page.fill("#body", "{investor} 様")
    page.locator("form.panel button[type=submit]").click()
    expect(page.locator(".field-error")).to_contain_text("{investor}")
    expect(page.locator("#body")).to_have_value("{investor} 様")
    assert wcag_violations(page) == ""
