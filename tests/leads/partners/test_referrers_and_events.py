"""Referrers and events in the back office: who brought a lead, and where staff met it."""
import re

from sqlalchemy import select

from portal.audit import AuditEntry
from portal.leads.models import Event, Referrer, Stage
from portal.outbox.models import OutboxMessage
from tests import factories
from tests.staff import log_in, post


def test_referrers_page_counts_leads_and_registrations(staff_client, session):
    daejeon = factories.referrer(active=True)
    factories.lead("Open one", referrer=daejeon)
    factories.lead("Won one", referrer=daejeon, stage="registered")
    session.commit()
    html = staff_client.get("/staff/referrers").text
    assert "http://localhost/r/daejeon" in html
    row = html[html.index("Daejeon City"):]
    assert re.search(r'status=all">2</a></td>\s*<td>1</td>', row)


def test_referrer_create_validates_the_code_and_is_audited(staff_client, session):
    session.add(Referrer(code="taken", kind="sister_city", name="Old"))
    session.commit()
    data = {"name": "Osaka desk", "kind": "overseas_representative", "country": "JP", "email": "desk@osaka.example",
            "preferred_language": "ja", "active": "y", "wants_updates": "y"}
    refused = post(staff_client, "/staff/referrers/new", code="taken", **data)
    assert refused.status_code == 400 and "Another referrer uses this code." in refused.text
    assert post(staff_client, "/staff/referrers/new", code="BAD code", **data).status_code == 400
    assert post(staff_client, "/staff/referrers/new", code="osaka-desk", **data).status_code == 302
    referrer = session.scalars(select(Referrer).where(Referrer.code == "osaka-desk")).one()
    entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "referrer")).one()
    assert entry.entity_id == referrer.id and entry.changes["code"] == [None, "osaka-desk"]


def test_a_registered_referral_thanks_the_referrer_who_asked(staff_client, session):
    daejeon = factories.referrer(email="intl@daejeon.example", preferred_language="ko", wants_updates=True)
    lead = factories.lead("Hanbit", stage="negotiation", referrer=daejeon)
    session.commit()
    registered = session.scalars(select(Stage).where(Stage.code == "registered")).one()
    post(staff_client, f"/staff/leads/{lead.reference}/stage", stage=str(registered.id), registered_capital="10",
         expected_jobs="50", certificate_date="2026-11-20")
    mail = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "referral_success")).one()
    assert mail.recipient == "intl@daejeon.example" and mail.language == "ko"


def test_events_and_linking_a_lead(staff_client, session):
    response = post(staff_client, "/staff/events/new", name="Meet Korea 2026", kind="delegation",
                    starts_on="2026-10-12", ends_on="2026-10-15", place="Seoul", country="KR")
    assert response.status_code == 302
    event = session.scalars(select(Event)).one()
    lead = factories.lead("Met in Seoul")
    factories.lead("Not met")
    session.commit()
    post(staff_client, f"/staff/leads/{lead.reference}/event", event=str(event.id))
    session.expire_all()
    assert lead.event_id == event.id
    assert "Met in Seoul" in staff_client.get(f"/staff/leads?event={event.id}").text
    assert "Not met" not in staff_client.get(f"/staff/leads?event={event.id}").text
    events_page = staff_client.get("/staff/events").text
    assert "Meet Korea 2026" in events_page
    bad = post(staff_client, "/staff/events/new", name="Backwards", kind="fair", starts_on="2026-10-12",
               ends_on="2026-10-01")
    assert bad.status_code == 400 and "The last day cannot be before the first day." in bad.text


def test_officers_see_referrers_and_events_but_cannot_change_them(app, session):
    officer = factories.user()
    session.commit()
    client = app.test_client()
    log_in(client, officer)
    assert client.get("/staff/referrers").status_code == 200
    assert client.get("/staff/events").status_code == 200
    assert client.get("/staff/referrers/new").status_code == 403
    assert client.get("/staff/events/new").status_code == 403
