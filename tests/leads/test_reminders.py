"""The morning reminder: what each staff member must do today, once a working day."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from portal import clock
from portal.clock import VIETNAM
from portal.leads.models import Holiday, Task
from portal.leads.reminders import digest_for, send_daily_digests
from portal.outbox.models import OutboxMessage
from tests import factories

MONDAY_MORNING = datetime(2026, 11, 23, 7, 30, tzinfo=VIETNAM)


@pytest.fixture
def monday(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: MONDAY_MORNING.astimezone(timezone.utc))  # the clock speaks UTC
    return MONDAY_MORNING.date()


def digests(session) -> dict[str, OutboxMessage]:
    return {m.recipient: m for m in session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "daily_digest"))}


def test_each_officer_gets_their_day_in_their_language_and_nobody_idle_gets_mail(app, session, monday, monkeypatch):
    monkeypatch.setitem(app.config, "PORTAL_BASE_URL", "https://invest.example.vn")
    korean = factories.user(role="officer", email="kim@centre.example", language="ko", name="Kim")
    factories.user(role="officer", email="idle@centre.example", name="Idle")
    manager = factories.user(role="manager", email="lan@centre.example", language="vi", name="Lan")
    late = factories.lead("Hanbit Chips", owner=korean, received=MONDAY_MORNING - timedelta(days=5))
    factories.lead("Due Today Co", owner=korean, received=datetime(2026, 11, 20, 10, 0, tzinfo=VIETNAM))  # Friday
    late.tasks.append(Task(title="Send the VSIP III brochure", due_date=monday - timedelta(days=1),
                           assignee_id=korean.id))
    late.tasks.append(Task(title="Next week", due_date=monday + timedelta(days=7), assignee_id=korean.id))
    factories.lead("Nobody's Co", received=MONDAY_MORNING - timedelta(hours=20))
    session.commit()

    day = digest_for(korean, monday)  # as cron runs it: no request, the links come from PORTAL_BASE_URL
    assert [lead.company for lead in day.late_answers] == ["Hanbit Chips"]
    assert [lead.company for lead in day.answers_due_today] == ["Due Today Co"]
    assert [task.title for task in day.tasks] == ["Send the VSIP III brochure"] and day.unassigned == []
    assert send_daily_digests() == 2
    sent = digests(session)
    assert set(sent) == {"kim@centre.example", "lan@centre.example"}
    kim = sent["kim@centre.example"].body
    assert sent["kim@centre.example"].language == "ko"
    assert "Send the VSIP III brochure" in kim and "Next week" not in kim
    assert "Hanbit Chips" in kim and "Due Today Co" in kim and "Nobody's Co" not in kim
    assert f"https://invest.example.vn/staff/leads/{late.reference}" in kim
    lan = sent["lan@centre.example"].body
    assert "Nobody's Co" in lan and "Hanbit Chips" not in lan
    assert manager.language == "vi" and "Chào buổi sáng" in lan

    assert send_daily_digests() == 0  # once a day


def test_no_reminders_on_a_weekend_or_a_holiday_unless_forced(app, session, monkeypatch):
    officer = factories.user(role="officer")
    lead = factories.lead("Weekend Co", owner=officer, received=MONDAY_MORNING - timedelta(days=9))
    lead.tasks.append(Task(title="Call", due_date=MONDAY_MORNING.date() - timedelta(days=3), assignee_id=officer.id))
    session.add(Holiday(day=MONDAY_MORNING.date(), name="Test holiday"))
    session.commit()
    with app.test_request_context("/"):
        for moment in (MONDAY_MORNING - timedelta(days=2), MONDAY_MORNING):  # Saturday, then the holiday
            monkeypatch.setattr(clock, "now", lambda moment=moment: moment.astimezone(timezone.utc))
            assert send_daily_digests() == 0
        assert send_daily_digests(force=True) == 1


def test_the_command_queues_them_for_the_outbox(app, session, runner, monday):
    officer = factories.user(role="officer")
    lead = factories.lead("Command Co", owner=officer, received=MONDAY_MORNING - timedelta(days=5))
    session.commit()
    result = runner.invoke(args=["reminders", "send"])
    assert "1 queued" in result.output
    assert lead.reference in digests(session)[officer.email].body


def test_investors_waiting_for_our_reply_and_follow_ups_due_have_their_own_sections(app, session, monday):
    kim = factories.user(role="officer", email="kim@centre.example", language="ko", name="Kim")
    colleague = factories.user(role="officer", name="Colleague")
    waiting = factories.lead("Hanbit Chips", owner=kim, received=MONDAY_MORNING - timedelta(days=9),
                             first_responded_at=MONDAY_MORNING - timedelta(days=8),
                             investor_replied_at=MONDAY_MORNING - timedelta(days=1))
    factories.lead("Someone Else's Reply", owner=colleague, investor_replied_at=MONDAY_MORNING - timedelta(days=1))
    quiet = factories.lead("Quiet Motors", owner=kim, received=MONDAY_MORNING - timedelta(days=9),
                           first_responded_at=MONDAY_MORNING - timedelta(days=8))
    quiet.tasks.append(Task(title="Follow up: no reply", due_date=monday, assignee_id=kim.id, follow_up=True))
    quiet.tasks.append(Task(title="Later follow-up", due_date=monday + timedelta(days=3), assignee_id=kim.id,
                            follow_up=True))
    quiet.tasks.append(Task(title="Send the price list", due_date=monday, assignee_id=kim.id))
    session.commit()

    day = digest_for(kim, monday)
    assert [lead.company for lead in day.replies_waiting] == ["Hanbit Chips"]
    assert [task.title for task in day.follow_ups] == ["Follow up: no reply"]
    assert [task.title for task in day.tasks] == ["Send the price list"]  # a follow-up is listed once
    assert send_daily_digests() == 2  # Kim and the colleague waiting for a reply
    body = digests(session)["kim@centre.example"].body
    assert "회신을 기다리는 투자자:" in body and waiting.reference in body
    assert "후속 조치 예정 (우리 답변 이후 회신 없음):" in body and quiet.reference in body
    assert "Someone Else's Reply" not in body and "Later follow-up" not in body
