"""Priority, export, bulk actions and saved searches in the back office."""
import csv
import io
from decimal import Decimal

from openpyxl import load_workbook
from sqlalchemy import select

from portal.audit import AuditEntry
from portal.leads.models import Lead, Referrer, SavedFilter, Stage
from portal.leads.rules.priority import Priority, priority_of, priority_score
from portal.outbox.models import OutboxMessage
from tests import factories
from tests.staff import log_in, post


def test_priority_follows_the_documented_rule(session):
    semis = factories.sector("semiconductors")  # factories make priority sectors
    daejeon = Referrer(code="daejeon", kind="sister_city", name="Daejeon")
    top = factories.lead("Top", sectors=[semis], estimated_investment_usd=150_000_000, land_need_ha=Decimal("20"),
                         job_title="CEO", phone="+82 1", timeline="within_1_year", message="x" * 60, referrer=daejeon)
    assert priority_score(top) == 30 + 30 + 10 + 10 + 20 == 100
    middle = factories.lead("Middle", estimated_investment_usd=25_000_000, land_need_ha=Decimal("2"), job_title="",
                            message="short")
    assert priority_score(middle) == 20 + 5 + 2  # company only
    assert priority_of(priority_score(top)) == Priority.HIGH
    assert priority_of(priority_score(middle)) == Priority.LOW
    assert priority_of(30) == Priority.MEDIUM and priority_of(59) == Priority.MEDIUM


def test_a_submission_gets_its_priority(client, session, catalogue):
    from tests.forms import inquiry, submit

    submit(client, "/en/inquire", inquiry())
    lead = session.scalars(select(Lead)).one()
    # semiconductors (priority) 30 + USD 120M 30 + 15 ha 10 + company, job title, phone, timeline 8
    assert lead.priority_score == 78


def test_list_sorts_by_priority_and_shows_it(staff_client, session):
    factories.lead("Small", estimated_investment_usd=1_000_000)
    factories.lead("Big", estimated_investment_usd=500_000_000, sectors=[factories.sector()])
    session.commit()
    html = staff_client.get("/staff/leads?sort=priority").text
    assert html.index(">Big<") < html.index(">Small<")
    assert "High priority" in html and "Low priority" in html


def test_export_csv_and_xlsx_in_the_users_language_with_formulas_neutralised(staff_client, session, manager):
    factories.lead("=HYPERLINK(\"http://evil.example\")", country="KR", message="+1 call me")
    factories.lead("Plain Co", country="JP", status="open")
    session.commit()
    response = staff_client.get("/staff/leads/export.csv")
    assert response.headers["Content-Disposition"].startswith('attachment; filename="leads-')
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Reference", "Received", "Kind"]
    companies = {row[7] for row in rows[1:]}
    assert companies == {"'=HYPERLINK(\"http://evil.example\")", "Plain Co"}
    assert "'+1 call me" in {row[-1] for row in rows[1:]}
    assert "South Korea" in {row[9] for row in rows[1:]}

    manager.language = "ko"
    session.commit()
    book = load_workbook(io.BytesIO(staff_client.get("/staff/leads/export.xlsx?country=JP").data))
    sheet = book.active
    assert sheet.max_row == 2
    assert sheet["H2"].value == "Plain Co" and sheet["J2"].value == "일본"
    assert session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).first() is not None


def test_officers_cannot_export(app, session):
    officer = factories.user()
    session.commit()
    client = app.test_client()
    log_in(client, officer)
    assert client.get("/staff/leads/export.csv").status_code == 403


def test_bulk_assign_and_move(staff_client, session, manager):
    officer = factories.user(name="Phạm Thu Hà")
    first, second = factories.lead("First"), factories.lead("Second")
    third = factories.lead("Third")
    session.commit()
    response = post(staff_client, "/staff/leads/bulk", **{"bulk-action": "assign", "bulk-owner": str(officer.id),
                                                          "lead": [first.reference, second.reference]})
    assert response.status_code == 302
    session.expire_all()
    assert first.owner_id == second.owner_id == officer.id and third.owner_id is None
    assert len(session.scalars(select(OutboxMessage)).all()) == 2

    qualified = session.scalars(select(Stage).where(Stage.code == "qualified")).one()
    third.sectors = [factories.sector()]
    third.estimated_investment_usd = 10_000_000
    session.commit()
    post(staff_client, "/staff/leads/bulk", **{"bulk-action": "stage", "bulk-stage": str(qualified.id),
                                               "lead": [first.reference, third.reference]})
    session.expire_all()
    assert third.stage.code == "qualified" and first.stage.code == "new"  # first lacks the facts
    page = staff_client.get("/staff/leads").text
    assert first.reference in page and "Not moved" in page


def test_bulk_export_of_ticked_leads(staff_client, session):
    first = factories.lead("First")
    factories.lead("Second")
    session.commit()
    response = post(staff_client, "/staff/leads/bulk", **{"bulk-action": "export", "lead": [first.reference]})
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert len(rows) == 2 and rows[1][0] == first.reference


def test_saved_searches_belong_to_their_owner(app, staff_client, session, manager):
    post(staff_client, "/staff/leads/saved", **{"save-name": "Korean, overdue", "save-query": "country=KR&overdue=y"})
    html = staff_client.get("/staff/leads").text
    assert '<a href="/staff/leads?country=KR&amp;overdue=y">Korean, overdue</a>' in html
    saved = session.scalars(select(SavedFilter)).one()
    other = factories.user()
    session.commit()
    other_client = app.test_client()
    log_in(other_client, other)
    assert "Korean, overdue" not in other_client.get("/staff/leads").text
    assert post(other_client, f"/staff/leads/saved/{saved.id}/delete").status_code == 404
    post(staff_client, f"/staff/leads/saved/{saved.id}/delete")
    assert session.scalars(select(SavedFilter)).all() == []
