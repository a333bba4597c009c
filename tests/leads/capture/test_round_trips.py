"""An inquiry's POST in few statements (each a round trip to the database server, which shares the
web workers' cores): what it reads before writing in one statement, the officers with their open leads
among it, the reference not looked up, and on PostgreSQL everything it writes in one statement."""
from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import event, func, select
from sqlalchemy.engine.interfaces import CacheStats

from portal import clock
from portal.audit import AuditEntry
from portal.auth.models import User
from portal.clock import as_utc
from portal.extensions import db
from portal.leads import operations
from portal.leads.models import Activity, Consent, FormSubmission, InquiryLink, Lead, StageChange, report_version
from portal.leads.models.lead import lead_sectors
from portal.leads.reports.sql import month_of
from portal.outbox.models import OutboxMessage
from tests import factories
from tests.forms import hidden_fields, inquiry


def officer_taking_leads():
    officer = factories.user(role="officer", name="Park Ji-won")
    officer.auto_assign, officer.languages, officer.capacity = True, "en,ko", 10
    return officer


def opened(client, url: str = "/en/inquire") -> dict:
    page = client.get(url)
    assert page.status_code == 200
    return hidden_fields(page.text)


def test_a_new_inquiry_is_stored_in_a_fixed_number_of_statements(client, session, catalogue, count_queries):
    officer_taking_leads()
    session.commit()
    data = {**opened(client), **inquiry()}

    with count_queries() as counter:
        assert client.post("/en/inquire", data=data).status_code == 302

    writes = [statement.split()[0] for statement in counter.statements if not statement.startswith("SELECT")]
    if db.engine.dialect.name == "postgresql":
        # what it reads (the officers among it), then the lead with its rows, its e-mails, the
        # officer's turn, the reports' token and the sender's wake-up
        assert counter.count == 2, counter.statements
        assert [statement.split()[0] for statement in counter.statements] == ["SELECT", "WITH"]
        assert "pg_notify" in counter.statements[1] and "report_month_version" in counter.statements[1]
    else:
        # what it reads (the officers among it), the officer's turn, the lead, its sector, stage
        # change, assignment, consent, private link, form key, audit entry, e-mails, the reports' month
        # token (an INSERT ... ON CONFLICT DO UPDATE)
        assert counter.count == 12, counter.statements
        assert sorted(writes) == ["INSERT"] * 10 + ["UPDATE"]
    lead = session.scalars(select(Lead)).one()
    assert lead.owner.name == "Park Ji-won" and lead.stage.code == "new"


def test_the_one_statement_writes_every_row_of_the_new_lead(client, session, catalogue):
    """The rows themselves are compared column by column with the ordinary path's in test_one_flush;
    here, that each table got its row, the officer their turn, and the reports new tokens."""
    officer = officer_taking_leads()
    session.commit()
    before = session.scalar(select(User.last_assigned_at).where(User.id == officer.id))
    tokens = report_version.current_tokens()
    data = {**opened(client), **inquiry()}

    assert client.post("/en/inquire", data=data).status_code == 302

    session.expire_all()
    lead = session.scalars(select(Lead)).one()
    for model in (StageChange, Activity, Consent, InquiryLink, FormSubmission):
        assert session.scalar(select(func.count()).select_from(model).where(model.lead_id == lead.id)) == 1, model
    assert session.scalar(select(func.count()).select_from(lead_sectors).where(lead_sectors.c.lead_id == lead.id)) == 1
    assert session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "lead",
                                                           AuditEntry.entity_id == lead.id)).all() == ["assign"]
    assert session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.lead_id == lead.id)) == 3
    assert before is None and session.get(User, officer.id).last_assigned_at is not None
    renewed = report_version.current_tokens()
    month = month_of(lead.created_at)
    for family in report_version.FAMILIES:  # a new lead moves every family's figures of its month, those alone
        assert renewed[family].months[month] != tokens[family].months.get(month), family
        assert renewed[family].whole == tokens[family].whole, family


def test_what_the_investor_typed_is_stored_as_typed(client, session, catalogue):
    """On PostgreSQL each table's rows go to the server as one JSON parameter: letters of every script,
    quotes, backslashes, line breaks and tabs, fractions and the time received come back as they were."""
    message = 'Chúng tôi cần 12,75 ha.\n"Nhà máy" \\ 工場と電力 5 MVA\t{"a": 1} — 한빛'
    typed = {"name": "Nguyễn Thị Hương", "company": "한빛전자 (Hanbit) «Vina»", "job_title": "取締役",
             "message": message}
    data = {**opened(client), **inquiry(land_need="12.75", estimated_investment="0.5", **typed)}
    sent_at = clock.now()

    assert client.post("/en/inquire", data=data).status_code == 302

    lead = session.scalars(select(Lead)).one()
    assert {name: getattr(lead, name) for name in typed} == typed
    assert (lead.land_need_ha, lead.estimated_investment_usd) == (Decimal("12.75"), 500_000)
    assert abs(as_utc(lead.created_at) - sent_at) < timedelta(seconds=5)
    changed_at = session.scalar(select(StageChange.changed_at).where(StageChange.lead_id == lead.id))
    assert as_utc(changed_at) == as_utc(lead.created_at)
    assert [consent.email for consent in lead.consents] == ["minjun.kim@hanbit.example"]


def test_a_reference_already_taken_is_drawn_again_and_the_inquiry_is_kept(client, session, catalogue, monkeypatch):
    taken = factories.lead(email="first@example.com")
    session.commit()
    drawn = iter([taken.reference])
    draw = operations.drawn_reference
    monkeypatch.setattr(operations, "drawn_reference", lambda prefix="IP": next(drawn, None) or draw(prefix))
    data = {**opened(client), **inquiry(email="second@example.com")}

    answer = client.post("/en/inquire", data=data)

    assert answer.status_code == 302
    leads = session.scalars(select(Lead).order_by(Lead.id)).all()
    assert [lead.email for lead in leads] == ["first@example.com", "second@example.com"]
    assert leads[1].reference != taken.reference
    thanks = client.get("/en/thank-you").text
    assert re.search(rf"<strong>{leads[1].reference}</strong>", thanks)


def test_a_reference_that_stays_taken_is_an_error_and_nothing_is_half_stored(app, client, session, catalogue,
                                                                              monkeypatch):
    taken = factories.lead(email="first@example.com")
    session.commit()
    monkeypatch.setattr(operations, "drawn_reference", lambda prefix="IP": taken.reference)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    data = {**opened(client), **inquiry(email="second@example.com")}

    assert client.post("/en/inquire", data=data).status_code == 500
    assert session.scalars(select(Lead.email)).all() == ["first@example.com"]
    assert session.scalar(select(func.count()).select_from(FormSubmission)) == 0


def test_an_inquirys_statements_are_compiled_once_not_for_each_inquiry(app, client, session, catalogue):
    """SQLAlchemy compiles a statement it cannot cache (a multi-row VALUES, say) at every execution:
    the month tokens' upsert written so once doubled an inquiry's CPU time on PostgreSQL."""
    officer_taking_leads()
    session.commit()
    assert client.post("/en/inquire", data={**opened(client), **inquiry()}).status_code == 302
    data = {**opened(client), **inquiry(email="seoyeon.lee@dbm.example")}
    compiled = []

    def keep(_conn, _cursor, statement, _parameters, context, _executemany):
        if context.compiled is not None:
            compiled.append((context.cache_hit, statement))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        assert client.post("/en/inquire", data=data).status_code == 302
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)

    assert compiled and [statement for hit, statement in compiled if hit is not CacheStats.CACHE_HIT] == []
