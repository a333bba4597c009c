"""Follow-ups that happen: a task for the owner some working days after the first answer, an e-mail
scheduled for later that the outbox sends at its time unless the investor replies first, both
called off by the investor's reply and said so on the timeline."""
import html as html_lib
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from portal import clock
from portal.audit import AuditEntry
from portal.clock import VIETNAM
from portal.extensions import db
from portal.leads.correspondence.defaults import seed_default_reply_templates
from portal.leads.correspondence.operations import cancel_follow_up, schedule_follow_up
from portal.leads.mailbox.matching import Reply
from portal.leads.mailbox.operations import attach, record
from portal.auth.models import User
from portal.leads import queries
from portal.leads.models import (SCHEDULED_KIND, Activity, ActivityKind, Holiday, Lead, LostReason, MailboxMessage,
                                 ScheduledMessage, Stage, Task)
from portal.leads.operations import log_activity, merge_leads
from portal.outbox.delivery import WHEN_SENT, claim_next, deliver_next, send_due
from portal.outbox.models import OutboxMessage, reply_address
from tests import factories
from tests.mails import Catcher
from tests.staff import log_in, post

#: Thursday morning at the centre.
THURSDAY = datetime(2026, 11, 26, 9, 0, tzinfo=VIETNAM)


@pytest.fixture
def at(monkeypatch):
    """``at(moment)`` moves the portal's clock there."""
    def move(moment: datetime) -> None:
        monkeypatch.setattr(clock, "now", lambda: moment.astimezone(timezone.utc))

    move(THURSDAY)
    return move


@pytest.fixture
def replies_to(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_REPLY_TO", "invest@centre.example")
    return "invest@centre.example"


def text_of(response) -> str:
    return html_lib.unescape(response.text)


def timeline(session, lead_id: int) -> list[Activity]:
    return list(session.scalars(select(Activity).where(Activity.lead_id == lead_id).order_by(Activity.id)))


def staff_page(app, user_id: int, url: str) -> str:
    """The page as this staff member sees it, signed in at the clock's time."""
    client = app.test_client()
    log_in(client, db.session.get(User, user_id))
    return text_of(client.get(url))


def follow_up_tasks(session, lead) -> list[Task]:
    return list(session.scalars(select(Task).where(Task.lead_id == lead.id, Task.follow_up.is_(True))))


_uids = iter(range(1, 10_000))


def investor_replies(lead, text="Thank you, we will visit in March.") -> MailboxMessage:
    """The investor's answer read from the mailbox, sent to the lead's plus address."""
    row = record(Reply(message_id=f"<r{next(_uids)}@company.example>", sender=lead.email, subject="Re: your inquiry",
                       text=text, recipients=[reply_address(lead.reference)]), b"", "INBOX", 1, next(_uids))
    db.session.commit()
    return row


def schedule(session, lead, officer, when: datetime, subject="Any news about the site visit?") -> ScheduledMessage:
    scheduled = schedule_follow_up(lead, subject, "Dear investor, did you have time to read the brochure?", [],
                                   when.astimezone(timezone.utc), officer, template="ask_details")
    session.commit()
    return scheduled


# --- the automatic follow-up task ------------------------------------------------------------


def test_the_first_answer_gives_the_owner_a_follow_up_task_five_working_days_later(app, session, at):
    kim = factories.user(role="officer", language="ko", name="Kim")
    lead = factories.lead("Hanbit Chips", owner=kim, received=THURSDAY - timedelta(hours=20))
    session.add(Holiday(day=date(2026, 12, 2), name="Day off"))  # a Wednesday
    session.commit()
    client = app.test_client()
    log_in(client, kim)
    response = post(client, f"/staff/leads/{lead.reference}/write", subject="Your inquiry",
                    body="Dear investor, thank you.")
    assert response.status_code == 302
    # Fri 27, Mon 30, Tue 1, (Wed 2 off), Thu 3, Fri 4
    [task] = follow_up_tasks(session, lead)
    assert task.due_date == date(2026, 12, 4) and task.assignee_id == kim.id and task.done_at is None
    assert task.title == "후속 조치: 투자자가 아직 우리 답변에 회신하지 않았어요"  # in the owner's language
    page = text_of(client.get(f"/staff/leads/{lead.reference}"))
    assert '<strong class="badge">후속 조치</strong>' in page  # marked as a follow-up (Kim reads Korean)

    post(client, f"/staff/leads/{lead.reference}/write", subject="Brochure", body="Here it is.")
    assert len(follow_up_tasks(session, lead)) == 1  # a second answer adds none


def test_the_delay_is_a_setting_and_a_call_as_first_answer_counts_too(app, session, at, monkeypatch):
    monkeypatch.setitem(app.config, "FOLLOW_UP_WORKING_DAYS", 2)
    officer = factories.user(role="officer")
    lead = factories.lead("Sakura Motors", received=THURSDAY - timedelta(hours=3))  # nobody owns it yet
    log_activity(lead, ActivityKind.CALL, "Called, asked for the land need.", officer)
    session.commit()
    [task] = follow_up_tasks(session, lead)
    assert task.due_date == date(2026, 11, 30) and task.assignee_id == officer.id  # Fri, Mon

    monkeypatch.setitem(app.config, "FOLLOW_UP_WORKING_DAYS", 0)  # switched off
    other = factories.lead("Osaka Steel")
    log_activity(other, ActivityKind.EMAIL, "Answered.", officer)
    session.commit()
    assert follow_up_tasks(session, other) == []


def test_a_reply_removes_the_open_follow_up_task_and_says_so(app, session, at, replies_to, manager):
    lead = factories.lead("Hanbit Chips", owner=manager)
    log_activity(lead, ActivityKind.EMAIL, "Our first answer.", manager)
    session.commit()
    manager_id = manager.id
    [task] = follow_up_tasks(session, lead)
    at(THURSDAY + timedelta(days=1))
    investor_replies(lead)
    assert follow_up_tasks(session, lead) == []
    assert [a.kind for a in timeline(session, lead.id)] == ["email", "reply", "follow_up_cancelled"]
    assert timeline(session, lead.id)[-1].details["what"] == "task"
    assert session.scalars(select(AuditEntry).where(AuditEntry.entity == "task", AuditEntry.entity_id == task.id,
                                                    AuditEntry.action == "delete")).one()
    page = staff_page(app, manager_id, f"/staff/leads/{lead.reference}")
    assert "The follow-up task was removed: the investor replied." in page


def test_a_follow_up_task_done_before_the_reply_stays_done(app, session, at, replies_to, manager):
    lead = factories.lead("Hanbit Chips", owner=manager)
    log_activity(lead, ActivityKind.EMAIL, "Our first answer.", manager)
    [task] = follow_up_tasks(session, lead)
    task.done_at = clock.now()
    session.commit()
    investor_replies(lead)
    assert [t.id for t in follow_up_tasks(session, lead)] == [task.id]


# --- the scheduled follow-up e-mail ----------------------------------------------------------


def test_staff_schedule_a_follow_up_that_is_sent_at_its_time_and_not_before(app, session, at, replies_to, manager,
                                                                           staff_client):
    lead = factories.lead("Hanbit Chips", owner=manager, name="Kim Min-jun")
    session.commit()
    lead_id, reference, email, manager_id = lead.id, lead.reference, lead.email, manager.id
    response = post(staff_client, f"/staff/leads/{lead.reference}/write", subject="Any news?",
                    body="Dear Mr Kim, did the board decide?", send_at="2026-12-03T09:30")
    assert response.status_code == 302
    [scheduled] = session.scalars(select(ScheduledMessage)).all()
    assert clock.as_utc(scheduled.send_at) == datetime(2026, 12, 3, 9, 30, tzinfo=VIETNAM)
    outbox_id = scheduled.outbox_id
    page = text_of(staff_client.get(f"/staff/leads/{lead.reference}"))
    assert "Scheduled e-mails" in page and "Any news?" in page and "Cancel the e-mail scheduled" in page
    assert not [a for a in timeline(session, lead_id) if a.kind == ActivityKind.EMAIL]  # not sent yet

    catcher = Catcher()
    assert deliver_next(catcher) is None  # `flask outbox send` and the worker find nothing due
    assert send_due().sent == 0
    at(datetime(2026, 12, 3, 9, 29, tzinfo=VIETNAM))
    assert deliver_next(catcher) is None and catcher.sent == []

    at(datetime(2026, 12, 3, 9, 30, tzinfo=VIETNAM))
    assert deliver_next(catcher) == "sent"
    [mail] = catcher.sent
    assert mail["To"] == email and mail["Subject"] == "Any news?"
    assert mail["Reply-To"] == reply_address(reference)
    [written] = [a for a in timeline(session, lead_id) if a.kind == ActivityKind.EMAIL]
    assert written.body.startswith("Any news?") and written.user_id == manager_id and written.details["scheduled"]
    assert session.get(OutboxMessage, outbox_id).status == "sent"
    assert deliver_next(catcher) is None and len(catcher.sent) == 1  # once
    assert "as scheduled" in staff_page(app, manager_id, f"/staff/leads/{reference}")


@pytest.mark.parametrize("how", ["matched", "attached from the unmatched list"])
def test_the_investors_reply_cancels_the_scheduled_follow_up(app, session, at, replies_to, manager, how):
    lead = factories.lead("Hanbit Chips", owner=manager)
    session.commit()
    reference, manager_id = lead.reference, manager.id
    scheduled = schedule(session, lead, manager, THURSDAY + timedelta(days=5))
    at(THURSDAY + timedelta(days=2))
    if how == "matched":
        investor_replies(lead)
    else:
        reply = Reply(message_id="<lost@elsewhere.example>", sender="someone@else.example", subject="Re: news",
                      text="Yes, we decided.")
        row = record(reply, b"raw", "INBOX", 1, 9_999)
        assert row.lead_id is None
        attach(row, lead, reply, manager)
        session.commit()
    assert session.get(OutboxMessage, scheduled.outbox_id).status == "cancelled"
    assert session.get(ScheduledMessage, scheduled.id).cancelled_because == "reply"
    at(THURSDAY + timedelta(days=6))
    catcher = Catcher()
    assert deliver_next(catcher) is None and catcher.sent == []  # never sent
    page = staff_page(app, manager_id, f"/staff/leads/{reference}")
    assert "The scheduled e-mail was not sent: the investor replied first." in page
    assert "Scheduled e-mails" not in page


def test_staff_cancel_a_scheduled_follow_up_once(app, session, at, replies_to, manager, staff_client):
    lead = factories.lead("Hanbit Chips", owner=manager)
    session.commit()
    scheduled = schedule(session, lead, manager, THURSDAY + timedelta(days=5))
    url = f"/staff/leads/{lead.reference}/scheduled/{scheduled.id}/cancel"
    assert staff_client.post(url).status_code == 400  # no CSRF token
    assert post(staff_client, url).status_code == 302
    assert session.get(OutboxMessage, scheduled.outbox_id).status == "cancelled"
    assert session.scalars(select(AuditEntry).where(AuditEntry.entity == "scheduled_message",
                                                    AuditEntry.action == "cancel")).one().user_id == manager.id
    page = text_of(staff_client.get(post(staff_client, url).location))
    assert "The scheduled e-mail was already sent or cancelled." in page
    assert "The scheduled e-mail was cancelled." in page


def test_an_officer_cannot_cancel_a_follow_up_on_a_colleagues_lead(app, session, at, replies_to, manager):
    officer = factories.user(role="officer")
    lead = factories.lead("Hanbit Chips", owner=manager)
    session.commit()
    scheduled = schedule(session, lead, manager, THURSDAY + timedelta(days=5))
    client = app.test_client()
    log_in(client, officer)
    assert post(client, f"/staff/leads/{lead.reference}/scheduled/{scheduled.id}/cancel").status_code == 403
    assert session.get(OutboxMessage, scheduled.outbox_id).status == "pending"


def test_a_follow_up_a_sender_has_taken_is_sent_not_cancelled(app, session, at, replies_to, manager):
    lead = factories.lead("Hanbit Chips", owner=manager)
    session.commit()
    scheduled = schedule(session, lead, manager, THURSDAY + timedelta(hours=1))
    lead_id, scheduled_id, manager_id = lead.id, scheduled.id, manager.id
    at(THURSDAY + timedelta(hours=2))
    assert claim_next(clock.now()).id == scheduled.outbox_id  # a worker took it, and talks to the server
    db.session.close()
    lead, manager = session.get(Lead, lead_id), session.get(User, manager_id)
    investor_replies(lead)  # meanwhile the reply arrives: too late to call it off
    scheduled = session.get(ScheduledMessage, scheduled_id)
    assert scheduled.cancelled_at is None
    assert session.get(OutboxMessage, scheduled.outbox_id).status == "sending"
    assert cancel_follow_up(lead, scheduled, manager) is False


def test_a_lead_marked_lost_sends_no_follow_up(app, session, at, replies_to, manager, staff_client):
    lead = factories.lead("Hanbit Chips", owner=manager, stage="contacted")
    session.commit()
    manager_id = manager.id
    scheduled = schedule(session, lead, manager, THURSDAY + timedelta(days=5))
    lost = session.scalars(select(Stage.id).where(Stage.code == "lost")).one()
    reason = session.scalars(select(LostReason).where(LostReason.code == "other_location")).one()
    moved = post(staff_client, f"/staff/leads/{lead.reference}/stage", stage=str(lost), lost_reason=str(reason.id))
    assert moved.status_code == 302
    assert session.get(OutboxMessage, scheduled.outbox_id).status == "cancelled"
    assert session.get(ScheduledMessage, scheduled.id).cancelled_because == "closed"
    at(THURSDAY + timedelta(days=6))
    catcher = Catcher()
    assert deliver_next(catcher) is None and catcher.sent == []
    assert "The scheduled e-mail was not sent: the lead was closed." in staff_page(app, manager_id, moved.location)


def test_a_merged_duplicates_follow_up_goes_out_from_the_surviving_lead(app, session, at, replies_to, manager):
    survivor = factories.lead("Hanbit Chips", owner=manager)
    duplicate = factories.lead("Hanbit Chips Vina", owner=manager)
    session.commit()
    scheduled = schedule(session, duplicate, manager, THURSDAY + timedelta(days=5))
    merge_leads(survivor, duplicate, set(), manager)
    session.commit()
    survivor_id = survivor.id
    assert [waiting.id for waiting in queries.waiting_follow_ups(survivor)] == [scheduled.id]
    investor_replies(survivor)  # the investor answers the surviving lead: the follow-up is called off
    assert session.get(OutboxMessage, scheduled.outbox_id).status == "cancelled"
    assert session.get(OutboxMessage, scheduled.outbox_id).lead_id == survivor_id


def test_a_time_in_the_past_is_refused_and_nothing_typed_is_lost(session, at, manager, staff_client):
    lead = factories.lead("Hanbit Chips", owner=manager)
    session.commit()
    response = post(staff_client, f"/staff/leads/{lead.reference}/write", subject="Any news?",
                    body="Did the board decide?", send_at="2026-11-25T09:00")
    assert response.status_code == 400
    page = text_of(response)
    assert "Choose a time in the future, or leave it empty to send now." in page and "Did the board decide?" in page
    assert session.scalars(select(ScheduledMessage)).all() == []


def test_a_follow_up_sent_is_never_sent_again_even_if_recording_it_fails(app, session, at, replies_to, manager,
                                                                         monkeypatch):
    lead = factories.lead("Hanbit Chips", owner=manager)
    session.commit()
    lead_id, outbox_id = lead.id, schedule(session, lead, manager, THURSDAY + timedelta(hours=1)).outbox_id

    def broken(message):
        raise RuntimeError("the timeline is down")

    monkeypatch.setitem(WHEN_SENT, SCHEDULED_KIND, broken)
    at(THURSDAY + timedelta(hours=2))
    catcher = Catcher()
    assert deliver_next(catcher) == "sent"
    at(THURSDAY + timedelta(hours=3))  # past any claim
    assert deliver_next(catcher) is None and len(catcher.sent) == 1
    assert session.get(OutboxMessage, outbox_id).status == "sent"
    assert not [a for a in timeline(session, lead_id) if a.kind == ActivityKind.EMAIL]  # logged, not on the timeline


def test_schedule_a_follow_up_from_the_lead_starts_from_the_follow_up_template_in_the_investors_language(
        session, at, manager, staff_client):
    seed_default_reply_templates()
    lead = factories.lead("Hanbit Chips", owner=manager, name="Kim Min-jun", preferred_language="ko")
    session.commit()
    page = text_of(staff_client.get(f"/staff/leads/{lead.reference}"))
    link = f"/staff/leads/{lead.reference}/write?template=follow_up#send_at"
    assert f'href="{link}">Schedule a follow-up</a>' in page
    form = text_of(staff_client.get(link.split("#")[0]))
    assert f"문의 관련 후속 연락 ({lead.reference})" in form and "Kim Min-jun 님께" in form
    assert 'id="send_at"' in form and "Send later, on (Vietnam time)" in form
