"""The issue list and an issue's page run a fixed number of SQL statements, whatever the number of
issues, of their companies, owners and notes."""
from datetime import date, datetime, timezone

from portal.leads.models import Issue, IssueNote
from tests import factories
from tests.leads.companies.test_company_query_counts import counts

PAGES = ("/staff/issues", "/staff/issues?overdue=y&sort=raised", "/staff/issues?status=open&owner=me",
         "/staff/issues/{first}")


def add_issues(session, count: int, officer) -> str:
    first = None
    for n in range(count):
        company = factories.company(f"Co {n}", owner=officer if n % 2 else None) if n % 3 else None
        issue = Issue(reference=f"IS-26-{n:06d}X"[:12], company=company, category="customs", agency="customs",
                      subject=f"Issue {n}", raised_on=date(2026, 11, 1), due_on=date(2026, 11, 14 + n % 30),
                      owner=officer if n % 2 else None, raised_by_company="Somebody")
        session.add(issue)
        for m in range(1 + n % 3):
            issue.notes.append(IssueNote(at=datetime(2026, 11, 2, tzinfo=timezone.utc), user_id=officer.id,
                                         body=f"Step {m}", status_to="in_progress"))
        session.flush()
        first = first or issue.reference
    session.commit()
    return first


def test_statements_do_not_grow_with_the_issues(session, staff_client, manager, count_queries):
    first = add_issues(session, 3, manager)
    few = counts(staff_client, count_queries, first, PAGES)
    for n in range(40):
        company = factories.company(f"More {n}", owner=manager)
        issue = Issue(reference=f"IS-26-M{n:05d}", company=company, category="land", agency="finance",
                      subject="More", raised_on=date(2026, 11, 1), due_on=date(2026, 11, 20), owner=manager)
        issue.notes.append(IssueNote(at=datetime(2026, 11, 2, tzinfo=timezone.utc), user_id=manager.id, body="x"))
        session.add(issue)
    session.commit()
    many = counts(staff_client, count_queries, first, PAGES)
    assert many == few
    assert max(many.values()) <= 10, many
