"""Replies read from a real IMAP server (Dovecot, started once for this module): matched by plus
address, by thread, by sender, or left unmatched; never twice; attachments checked by content;
"investor replied, waiting for us" until staff answer; the unmatched list's actions."""
from email.message import EmailMessage

import pytest
from sqlalchemy import func, select

from portal.leads.mailbox.fetch import fetch_once
from portal.leads.mailbox.matching import html_to_text, without_quote
from portal.audit import AuditEntry
from portal.extensions import db
from portal.leads.models import Activity, ActivityKind, InvestorDocument, MailboxMessage, MailboxStatus
from portal.outbox.models import OutboxMessage, plus_reference
from tests import factories
from tests.pdfs import pdf
from tests.leads.mailbox.conftest import numbers
from tests.staff import csrf_token, log_in


def reply(sender="investor@company.example", to="invest@centre.example", subject="Re: your inquiry",
          text="Thank you, we would like to visit in March.", message_id=None, **headers) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message["Message-ID"] = message_id or f"<reply{next(numbers)}@company.example>"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(text + "\n\nOn Mon, 1 Dec 2026, Invest Centre wrote:\n> Dear investor,\n")
    return message


def replies_on(session, lead):
    return list(session.scalars(select(Activity).where(Activity.lead_id == lead.id,
                                                       Activity.kind == ActivityKind.REPLY)))


def test_plus_address_and_text_helpers():
    assert plus_reference("invest+ip-26-7k3qxm@centre.example") == "IP-26-7K3QXM"
    assert plus_reference("invest@centre.example") is None
    assert without_quote("Yes.\n\nOn Mon, X wrote:\n> old") == "Yes."
    assert html_to_text("<p>Hi <b>there</b></p><script>alert(1)</script>&amp; bye") == "Hi there\n& bye"


def test_a_reply_to_the_plus_address_lands_on_its_lead_and_the_owner_is_told(app, session, mailbox):
    owner = factories.user(email="owner@centre.example")
    lead = factories.lead(owner=owner, email="someone.else@company.example")
    session.commit()
    mailbox.deliver(reply(to=f"invest+{lead.reference.lower()}@centre.example"))

    report = fetch_once()

    assert report.matched == 1
    [activity] = replies_on(session, lead)
    assert activity.body == "Thank you, we would like to visit in March."  # the quoted history trimmed
    assert activity.details["from"] == "investor@company.example"
    assert activity.details["message_id"].startswith("<reply")
    assert session.get(type(lead), lead.id).investor_replied_at is not None
    told = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "investor_reply")).one()
    assert told.recipient == "owner@centre.example" and lead.reference in told.subject
    assert all(b"\\Seen" in flags for flags in mailbox.flags())


def test_a_reply_in_the_thread_of_our_e_mail_lands_on_its_lead(app, session, mailbox):
    lead = factories.lead(email="a@company.example")
    session.add(OutboxMessage(kind="acknowledgement", recipient=lead.email, subject="s", body="b", language="en",
                              lead_id=lead.id, message_id="<ack-1@portal.example>"))
    session.commit()
    mailbox.deliver(reply(sender="colleague@other.example", In_Reply_To="<ack-1@portal.example>",
                          References="<older@x> <ack-1@portal.example>"))

    fetch_once()

    assert len(replies_on(session, lead)) == 1
    assert session.scalars(select(MailboxMessage)).one().matched_by == "thread"


def test_a_reply_from_the_address_of_one_open_lead_lands_on_it_and_a_merged_lead_on_its_survivor(
        app, session, mailbox):
    lead = factories.lead(email="Buyer@Company.example")
    survivor = factories.lead(email="other@company.example")
    merged = factories.lead(email="merged@company.example", status="merged", merged_into=survivor)
    session.commit()
    mailbox.deliver(reply(sender="buyer@company.example"))
    mailbox.deliver(reply(to=f"invest+{merged.reference}@centre.example"))

    fetch_once()

    assert len(replies_on(session, lead)) == 1
    assert len(replies_on(session, survivor)) == 1 and not replies_on(session, merged)


def test_unknown_senders_and_ambiguous_addresses_go_to_unmatched_and_fetching_twice_adds_nothing(
        app, session, mailbox):
    factories.lead(email="twice@company.example")
    factories.lead(email="twice@company.example")
    session.commit()
    mailbox.deliver(reply(sender="stranger@elsewhere.example"))
    mailbox.deliver(reply(sender="twice@company.example"))

    first = fetch_once()
    mailbox.deliver(reply(sender="stranger@elsewhere.example", message_id="<dup@x>"))
    mailbox.deliver(reply(sender="stranger@elsewhere.example", message_id="<dup@x>"))  # the same e-mail again
    second = fetch_once()
    third = fetch_once()

    assert (first.unmatched, second.unmatched, second.already, third.unmatched) == (2, 1, 1, 0)
    assert session.scalar(select(func.count(MailboxMessage.id))) == 3
    assert session.scalar(select(func.count(Activity.id)).where(Activity.kind == ActivityKind.REPLY)) == 0


def test_a_message_recorded_before_a_crash_is_not_recorded_again(app, session, mailbox):
    """The crash window: recorded and committed, not yet marked seen on the server."""
    lead = factories.lead(email="c@company.example")
    session.commit()
    mailbox.deliver(reply(sender="c@company.example", message_id="<crash@x>"))
    fetch_once()
    # as if the \Seen flag had never been stored
    client = mailbox.server.client()
    client.select(f'"{mailbox.name}"')
    client.uid("STORE", "1", "-FLAGS", "(\\Seen)")
    client.logout()

    report = fetch_once()

    assert report.already == 1 and len(replies_on(session, lead)) == 1


def test_attachments_are_checked_by_content_and_downloadable_by_staff(app, session, mailbox, tmp_path,
                                                                      monkeypatch):
    monkeypatch.setitem(app.config, "LEAD_DOCUMENT_DIR", str(tmp_path / "documents"))
    lead = factories.lead(email="d@company.example")
    officer = factories.user()
    lead.owner = officer
    session.commit()
    message = reply(sender="d@company.example")
    message.add_attachment(pdf(), maintype="application", subtype="pdf", filename="plan.pdf")
    message.add_attachment(b"MZ\x90\x00 not a document", maintype="application", subtype="pdf",
                           filename="invoice.pdf")
    mailbox.deliver(message)

    fetch_once()

    [activity] = replies_on(session, lead)
    [document] = session.scalars(select(InvestorDocument)).all()
    assert document.original_name == "plan.pdf" and activity.details["refused"] == ["invoice.pdf"]
    client = app.test_client()
    log_in(client, officer)
    page = client.get(f"/staff/leads/{lead.reference}").text
    assert "plan.pdf" in page and "Investor replied" in page
    assert "Attachments not kept (not a PDF or an image): invoice.pdf" in page
    download = client.get(f"/staff/leads/{lead.reference}/documents/{document.id}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF-")


def test_an_html_only_reply_is_shown_as_text_never_as_html(app, session, mailbox, staff_client):
    lead = factories.lead(email="h@company.example")
    session.commit()
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "h@company.example", "invest@centre.example", "Re"
    message["Message-ID"] = "<html@x>"
    message.set_content("<p>We agree <img src=x onerror=alert(1)></p><script>alert(2)</script>", subtype="html")
    mailbox.deliver(message)

    fetch_once()

    [activity] = replies_on(session, lead)
    assert activity.body == "We agree"
    page = staff_client.get(f"/staff/leads/{lead.reference}").text
    assert "onerror" not in page and "alert(2)" not in page


def test_waiting_for_us_shows_filters_the_list_and_clears_when_staff_answer(app, session, mailbox,
                                                                           staff_client):
    waiting = factories.lead("Waiting Co", email="w@company.example")
    factories.lead("Quiet Co", email="q@company.example")
    session.commit()
    mailbox.deliver(reply(sender="w@company.example"))
    fetch_once()

    listed = staff_client.get("/staff/leads?waiting_for_us=y").text
    assert "Waiting Co" in listed and "Quiet Co" not in listed
    assert "Investor replied, waiting for us" in staff_client.get(f"/staff/leads/{waiting.reference}").text

    url = f"/staff/leads/{waiting.reference}"
    staff_client.post(f"{url}/activities", data={"csrf_token": csrf_token(staff_client, url), "kind": "note",
                                                 "body": "Thinking"})
    assert "Waiting Co" in staff_client.get("/staff/leads?waiting_for_us=y").text  # a note answers nobody
    staff_client.post(f"{url}/activities", data={"csrf_token": csrf_token(staff_client, url), "kind": "email",
                                                 "body": "Answered"})
    assert "Waiting Co" not in staff_client.get("/staff/leads?waiting_for_us=y").text


def test_staff_attach_an_unmatched_reply_to_a_lead_or_discard_it(app, session, mailbox):
    officer = factories.user()
    mine = factories.lead(owner=officer, email="m@company.example")
    theirs = factories.lead(owner=factories.user(), email="t@company.example")
    session.commit()
    mailbox.deliver(reply(sender="new@elsewhere.example", subject="About the land", message_id="<u1@x>"))
    mailbox.deliver(reply(sender="spam@elsewhere.example", subject="Cheap pills", message_id="<u2@x>"))
    fetch_once()
    first, second = session.scalars(select(MailboxMessage).order_by(MailboxMessage.id)).all()
    client = app.test_client()
    log_in(client, officer)

    page = client.get("/staff/mailbox/unmatched").text
    assert "About the land" in page and "Cheap pills" in page
    no_csrf = client.post(f"/staff/mailbox/unmatched/{first.id}/attach", data={f"m{first.id}-reference": mine.reference})
    assert no_csrf.status_code == 400 and not replies_on(session, mine)
    token = csrf_token(client, "/staff/mailbox/unmatched")
    refused = client.post(f"/staff/mailbox/unmatched/{first.id}/attach",
                          data={"csrf_token": token, f"m{first.id}-reference": theirs.reference})
    assert refused.status_code == 400 and "You may not work on this lead." in refused.text
    unknown = client.post(f"/staff/mailbox/unmatched/{first.id}/attach",
                          data={"csrf_token": token, f"m{first.id}-reference": "IP-00-NOPE"})
    assert "No lead has this reference." in unknown.text and 'value="IP-00-NOPE"' in unknown.text
    client.post(f"/staff/mailbox/unmatched/{first.id}/attach",
                data={"csrf_token": token, f"m{first.id}-reference": mine.reference.lower()})
    client.post(f"/staff/mailbox/unmatched/{second.id}/discard", data={"csrf_token": token})

    [activity] = replies_on(session, mine)
    assert "visit in March" in activity.body
    session.expire_all()
    assert (first.status, second.status) == (MailboxStatus.MATCHED, MailboxStatus.DISCARDED)
    page = client.get("/staff/mailbox/unmatched").text
    assert "About the land" not in page and "Cheap pills" not in page
    actions = set(session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "mailbox_message")))
    assert actions == {"attach", "discard"}


def test_the_watching_reader_fetches_until_asked_to_stop(app, session, mailbox):
    """``flask mail fetch --watch``: a pass, then the stop (SIGTERM sets it) ends the loop cleanly."""
    from portal.leads.mailbox.fetch import watch
    from portal.outbox.worker import StopRequest

    lead_id = factories.lead(email="watch@company.example").id
    session.commit()
    mailbox.deliver(reply(sender="watch@company.example"))

    class StopAfterOnePass(StopRequest):
        def wait(self, seconds):
            self.set()

    watch(0.01, StopAfterOnePass())

    assert db.session.scalar(select(func.count(Activity.id)).where(Activity.lead_id == lead_id,
                                                                   Activity.kind == ActivityKind.REPLY)) == 1


def test_a_conversation_written_from_the_lead_and_answered_by_mail_stays_on_the_lead(app, session, mailbox,
                                                                                   staff_client, monkeypatch):
    """The officer writes from the lead; the investor answers from their own mail program (no plus
    address kept, only the thread); the answer lands on the lead, waits for us, and the next message
    from the lead answers it in the same thread and clears the wait."""
    from portal.outbox.delivery import deliver_next
    from tests.staff import post

    monkeypatch.setitem(app.config, "MAIL_REPLY_TO", "invest@centre.example")
    lead = factories.lead("Hanbit Chips", email="kim@hanbit.example")
    session.commit()
    assert post(staff_client, f"/staff/leads/{lead.reference}/write", subject="Your inquiry",
                body="Dear Mr Kim, when would you like to visit?").status_code == 302
    written = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "written")).one()
    first_id = written.message_id

    mailbox.deliver(reply(sender="Kim <kim.private@gmail.example>", subject="Re: Your inquiry",
                          text="In March, please.", message_id="<answer.1@gmail.example>",
                          In_Reply_To=first_id, References=first_id))
    with app.app_context():
        fetch_once()
    session.expire_all()
    [answer] = replies_on(session, lead)
    assert answer.body == "In March, please." and lead.investor_replied_at is not None

    assert post(staff_client, f"/staff/leads/{lead.reference}/write", subject="Re: Your inquiry",
                body="March suits us: we propose 10 March.").status_code == 302
    session.expire_all()
    assert lead.investor_replied_at is None
    second = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "written")
                             .order_by(OutboxMessage.id.desc())).first()

    class Catcher:
        sent = []

        def send(self, message, outbox_id):
            self.sent.append(message)

    with app.app_context():
        while deliver_next(Catcher()) is not None:
            pass
    [email] = [message for message in Catcher.sent if message["Message-ID"] == second.message_id]
    assert email["In-Reply-To"] == "<answer.1@gmail.example>"
    assert first_id in email["References"].split()
    assert email["Reply-To"] == f"invest+{lead.reference}@centre.example"
