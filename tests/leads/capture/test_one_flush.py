"""A new inquiry's rows are written in one pass, one INSERT per table (``receive_submission``,
``_write_new_inquiry``): they are those the ordinary path writes (``create_lead``, which assigns and
flushes, then the consent, the form's key and ``queue_mail``), column by column."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from flask import current_app
from sqlalchemy import func, select

from portal import clock
from portal.audit import AuditEntry
from portal.extensions import db
from portal.leads import operations
from portal.leads.follow.operations import issue_link
from portal.leads.models import LeadKind, StageChange
from portal.leads.models.lead import Lead, lead_sectors
from portal.leads.operations import Introducer, Submission
from portal.leads.rules.priority import priority_score
from portal.outbox import queue_mail
from portal.outbox.models import OutboxMessage
from tests import factories

RECEIVED = datetime(2026, 5, 4, 2, 30, tzinfo=timezone.utc)


def the_ordinary_way(submission: Submission):
    """What ``receive_submission`` wrote for a new lead before it wrote it in one flush."""
    lead = operations.create_lead(submission)
    operations._record_consent(lead, submission)
    lead.priority_score = priority_score(lead)
    db.session.add(operations.FormSubmission(key=submission.form_key, lead=lead, received_at=clock.now()))
    context = {"lead": lead, "submission": submission, "joined": False}
    if submission.introducer:
        queue_mail("referral_thanks", submission.introducer.email, submission.introducer.language, lead.id, **context)
    else:
        queue_mail("acknowledgement", submission.email, lead.preferred_language, lead.id, **context,
                   follow_token=issue_link(lead))
    queue_mail("new_lead", current_app.config["PORTAL_LEADS_EMAIL"], current_app.config["PORTAL_LEADS_LANGUAGE"],
               lead.id, **context)
    db.session.flush()
    return lead


#: Columns that differ between two leads by nature: their ids, reference, address, random keys, and
#: the times the database stamps.
_OWN = {"id", "lead_id", "entity_id", "reference", "email", "email_normalized", "search_contact", "key",
        "token_hash", "message_id", "recipient", "at", "created_at", "updated_at", "next_attempt_at"}


def rows(lead_id: int, reference: str, email: str) -> dict[str, list]:
    """Every row written for the lead, without its own columns; its reference and address, in
    texts and saved contexts, replaced by placeholders."""
    def plain(row) -> dict:
        values = {name: value for name, value in row._mapping.items() if name not in _OWN}
        if isinstance(values.get("context"), dict):
            values["context"] = {name: value for name, value in values["context"].items() if name != "follow_token"}
        text = json.dumps(values, default=str, sort_keys=True, ensure_ascii=False)
        text = text.replace(reference, "REFERENCE").replace(reference.lower(), "REFERENCE")
        return json.loads(text.replace(email, "EMAIL"))

    found = {"leads": [plain(row) for row in db.session.execute(select(Lead.__table__).where(Lead.id == lead_id))],
             "lead_sectors": [plain(row) for row in db.session.execute(
                 select(lead_sectors).where(lead_sectors.c.lead_id == lead_id).order_by(lead_sectors.c.sector_id))],
             "audit_entries": [plain(row) for row in db.session.execute(
                 select(AuditEntry.__table__).where(AuditEntry.entity == "lead", AuditEntry.entity_id == lead_id)
                 .order_by(AuditEntry.id))]}
    for name in ("stage_changes", "activities", "consents", "inquiry_links", "form_submissions", "outbox",
                 "lead_projects", "lead_parks"):
        written = db.metadata.tables[name]
        found[name] = [plain(row) for row in db.session.execute(
            select(written).where(written.c.lead_id == lead_id).order_by(*written.primary_key.columns))]
    return found


@pytest.mark.parametrize("variant", ["assigned", "nobody_to_assign", "referral"])
def test_a_new_inquiry_writes_the_rows_the_ordinary_way_writes(app, session, manager, monkeypatch, variant):
    monkeypatch.setattr(clock, "now", lambda: RECEIVED)
    manager.auto_assign = variant != "nobody_to_assign"
    semis, batteries = factories.sector("semiconductors"), factories.sector("batteries")
    park = factories.park("vsip-3")
    project = factories.project("chip-fab", of=semis, in_park=park)
    session.commit()

    def submission(email: str, key: str) -> Submission:
        kind = LeadKind.REFERRAL if variant == "referral" else LeadKind.INQUIRY
        introducer = (Introducer(name="Lee", organisation="KOTRA", email=f"lee.{email}", relationship="partner",
                                 language="en") if variant == "referral" else None)
        return Submission(kind=kind, language="ko", name="Kim Min-jun", company="Hanbit", email=email, country="KR",
                          message="15 ha", job_title="Director", phone="+82 2 1234", sectors=[semis, batteries],
                          projects=[project], parks=[park], estimated_investment_usd=120_000_000,
                          land_need_ha=Decimal("15.5"), timeline="within_1_year", news=True,
                          ip_address="203.0.113.9", landing_page="/ko/parks", form_key=key, introducer=introducer)

    ordinary = the_ordinary_way(submission("kim@hanbit.example", "a" * 32))
    session.commit()
    manager.last_assigned_at = None  # the same officer's turn again
    session.commit()
    one_pass = operations.receive_submission(submission("park@hanbit.example", "b" * 32)).lead
    session.commit()

    assert (one_pass.owner_id == manager.id) is (variant != "nobody_to_assign")
    expected = rows(ordinary.id, ordinary.reference, "kim@hanbit.example")
    written = rows(one_pass.id, one_pass.reference, "park@hanbit.example")
    assert len(written["outbox"]) == (3 if variant != "nobody_to_assign" else 2)
    assert len(written["lead_sectors"]) == 2 and len(written["leads"]) == 1
    for name, found in expected.items():
        assert written[name] == found, (name, [{k: (a.get(k), b.get(k)) for k in {*a, *b} if a.get(k) != b.get(k)}
                                               for a, b in zip(written[name], found)])


def test_the_new_inquirys_lead_is_in_the_session_as_written(app, session, manager, monkeypatch):
    """The lead ``receive_submission`` returns is the row written: in the session with nothing left to
    flush (no row of it written twice), its collections read from the rows."""
    monkeypatch.setattr(clock, "now", lambda: RECEIVED)
    manager.auto_assign = True
    semis = factories.sector("semiconductors")
    session.commit()
    lead = operations.receive_submission(Submission(
        kind=LeadKind.INQUIRY, language="ja", name="Sato Hana", company="Sato Denki", email="sato@denki.example",
        country="JP", message="10 ha", sectors=[semis], form_key="c" * 32)).lead

    assert lead in session and not session.new and not session.dirty
    assert lead.owner == manager and lead.received_month == RECEIVED.date().replace(day=1)
    assert [sector.code for sector in lead.sectors] == ["semiconductors"]
    assert [activity.details for activity in lead.activities] == [{"owner": manager.id}]
    assert [consent.email for consent in lead.consents] == ["sato@denki.example"]
    session.commit()
    assert session.scalars(select(StageChange.lead_owner_id).where(StageChange.lead_id == lead.id)).all() == [
        manager.id]
    assert session.scalar(select(func.count()).select_from(lead_sectors)) == 1
    assert session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.lead_id == lead.id)) == 3
