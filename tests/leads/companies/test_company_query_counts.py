"""The company list, the due list and a company's page run a fixed number of SQL statements,
whatever the number of companies and of their projects, contacts, visits and leads."""
from datetime import date

from portal.leads.models import CompanyContact, CompanyLead, Visit
from tests import factories

PAGES = ("/staff/companies", "/staff/companies?warning=any&sort=ending", "/staff/companies?sort=capital&q=co",
         "/staff/companies/due", "/staff/companies/{first}")


def add_companies(session, count: int, officer) -> int:
    park = factories.park()
    first = None
    for n in range(count):
        company = factories.company(f"Co {n}", owner=officer if n % 2 else None, visit_due_on=date(2026, 12, 1),
                                    projects=[{"park": park, "registered_capital_usd": 10_000_000 * n,
                                               "incentive_ends_on": date(2027, 6, 1)} for _ in range(1 + n % 3)])
        for m in range(1 + n % 2):
            session.add(CompanyContact(company_id=company.id, name=f"Person {m}", email=f"p{n}-{m}@co.example"))
            session.add(Visit(company_id=company.id, visited_on=date(2026, 1, 1 + m), summary="Talked",
                              user_id=officer.id))
            session.add(CompanyLead(company_id=company.id, lead_id=factories.lead(f"Lead {n}-{m}").id,
                                    relation="expansion"))
        first = first or company.id
    session.commit()
    return first


def counts(client, count_queries, first, pages=PAGES) -> dict[str, int]:
    """The statements each page runs (``{first}`` in a page: the first item's id or reference)."""
    found = {}
    for page in pages:
        url = page.format(first=first)
        with count_queries() as counter:
            assert client.get(url).status_code == 200, url
        found[page] = counter.count
    return found


def test_statements_do_not_grow_with_the_companies(session, staff_client, manager, count_queries):
    first = add_companies(session, 3, manager)
    few = counts(staff_client, count_queries, first)
    add_companies(session, 40, manager)
    many = counts(staff_client, count_queries, first)
    assert many == few
    assert max(many.values()) <= 14, many  # the page: its issues with their owners, and whom to give one
