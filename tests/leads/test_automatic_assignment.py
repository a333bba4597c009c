"""New leads find their officer: round robin among those of the investor's language and country."""
from sqlalchemy import select

from portal.leads.models import Lead
from portal.outbox.models import OutboxMessage
from tests import factories
from tests.forms import inquiry, submit


def test_new_leads_go_round_robin_to_officers_of_their_language_and_country(client, session, catalogue):
    korean_1 = factories.user(name="Korean desk 1", language="ko")
    korean_2 = factories.user(name="Korean desk 2", language="ko")
    japanese = factories.user(name="Japan desk", language="ja")
    full = factories.user(name="Full desk", language="ko")
    for officer, languages, countries, capacity in ((korean_1, "ko", "KR", 10), (korean_2, "ko,en", "", 10),
                                                    (japanese, "ja", "JP", 10), (full, "ko", "KR", 0)):
        officer.auto_assign, officer.languages, officer.countries, officer.capacity = True, languages, countries, capacity
    session.commit()
    for number in range(3):
        submit(client, "/ko/inquire", inquiry(email=f"kr{number}@example.com"))
    submit(client, "/ja/inquire", inquiry(email="jp@example.com", country="JP"))
    submit(client, "/vi/inquire", inquiry(email="vn@example.com", country="VN"))
    owners = [lead.owner.name if lead.owner else None for lead in session.scalars(select(Lead).order_by(Lead.id))]
    assert owners[:3] == ["Korean desk 1", "Korean desk 2", "Korean desk 1"]
    assert owners[3] == "Japan desk"
    assert owners[4] is None  # nobody works in Vietnamese: the lead waits for a manager
    told = [m.recipient for m in session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "lead_assigned").order_by(OutboxMessage.id))]
    assert told == [korean_1.email, korean_2.email, korean_1.email, japanese.email]
