"""Mail queued in a transaction goes out as soon as that transaction commits, whichever view or
command committed it: nobody has to remember to send, and a rolled-back change sends nothing."""
import time

from sqlalchemy import select

from portal.extensions import db
from portal.leads.models import Stage
from portal.outbox import delivery, queue_mail
from portal.outbox.models import OutboxMessage
from tests import factories
from tests.staff import csrf_token


def _wait_until_sent(session, kind: str, seconds: float = 10) -> OutboxMessage | None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        session.expire_all()
        message = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)).first()
        if message is not None and message.status == "sent":
            return message
        time.sleep(0.05)
    return None


def test_a_move_to_registered_on_the_board_thanks_the_referrer_without_cron(app, staff_client, session,
                                                                          monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    monkeypatch.setitem(app.config, "MAIL_SEND_AFTER_COMMIT", True)
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    daejeon = factories.referrer(email="intl@daejeon.example", preferred_language="ko", wants_updates=True)
    lead = factories.lead("Hanbit", stage="negotiation", referrer=daejeon)
    session.commit()
    registered = session.scalars(select(Stage).where(Stage.code == "registered")).one()
    headers = {"Accept": "application/json", "X-CSRFToken": csrf_token(staff_client, "/staff/leads/board")}
    moved = staff_client.post(f"/staff/leads/{lead.reference}/stage", headers=headers, data={
        "stage": str(registered.id), "registered_capital": "10", "expected_jobs": "50",
        "certificate_date": "2026-11-20"})
    assert moved.status_code == 200 and moved.json["ok"] is True
    thanks = _wait_until_sent(session, "referral_success")
    assert thanks is not None and thanks.recipient == "intl@daejeon.example"
    [mail] = (tmp_path / "mail").glob("*.eml")
    assert b"To: intl@daejeon.example" in mail.read_bytes()


def test_a_commit_that_queued_mail_starts_the_sender_once(app, session, monkeypatch):
    started = []
    monkeypatch.setattr(delivery, "send_soon", lambda: started.append(True))
    queue_mail("staff_password_reset", "someone@centre.example", "en", user=factories.user(), by=None,
               link="http://localhost/x")
    db.session.commit()
    assert started == [True]
    factories.sector()
    db.session.commit()
    assert started == [True]  # nothing new was queued


def test_mail_queued_in_a_rolled_back_transaction_is_never_sent(app, session, monkeypatch):
    started = []
    monkeypatch.setattr(delivery, "send_soon", lambda: started.append(True))
    queue_mail("staff_password_reset", "someone@centre.example", "en", user=factories.user(), by=None,
               link="http://localhost/x")
    db.session.rollback()
    factories.sector()
    db.session.commit()
    assert started == []
    assert session.scalars(select(OutboxMessage)).all() == []
