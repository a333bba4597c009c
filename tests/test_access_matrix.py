"""The access matrix, generated from the URL map: every back-office route and method has a rule
here, or this test fails, so a new page cannot ship without one. Each rule is the least role that
may use the route; below it a staff member gets 403, an anonymous visitor goes to the login page.
(Which lead an officer may work on is a second rule, tested in ``test_staff_access.py``.)"""
from datetime import date

import pytest
from werkzeug.routing.converters import AnyConverter

from portal.leads.models import CompanyContact, DataRequest, Issue, Event, Holiday, LostReason, Referrer, SavedFilter, Stage, Task
from tests import factories
from tests.forms import hidden_fields
from tests.staff import csrf_token, log_in

ANYONE, OFFICER, MANAGER, ADMIN = "anyone", "officer", "manager", "admin"
ROLES = (OFFICER, MANAGER, ADMIN)

#: (endpoint, method) -> the least role that may use it.
RULES = {
    ("auth.login", "GET"): ANYONE, ("auth.login", "POST"): ANYONE,
    ("auth.code", "GET"): ANYONE, ("auth.code", "POST"): ANYONE,
    ("auth.enrol", "GET"): ANYONE, ("auth.enrol", "POST"): ANYONE,
    ("users.set_password", "GET"): ANYONE, ("users.set_password", "POST"): ANYONE,
    ("auth.logout", "POST"): OFFICER,
    ("auth.account", "GET"): OFFICER, ("auth.account", "POST"): OFFICER,
    ("pipeline.home", "GET"): OFFICER,
    ("pipeline.leads", "GET"): OFFICER, ("pipeline.board", "GET"): OFFICER, ("pipeline.lead", "GET"): OFFICER,
    ("pipeline.edit_lead", "GET"): OFFICER, ("pipeline.edit_lead", "POST"): OFFICER,
    ("pipeline.log_activity", "POST"): OFFICER, ("pipeline.move", "POST"): OFFICER,
    ("pipeline.tag", "POST"): OFFICER, ("pipeline.add_task", "POST"): OFFICER,
    ("pipeline.complete_task", "POST"): OFFICER, ("pipeline.bulk", "POST"): OFFICER,
    ("pipeline.save_filter", "POST"): OFFICER, ("pipeline.delete_filter", "POST"): OFFICER,
    ("pipeline.merge", "GET"): OFFICER, ("pipeline.merge", "POST"): OFFICER,
    ("pipeline.assign", "POST"): OFFICER,  # an officer may only take a free lead: test_staff_access.py
    ("pipeline.export_leads", "GET"): MANAGER,
    ("correspondence.write", "GET"): OFFICER, ("correspondence.write", "POST"): OFFICER,
    ("correspondence.cancel_scheduled", "POST"): OFFICER,  # on a lead they may work on
    ("correspondence.templates", "GET"): ADMIN,
    ("correspondence.edit_template", "GET"): ADMIN, ("correspondence.edit_template", "POST"): ADMIN,
    ("visits.plan", "GET"): OFFICER, ("visits.plan", "POST"): OFFICER,  # on a lead they may work on
    ("visits.cancel", "POST"): OFFICER,
    ("pipeline.investor_document", "GET"): OFFICER,  # and only on a lead whose messages they may read
    ("mailbox.unmatched", "GET"): OFFICER, ("mailbox.attach", "POST"): OFFICER,  # attach: a lead they may work on
    ("mailbox.discard", "POST"): OFFICER,
    ("partners.referrers", "GET"): OFFICER, ("partners.events", "GET"): OFFICER,
    ("partners.link_event", "POST"): OFFICER,
    ("partners.edit_referrer", "GET"): MANAGER, ("partners.edit_referrer", "POST"): MANAGER,
    ("partners.edit_event", "GET"): MANAGER, ("partners.edit_event", "POST"): MANAGER,
    ("reports.index", "GET"): OFFICER, ("reports.download", "GET"): OFFICER,
    ("imports.upload", "GET"): MANAGER, ("imports.upload", "POST"): MANAGER, ("imports.mapping", "GET"): MANAGER,
    ("imports.check", "POST"): MANAGER, ("imports.run", "POST"): MANAGER,
    ("personal_data.index", "GET"): MANAGER, ("personal_data.index", "POST"): MANAGER,
    ("personal_data.show", "GET"): MANAGER, ("personal_data.export", "GET"): MANAGER,
    ("personal_data.acknowledge", "POST"): MANAGER, ("personal_data.complete", "POST"): MANAGER,
    ("personal_data.correct", "POST"): MANAGER, ("personal_data.erase", "POST"): MANAGER,
    ("personal_data.withdraw", "POST"): MANAGER,
    ("pipeline_settings.stages", "GET"): ADMIN, ("pipeline_settings.edit_stage", "GET"): ADMIN,
    ("pipeline_settings.edit_stage", "POST"): ADMIN, ("pipeline_settings.delete_stage", "POST"): ADMIN,
    ("pipeline_settings.lost_reasons", "GET"): ADMIN, ("pipeline_settings.edit_lost_reason", "GET"): ADMIN,
    ("pipeline_settings.edit_lost_reason", "POST"): ADMIN,
    ("pipeline_settings.holidays", "GET"): ADMIN, ("pipeline_settings.holidays", "POST"): ADMIN,
    ("pipeline_settings.delete_holiday", "POST"): ADMIN,
    ("users.index", "GET"): ADMIN, ("users.edit", "GET"): ADMIN, ("users.edit", "POST"): ADMIN,
    ("users.password_link", "POST"): ADMIN, ("users.reset_second_factor", "POST"): ADMIN,
    ("catalogue_admin.index", "GET"): OFFICER, ("catalogue_admin.items", "GET"): OFFICER,
    ("catalogue_admin.edit", "GET"): OFFICER, ("catalogue_admin.edit", "POST"): OFFICER,  # drafts
    ("catalogue_admin.preview", "GET"): OFFICER, ("catalogue_admin.translations", "GET"): OFFICER,
    ("catalogue_admin.upload", "POST"): OFFICER, ("catalogue_admin.delete_media", "POST"): OFFICER,
    ("catalogue_admin.change_state", "POST"): MANAGER,  # publishing, featuring, archiving
    ("catalogue_admin.delete", "POST"): ADMIN,
    ("sectors_locations.references", "GET"): MANAGER, ("sectors_locations.edit_reference", "GET"): MANAGER,
    ("sectors_locations.edit_reference", "POST"): MANAGER, ("sectors_locations.delete_reference", "POST"): ADMIN,
    ("key_figures.index", "GET"): MANAGER, ("key_figures.edit", "GET"): MANAGER,
    ("key_figures.edit", "POST"): MANAGER, ("key_figures.delete", "POST"): ADMIN,
    ("exchange_rates.index", "GET"): MANAGER, ("exchange_rates.index", "POST"): MANAGER,
    # Aftercare: an officer works on their own companies and those without an officer (test_companies.py)
    ("companies.index", "GET"): OFFICER, ("companies.due", "GET"): OFFICER, ("companies.show", "GET"): OFFICER,
    ("companies.edit", "GET"): OFFICER, ("companies.edit", "POST"): OFFICER,
    ("companies.edit_contact", "GET"): OFFICER, ("companies.edit_contact", "POST"): OFFICER,
    ("companies.edit_project", "GET"): OFFICER, ("companies.edit_project", "POST"): OFFICER,
    ("companies.delete_part", "POST"): OFFICER, ("companies.log_visit", "POST"): OFFICER,
    ("companies.add_task", "POST"): OFFICER,  # on a company they may work on (test_company_tasks.py)
    ("companies.complete_task", "POST"): OFFICER,  # and its assignee (test_company_tasks.py)
    ("companies.expansion", "POST"): OFFICER, ("companies.make_referrer", "POST"): OFFICER,
    ("companies.from_lead", "POST"): OFFICER,  # a registered lead they may work on
    ("companies.import_upload", "GET"): MANAGER, ("companies.import_upload", "POST"): MANAGER,
    ("companies.import_mapping", "GET"): MANAGER, ("companies.import_check", "POST"): MANAGER,
    ("companies.import_run", "POST"): MANAGER,
    # Investors' issues: as their companies; an issue no company is linked to yet, every officer (test_issues.py)
    ("issues.index", "GET"): OFFICER, ("issues.show", "GET"): OFFICER, ("issues.change_status", "POST"): OFFICER,
    ("issues.edit", "GET"): OFFICER, ("issues.edit", "POST"): OFFICER, ("companies.log_issue", "POST"): OFFICER,
    # The yearly FDI enterprise meeting: managers invite and record who came; an officer logs their companies' issues
    ("companies.event_companies", "GET"): OFFICER, ("companies.invite", "POST"): MANAGER,
    ("companies.attendance", "POST"): MANAGER, ("issues.log_at_event", "POST"): OFFICER,
}


def staff_routes(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/staff"):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method


def test_every_back_office_route_has_a_rule(app):
    missing = sorted({(rule.endpoint, method) for rule, method in staff_routes(app)} - set(RULES))
    assert missing == [], "add a rule to RULES for each new route"


@pytest.fixture
def world(session):
    """One of each thing a back-office URL names, none owned by the officer's colleagues."""
    people = {role: factories.user(role=role) for role in ROLES}
    colleague = factories.user()
    lead, other = factories.lead("Nobody's lead"), factories.lead("Nobody's other lead")
    company = factories.company("Nobody's company", projects=[{"name": "Plant"}])
    contact = CompanyContact(company_id=company.id, name="Lee", email="lee@company.example")
    draft = factories.project(published=False)
    sector = factories.sector()
    stage = Stage(code="spare", position=99, name_vi="Dự phòng", name_en="Spare", name_ko="예비", name_ja="予備")
    values = {
        "reference": lead.reference, "other": other.reference, "kinds": "projects", "item_id": draft,
        "lists": "sectors", "row_id": sector, "figure_id": factories.key_figure("fdi_projects", 10),
        "user_id": colleague, "task_id": Task(lead=lead, title="Call", due_date=date(2030, 1, 1),
                                                 assignee=people[OFFICER]),
        "filter_id": SavedFilter(user_id=people[OFFICER].id, name="Mine", query="stage=new"),
        "request_id": DataRequest(email="x@y.example", kind="access", received_at=lead.created_at,
                                  acknowledge_by=lead.created_at, complete_by=lead.created_at),
        "event_id": Event(name="Meet Korea", kind="delegation", starts_on=date(2026, 10, 12)),
        "referrer_id": Referrer(code="daejeon", kind="sister_city", name="Daejeon"),
        "holiday_id": Holiday(day=date(2030, 9, 2), name="National Day"), "stage_id": stage,
        "reason_id": LostReason(code="spare", position=99, name_vi="Khác", name_en="Other", name_ko="기타",
                                name_ja="その他"),
        "media_id": 999_999, "document_id": 999_999, "message_id": 999_999, "token": "no-such-token",
        "company_id": company, "contact_id": contact, "project_id": company.projects[0],
        "scheduled_id": 999_999,
        "issue_reference": Issue(reference="IS-26-AAAAAA", company=company, category="customs", agency="customs",
                       subject="Held at customs", raised_on=date(2026, 12, 1), due_on=date(2026, 12, 15)),
        "section": "funnel", "purpose": "first_answer", "language": "ko",
    }
    for name, value in values.items():
        if hasattr(value, "__table__"):
            session.add(value)
    session.flush()
    values = {name: (value.id if hasattr(value, "__table__") else value) for name, value in values.items()}
    values["issue_reference"] = "IS-26-AAAAAA"
    session.commit()
    return people, values


def url_for_rule(rule, values) -> str:
    args = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        args[name] = ("publish" if name == "action" else sorted(converter.items)[0]) \
            if isinstance(converter, AnyConverter) and name not in values else values[name]
    return rule.build(args)[1]


def call(client, method: str, url: str):
    if method == "GET":
        return client.get(url)
    token = csrf_token(client) or hidden_fields(client.get("/staff/login").text).get("csrf_token", "")
    return client.post(url, data={"csrf_token": token})


@pytest.mark.parametrize("who", [None, *ROLES])
def test_each_role_reaches_what_its_rule_allows_and_nothing_more(app, world, who):
    people, values = world
    client = app.test_client()
    if who:
        log_in(client, people[who])
    wrong = []
    for rule, method in staff_routes(app):
        least = RULES[(rule.endpoint, method)]
        response = call(client, method, url_for_rule(rule, values))
        to_login = response.status_code == 302 and response.headers["Location"].startswith("/staff/login")
        if response.status_code >= 500:
            ok = False
        elif least == ANYONE:
            ok = response.status_code != 403
        elif who is None:
            ok = to_login
        elif ROLES.index(who) < ROLES.index(least):
            ok = response.status_code == 403
        elif rule.endpoint == "auth.logout":
            ok = to_login
        else:
            ok = response.status_code != 403 and not to_login
        if not ok:
            wrong.append((method, rule.rule, response.status_code))
        if who and method == "POST" and rule.endpoint == "auth.logout":
            log_in(client, people[who])
    assert wrong == []


def test_the_site_finder_is_public_and_outside_the_back_office(app, session):
    """A public page has no rule above: it lives outside ``/staff``, and anyone, signed in or not,
    gets it (its answer is the same for every visitor, so the page cache may keep it)."""
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint == "site_finder.find"]
    assert [rule.rule for rule in rules] == ["/<lang:lang>/find-a-site"]
    assert rules[0].methods - {"HEAD", "OPTIONS"} == {"GET"}
    assert app.test_client().get("/en/find-a-site?land_ha=5").status_code == 200
