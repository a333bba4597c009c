"""Every /staff/ route, walked as an anonymous visitor, an officer, a manager and an admin."""
import pytest

from tests import factories
from tests.staff import csrf_token, log_in

ANONYMOUS = None


@pytest.fixture
def team(session):
    people = {role: factories.user(role=role) for role in ("officer", "manager", "admin")}
    colleague = factories.user(role="officer")
    people["lead_of_colleague"] = factories.lead("Colleague's lead", owner=colleague)
    people["open_lead"] = factories.lead("Nobody's lead")
    people["figure"] = factories.key_figure("countries", 65)
    people["company_of_colleague"] = factories.company("Colleague's company", owner=colleague)
    people["free_company"] = factories.company("Nobody's company")
    session.commit()
    return people


def routes(team):
    mine = team["open_lead"].reference
    theirs = team["lead_of_colleague"].reference
    figure = team["figure"].id
    their_company, free_company = team["company_of_colleague"].id, team["free_company"].id
    # (method, url, expected status for anonymous, officer, manager, admin); an anonymous POST has no
    # CSRF token (only a logged-in page gives one), so it is refused before anything else.
    return [
        ("GET", "/staff/", 302, 200, 200, 200),
        ("GET", "/staff/leads", 302, 200, 200, 200),
        ("GET", "/staff/leads/board", 302, 200, 200, 200),
        ("GET", f"/staff/leads/{mine}", 302, 200, 200, 200),
        ("GET", f"/staff/leads/{theirs}", 302, 200, 200, 200),
        ("GET", "/staff/account", 302, 200, 200, 200),
        ("GET", "/staff/login", 200, 302, 302, 302),
        ("GET", "/staff/leads/export.csv", 302, 403, 200, 200),
        ("GET", "/staff/referrers", 302, 200, 200, 200),
        ("GET", "/staff/referrers/new", 302, 403, 200, 200),
        ("GET", "/staff/events", 302, 200, 200, 200),
        ("GET", "/staff/events/new", 302, 403, 200, 200),
        ("GET", "/staff/users", 302, 403, 403, 200),
        ("GET", "/staff/users/new", 302, 403, 403, 200),
        ("GET", "/staff/stages", 302, 403, 403, 200),
        ("GET", "/staff/stages/new", 302, 403, 403, 200),
        ("GET", "/staff/lost-reasons", 302, 403, 403, 200),
        ("GET", "/staff/data-requests", 302, 403, 200, 200),
        ("GET", "/staff/leads/import", 302, 403, 200, 200),
        ("GET", f"/staff/leads/{theirs}/merge/{mine}", 302, 403, 200, 200),
        ("POST", f"/staff/leads/{theirs}/activities", 400, 403, 302, 302),
        ("POST", f"/staff/leads/{theirs}/stage", 400, 403, 302, 302),
        ("POST", f"/staff/leads/{theirs}/tasks", 400, 403, 302, 302),
        ("POST", f"/staff/leads/{theirs}/assign", 400, 403, 302, 302),
        ("GET", f"/staff/leads/{theirs}/visit", 302, 403, 200, 200),
        ("POST", f"/staff/leads/{theirs}/visit", 400, 403, 400, 400),
        ("POST", f"/staff/leads/{theirs}/visit/cancel", 400, 403, 404, 404),
        ("POST", f"/staff/leads/{mine}/activities", 400, 302, 302, 302),
        ("GET", "/staff/companies", 302, 200, 200, 200),
        ("GET", "/staff/companies/due", 302, 200, 200, 200),
        ("GET", f"/staff/companies/{free_company}", 302, 200, 200, 200),
        ("GET", f"/staff/companies/{their_company}", 302, 403, 200, 200),
        ("GET", f"/staff/companies/{their_company}/edit", 302, 403, 200, 200),
        ("POST", f"/staff/companies/{their_company}/visits", 400, 403, 302, 302),
        ("POST", f"/staff/companies/{free_company}/visits", 400, 302, 302, 302),
        ("GET", "/staff/catalogue/key-figures", 302, 403, 200, 200),
        # managers keep the key figures current; only administrators delete, as everywhere in the catalogue
        ("POST", f"/staff/catalogue/key-figures/{figure}/delete", 400, 403, 403, 302),
    ]


FORMS = {
    "activities": {"kind": "note", "body": "Called, will send the brochure."},
    "stage": {"stage": "2"},
    "tasks": {"title": "Send the land price list", "due_date": "2030-01-01"},
    "assign": {"owner": ""},
    "delete": {},
    "visits": {"visited_on": "2026-01-05", "kind": "meeting", "summary": "Customs clearance times"},
    "visit": {"starts_at": "2020-01-01T09:00"},  # in the past: refused with its message
    "cancel": {},
}


@pytest.mark.parametrize("who", [ANONYMOUS, "officer", "manager", "admin"])
def test_every_staff_route_answers_according_to_the_role(app, team, who, session):
    client = app.test_client()
    if who:
        log_in(client, team[who])
    column = {ANONYMOUS: 2, "officer": 3, "manager": 4, "admin": 5}[who]
    for route in routes(team):
        method, url, expected = route[0], route[1], route[column]
        if method == "GET":
            response = client.get(url)
        else:
            data = dict(FORMS[url.rsplit("/", 1)[1]])
            if url.endswith("/stage"):
                data["stage"] = str(team["open_lead"].stage_id + 1)
            if url.endswith("/tasks"):
                data["assignee"] = str(team["officer"].id)
            if who:
                data["csrf_token"] = csrf_token(client)
            response = client.post(url, data=data)
        assert response.status_code == expected, (who, method, url, response.status_code)
        if who is ANONYMOUS and method == "GET" and expected == 302:
            assert response.headers["Location"].startswith("/staff/login")


def test_a_post_without_csrf_token_is_refused(app, team):
    client = app.test_client()
    log_in(client, team["manager"])
    response = client.post(f"/staff/leads/{team['open_lead'].reference}/activities", data={"kind": "note", "body": "x"})
    assert response.status_code == 400


def test_an_officer_may_take_a_lead_nobody_owns_but_not_give_leads_away(app, team, session):
    client = app.test_client()
    officer = team["officer"]
    log_in(client, officer)
    lead = team["open_lead"]
    colleague_id = team["lead_of_colleague"].owner_id
    refused = client.post(f"/staff/leads/{lead.reference}/assign",
                          data={"csrf_token": csrf_token(client), "owner": str(colleague_id)})
    assert refused.status_code == 403
    taken = client.post(f"/staff/leads/{lead.reference}/assign",
                        data={"csrf_token": csrf_token(client), "owner": str(officer.id)})
    assert taken.status_code == 302
    session.expire_all()
    assert lead.owner_id == officer.id
