"""The investor's calendar answers a site-visit invitation (an iTIP REPLY, RFC 5546, to the lead's plus
address): read from the real mailbox, kept on the visit (accepted, declined, tentative, with the time),
shown on the lead page and the timeline and audited; an answer to an older version of the invitation
is shown but changes nothing; an answer about no visit of ours is an ordinary reply."""
import html as html_lib
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage

import icalendar
import pytest
from sqlalchemy import select

from portal import clock
from portal.audit import AuditEntry
from portal.leads.mailbox.fetch import fetch_once
from portal.leads.mailbox.matching import calendar_answers
from portal.leads.models import Activity, ActivityKind, SiteVisit
from portal.leads.visits.operations import VisitPlan, cancel_visit, plan_visit
from portal.outbox.models import OutboxMessage
from tests import factories
from tests.leads.mailbox.conftest import numbers

INVESTOR = "kim@hanbit.example"


@pytest.fixture(autouse=True)
def reply_address(app, monkeypatch):
    """The centre's replies come back to plus addresses of this one (the invitation's organiser)."""
    monkeypatch.setitem(app.config, "MAIL_REPLY_TO", "invest@centre.example")


def planned_visit(session, app, manager):
    """A lead with a confirmed visit, planned as the officer does (the invitation in the outbox)."""
    park = factories.park("vsip-3", texts={"en": "VSIP III", "vi": "KCN VSIP III", "ko": "VSIP III 산업단지",
                                           "ja": "VSIP III 工業団地"})
    lead = factories.lead("Hanbit Chips", name="Kim Min-jun", email=INVESTOR, preferred_language="en",
                          stage="qualified")
    session.commit()
    starts = datetime.combine(clock.today_in_vietnam() + timedelta(days=10), datetime.min.time(),
                              tzinfo=timezone.utc) + timedelta(hours=2)
    plan = VisitPlan(starts_at=starts, ends_at=starts + timedelta(hours=7), stops=[(park, None)],
                     meeting_point="Lobby, Becamex Hotel", guide_language="ko", note="")
    with app.test_request_context():
        plan_visit(lead, plan, manager, confirm=True)
    session.commit()
    return lead, plan


def latest_invitation(session) -> OutboxMessage:
    return session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "site_visit")
                           .order_by(OutboxMessage.id.desc())).first()


def calendar_reply(invitation: OutboxMessage, partstat: str, uid: str | None = None,
                   sequence: int | None = None) -> EmailMessage:
    """What the investor's calendar sends back: METHOD:REPLY with the invitation's UID and SEQUENCE and
    their PARTSTAT, to the organiser (the lead's plus address), as text and text/calendar alternatives."""
    event = icalendar.Calendar.from_ical(invitation.calendar).events[0]
    organiser = str(event["organizer"]).removeprefix("mailto:")
    answer = icalendar.Calendar()
    answer.add("prodid", "-//Investor's calendar//EN")
    answer.add("version", "2.0")
    answer.add("method", "REPLY")
    reply_event = icalendar.Event()
    reply_event.add("uid", uid or str(event["uid"]))
    reply_event.add("sequence", int(event["sequence"]) if sequence is None else sequence)
    reply_event.add("dtstamp", clock.now())
    reply_event.add("dtstart", event.decoded("dtstart"))
    reply_event.add("organizer", event["organizer"])
    attendee = icalendar.vCalAddress(f"mailto:{INVESTOR}")
    attendee.params["PARTSTAT"] = partstat
    reply_event.add("attendee", attendee)
    answer.add_component(reply_event)

    message = EmailMessage()
    message["From"], message["To"] = f"Kim Min-jun <{INVESTOR}>", organiser
    message["Subject"] = f"{partstat.title()}: {invitation.subject}"
    message["Message-ID"] = f"<answer{next(numbers)}@hanbit.example>"
    message.set_content(f"Kim Min-jun has {partstat.lower()} this invitation.")
    message.add_alternative(answer.to_ical(), maintype="text", subtype="calendar", params={"method": "REPLY"})
    return message


def visit_of(session, lead) -> SiteVisit:
    session.expire_all()
    return session.scalars(select(SiteVisit).where(SiteVisit.lead_id == lead.id)).one()


def replies_on(session, lead) -> list[Activity]:
    return list(session.scalars(select(Activity).where(Activity.lead_id == lead.id, Activity.kind == ActivityKind.REPLY)
                                .order_by(Activity.id)))


def page_of(client, lead) -> str:
    return html_lib.unescape(client.get(f"/staff/leads/{lead.reference}").text)


def test_an_accepted_invitation_is_kept_on_the_visit_shown_and_audited(app, session, manager, staff_client,
                                                                        mailbox):
    lead, _plan = planned_visit(session, app, manager)
    mailbox.deliver(calendar_reply(latest_invitation(session), "ACCEPTED"))

    assert fetch_once().matched == 1

    visit = visit_of(session, lead)
    assert (visit.answer, visit.answer_sequence) == ("ACCEPTED", 0) and visit.answered_at is not None
    [reply] = replies_on(session, lead)  # still the investor's reply on the timeline
    assert reply.details["visit_answer"]["answer"] == "ACCEPTED"
    page = page_of(staff_client, lead)
    assert "Accepted by the investor on" in page
    assert "Calendar answer to the site visit: accepted" in page
    entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "site_visit", AuditEntry.action == "answer")
                            ).one()
    assert entry.entity_id == visit.id and entry.changes["answer"] == [None, "ACCEPTED"]


def test_a_declined_invitation_replaces_the_earlier_acceptance(app, session, manager, staff_client, mailbox):
    lead, _plan = planned_visit(session, app, manager)
    invitation = latest_invitation(session)
    mailbox.deliver(calendar_reply(invitation, "ACCEPTED"))
    fetch_once()
    mailbox.deliver(calendar_reply(invitation, "DECLINED"))
    fetch_once()

    assert visit_of(session, lead).answer == "DECLINED"
    page = page_of(staff_client, lead)
    assert "Declined by the investor on" in page and "Accepted by the investor on" not in page
    assert "Calendar answer to the site visit: accepted" in page  # both answers stay on the timeline
    assert "Calendar answer to the site visit: declined" in page


def test_an_answer_to_an_older_version_is_shown_but_does_not_overwrite_the_newer_one(app, session, manager,
                                                                                     staff_client, mailbox):
    lead, plan = planned_visit(session, app, manager)
    first = latest_invitation(session)
    with app.test_request_context():  # the officer moves the visit: the invitation's SEQUENCE becomes 1
        plan_visit(lead, VisitPlan(**{**plan.__dict__, "meeting_point": "Gate 2, VSIP III"}), manager, confirm=True)
    session.commit()
    changed = latest_invitation(session)
    assert icalendar.Calendar.from_ical(changed.calendar).events[0]["sequence"] == 1

    mailbox.deliver(calendar_reply(changed, "TENTATIVE"))
    fetch_once()
    mailbox.deliver(calendar_reply(first, "DECLINED"))  # arrives late: an answer to the first version
    fetch_once()

    visit = visit_of(session, lead)
    assert (visit.answer, visit.answer_sequence) == ("TENTATIVE", 1)
    late = replies_on(session, lead)[-1]
    assert late.details["visit_answer"] == {"visit_id": visit.id, "answer": "DECLINED", "sequence": 0, "stale": True}
    page = page_of(staff_client, lead)
    assert "Tentatively accepted by the investor on" in page
    assert "Calendar answer to the site visit: declined" in page
    assert "about an earlier version of the invitation: not taken as the answer" in page
    assert session.scalars(select(AuditEntry).where(AuditEntry.entity == "site_visit",
                                                    AuditEntry.action == "answer")).all()[-1].changes["answer"] \
        == [None, "TENTATIVE"]


def test_an_answer_to_a_visit_since_cancelled_changes_nothing(app, session, manager, mailbox):
    lead, _plan = planned_visit(session, app, manager)
    invitation = latest_invitation(session)
    with app.test_request_context():
        cancel_visit(lead, lead.current_visit, manager)
    session.commit()
    mailbox.deliver(calendar_reply(invitation, "ACCEPTED"))
    fetch_once()
    assert visit_of(session, lead).answer == ""
    assert replies_on(session, lead)[0].details["visit_answer"]["stale"] is True


def test_an_answer_about_an_unknown_uid_is_an_ordinary_reply(app, session, manager, staff_client, mailbox):
    lead, _plan = planned_visit(session, app, manager)
    mailbox.deliver(calendar_reply(latest_invitation(session), "ACCEPTED", uid="someone-elses-meeting@other.example"))

    assert fetch_once().matched == 1

    assert visit_of(session, lead).answer == ""
    [reply] = replies_on(session, lead)
    assert "visit_answer" not in reply.details and reply.body.startswith("Kim Min-jun has accepted")
    page = page_of(staff_client, lead)
    assert "by the investor on" not in page and "Calendar answer to the site visit" not in page
    assert session.scalars(select(AuditEntry).where(AuditEntry.action == "answer")).all() == []


def test_only_a_reply_with_an_answer_counts():
    forwarded = EmailMessage()  # a forwarded invitation (METHOD:REQUEST) is no answer
    forwarded.set_content("See the invitation")
    forwarded.add_alternative(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:x@y\r\n"
                              b"ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@b.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
                              maintype="text", subtype="calendar")
    assert calendar_answers(forwarded) == []
    garbled = EmailMessage()
    garbled.set_content("x")
    garbled.add_alternative(b"not a calendar", maintype="text", subtype="calendar", params={"method": "REPLY"})
    assert calendar_answers(garbled) == []
    undecided = EmailMessage()
    undecided.set_content("x")
    undecided.add_alternative(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:x@y\r\n"
                              b"SEQUENCE:2\r\nATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:a@b.example\r\nEND:VEVENT\r\n"
                              b"END:VCALENDAR\r\n", maintype="text", subtype="calendar")
    assert calendar_answers(undecided) == []
