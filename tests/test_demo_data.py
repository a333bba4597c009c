"""``flask demo-data``: a realistic catalogue in four languages, safe to load twice."""
from sqlalchemy import func, select

from portal.demo import load_demo_catalogue
from portal.projects.models import IndustrialPark, InvestmentProject, ParkText, ProjectText, Sector
from portal.public.models import KeyFigure

LANGS = {"vi", "en", "ko", "ja"}


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_demo_catalogue_loads_twice_without_duplicates(session):
    first = load_demo_catalogue()
    second = load_demo_catalogue()
    assert first == second
    assert count(session, IndustrialPark) == first["parks"] >= 12
    assert count(session, InvestmentProject) == first["projects"] >= 30
    assert count(session, ProjectText) == 4 * first["projects"]
    assert count(session, ParkText) == 4 * first["parks"]


def test_demo_catalogue_covers_the_domain(session):
    load_demo_catalogue()
    slugs = set(session.scalars(select(IndustrialPark.slug)))
    assert {"vsip-1", "vsip-2", "my-phuoc-3", "bau-bang", "song-than-1"} <= slugs
    used_sectors = set(session.scalars(select(Sector.code).join(InvestmentProject, InvestmentProject.sector_id == Sector.id)))
    assert {"semiconductors", "electronics", "batteries", "clean_energy", "logistics", "smart_city"} <= used_sectors
    for project in session.scalars(select(InvestmentProject)):
        assert set(project.texts) == LANGS
        assert all(text.title and text.summary and text.description for text in project.texts.values())
        assert project.search_text
    figures = {figure.kind: figure for figure in session.scalars(select(KeyFigure))}
    assert figures["fdi_projects"].value == 4121
    assert figures["countries"].value == 65
    assert figures["registered_capital_usd"].value == 40_000_000_000 and figures["registered_capital_usd"].at_least


def test_demo_data_command_first_start_only(runner, session):
    result = runner.invoke(args=["demo-data", "--if-empty"])
    assert "Demo catalogue loaded" in result.output
    result = runner.invoke(args=["demo-data", "--if-empty"])
    assert "left alone" in result.output


def test_demo_team_and_pipeline_load_twice_and_follow_the_stage_rules(session):
    from portal.demo import DEMO_PASSWORD, load_demo_pipeline, load_demo_staff
    from portal.leads.models import Lead
    from portal.leads.rules.stage_facts import missing_facts

    load_demo_catalogue()
    users = load_demo_staff()
    assert users["admin"].role == "admin" and users["admin"].check_password(DEMO_PASSWORD)
    first = load_demo_pipeline(users)
    assert first >= 30 and load_demo_pipeline(load_demo_staff()) == 0
    leads = list(session.scalars(select(Lead)))
    assert len(leads) == first
    assert {lead.stage.code for lead in leads} >= {"new", "contacted", "qualified", "site_visit", "negotiation",
                                                   "registered", "lost"}
    assert {lead.preferred_language for lead in leads} == LANGS
    for lead in leads:
        assert missing_facts(lead, lead.stage) == [], lead.reference
    assert any(lead.referrer for lead in leads) and any(lead.kind == "event" for lead in leads)
    korea_desk = [lead for lead in leads if "Korea desk" in {tag.name for tag in lead.tags}]
    assert korea_desk and all(lead.country == "KR" for lead in korea_desk)


def test_demo_staff_are_never_created_in_production(app, session, monkeypatch):
    import click
    import pytest

    from portal.demo import load_demo_staff

    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    with pytest.raises(click.ClickException):
        load_demo_staff()


def test_demo_companies_show_every_aftercare_situation_and_load_twice(session):
    from portal import clock
    from portal.demo import load_demo_companies, load_demo_pipeline, load_demo_staff
    from portal.leads.companies.queries import warnings_of
    from portal.leads.models import Company, Lead
    from portal.leads.rules.aftercare import EarlyWarning

    load_demo_catalogue()
    users = load_demo_staff()
    load_demo_pipeline(users)
    assert load_demo_companies(users) == 12 and load_demo_companies(users) == 0
    companies = list(session.scalars(select(Company)))
    today = clock.today_in_vietnam()
    found = {warning for company in companies for warning in warnings_of(company, today)}
    assert found == {EarlyWarning.NO_RECENT_CONTACT, EarlyWarning.INCENTIVE_ENDING, EarlyWarning.LEASE_ENDING}
    assert any(not warnings_of(company, today) for company in companies)
    assert {"KR", "JP", "TW", "SG", "NL", "DE", "US"} <= {company.country for company in companies}
    relations = {link.relation for company in companies for link in company.lead_links}
    assert relations == {"registered", "expansion"}
    hanbit = next(company for company in companies if company.referrer is not None)
    assert session.scalars(select(Lead).where(Lead.referrer_id == hanbit.referrer_id)).all()
    assert all(company.visit_due_on for company in companies)
    # The visits' follow-ups: open (one overdue) and done, each due on a working day, under its visit
    tasks = [task for company in companies for task in company.tasks]
    assert {task.done_at is None for task in tasks} == {True, False}
    assert any(task.overdue(today) for task in tasks)
    assert all(task.due_date.weekday() < 5 and task.visit_id and task.lead_id is None for task in tasks)
    assert all(task.assignee.active for task in tasks)


def test_demo_issues_in_every_state_and_the_yearly_meeting_load_twice(session):
    from portal import clock
    from portal.demo import load_demo_companies, load_demo_issues, load_demo_pipeline, load_demo_staff
    from portal.leads.companies.queries import warnings_of
    from portal.leads.models import Company, EventCompany, Issue
    from portal.leads.rules.aftercare import EarlyWarning

    load_demo_catalogue()
    users = load_demo_staff()
    load_demo_pipeline(users)
    load_demo_companies(users)
    assert load_demo_issues(users) == 6 and load_demo_issues(users) == 0
    issues = list(session.scalars(select(Issue)))
    assert {issue.status for issue in issues} == {"open", "in_progress", "waiting_for_agency", "resolved", "closed"}
    today = clock.today_in_vietnam()
    assert any(issue.overdue(today) for issue in issues) and any(issue.event_id for issue in issues)
    assert any(EarlyWarning.ISSUE_OVERDUE in warnings_of(company, today) for company in session.scalars(select(Company)))
    links = list(session.scalars(select(EventCompany)))
    assert len(links) == 5 and sum(link.attended for link in links) == 3
