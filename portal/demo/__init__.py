"""``flask demo-data``: the demo catalogue of the Binh Duong industrial area, and a few
referrers with personal links (``/r/daejeon``, ``/r/osaka-office``, ``/r/eindhoven``).

The texts live in ``data/*.json``; loading is an upsert by code and slug, so running it
twice changes nothing and never duplicates a row.
"""
from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import click
import pyotp
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from portal import clock
from portal.auth.models import Role, User
from portal.clock import VIETNAM
from portal.extensions import db
from portal.leads.models import Activity, Consent, Lead, LeadStatus, LostReason, Referrer, Stage, StageChange, Task
from portal.leads.operations import tags_named
from portal.leads.queries import working_days_after, working_hours_after
from portal.leads.rules.priority import priority_score
from portal.privacy import NOTICE_VERSION
from portal.projects.models import IndustrialPark, InvestmentProject, Location, ParkText, ProjectText, Sector
from portal.public.models import KeyFigure

DATA_DIR = Path(__file__).with_name("data")

#: Demo staff, never created in production. The README documents these logins.
DEMO_PASSWORD = "demo-password"
#: The demo team's authenticator key, published in the README: add it to any authenticator app, or
#: run ``flask demo-code`` for the current code. Never used in production (no demo team there).
DEMO_TOTP_SECRET = "INVESTPORTALDEMOINVESTPORTALDEMO"
DEMO_STAFF = {
    # key: (e-mail, name, role, language, automatic assignment: languages, countries)
    "admin": ("admin@demo.example", "Nguyễn Thị Lan", Role.ADMIN, "vi", None),
    "manager": ("manager@demo.example", "Trần Văn Minh", Role.MANAGER, "vi", None),
    "officer_ko": ("officer.ko@demo.example", "Lê Hoàng Anh", Role.OFFICER, "ko", ("ko,en", "KR")),
    "officer_ja": ("officer.ja@demo.example", "Phạm Thu Hà", Role.OFFICER, "ja", ("ja,en", "JP")),
    "officer_en": ("officer.en@demo.example", "Võ Quốc Bảo", Role.OFFICER, "en", ("en,vi", "")),
}

PARK_FIELDS = (
    "developer established_year total_area_ha industrial_land_ha available_area_ha occupancy_pct "
    "tenants_domestic tenants_foreign maintenance_fee_usd_m2_year wastewater_fee_usd_m3 seaport_distance_km "
    "seaport_max_vessel_dwt airport_distance_km hcmc_centre_distance_km highway_distance_km power_capacity_mva "
    "water_capacity_m3_day wastewater_capacity_m3_day ready_built_factories featured"
).split()
PROJECT_FIELDS = "land_area_ha total_investment_usd total_investment_vnd investment_form status featured".split()


def _read(name: str):
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def _one(model, **key):
    """The row with this key, or a new one added to the session."""
    row = db.session.scalars(select(model).filter_by(**key)).first()
    if row is None:
        row = model(**key)
        db.session.add(row)
    return row


def _number(value):
    return Decimal(str(value)) if isinstance(value, float) else value


def _set_texts(item, text_model, texts: dict[str, dict]) -> None:
    for lang, values in texts.items():
        text = item.texts.get(lang)
        if text is None:
            text = item.texts[lang] = text_model(lang=lang)
        for name, value in values.items():
            setattr(text, name, value)


def _range(values) -> tuple:
    return tuple(_number(v) for v in values) if values else (None, None)


def load_demo_catalogue() -> dict[str, int]:
    taxonomy = _read("taxonomy.json")
    sectors, locations = {}, {}
    for position, data in enumerate(taxonomy["sectors"]):
        sector = sectors[data["code"]] = _one(Sector, code=data["code"])
        sector.priority, sector.position = data.get("priority", False), position
        for lang, name in data["names"].items():
            setattr(sector, f"name_{lang}", name)
    for position, data in enumerate(taxonomy["locations"]):
        location = locations[data["code"]] = _one(Location, code=data["code"])
        location.position, location.latitude, location.longitude = position, data.get("lat"), data.get("lng")
        for lang, name in data["names"].items():
            setattr(location, f"name_{lang}", name)

    parks = {}
    for data in _read("parks.json"):
        park = parks[data["slug"]] = _one(IndustrialPark, slug=data["slug"])
        for name in PARK_FIELDS:
            setattr(park, name, _number(data.get(name)))
        park.location = locations[data["location"]]
        park.land_rent_min_usd_m2, park.land_rent_max_usd_m2 = _range(data.get("land_rent_usd_m2"))
        park.factory_rent_min_usd_m2_month, park.factory_rent_max_usd_m2_month = _range(
            data.get("factory_rent_usd_m2_month")
        )
        park.lease_term_end = date.fromisoformat(data["lease_term_end"]) if data.get("lease_term_end") else None
        park.latitude, park.longitude = data.get("lat"), data.get("lng")
        park.target_sectors = [sectors[code] for code in data["target_sectors"]]
        park.published = True
        _set_texts(park, ParkText, data["texts"])

    projects = []
    for path in sorted(DATA_DIR.glob("projects_*.json")):
        for data in _read(path.name):
            project = _one(InvestmentProject, slug=data["slug"])
            for name in PROJECT_FIELDS:
                setattr(project, name, _number(data.get(name)))
            project.sector = sectors[data["sector"]]
            project.location = locations[data["location"]]
            project.park = parks[data["park"]] if data.get("park") else None
            project.timeline_start, project.timeline_end = data.get("timeline") or (None, None)
            project.latitude, project.longitude = data.get("lat"), data.get("lng")
            project.published = True
            _set_texts(project, ProjectText, data["texts"])
            projects.append(project)
    for project in projects:
        project.refresh_search_text()

    figures = _read("key_figures.json")
    for position, data in enumerate(figures):
        figure = _one(KeyFigure, kind=data["kind"])
        figure.value, figure.at_least = Decimal(str(data["value"])), data.get("at_least", False)
        figure.as_of, figure.source, figure.position = date.fromisoformat(data["as_of"]), data["source"], position

    referrers = _read("referrers.json")
    for data in referrers:
        referrer = _one(Referrer, code=data["code"])
        for name, value in data.items():
            setattr(referrer, name, value)

    db.session.flush()
    return {"sectors": len(sectors), "locations": len(locations), "parks": len(parks),
            "projects": len(projects), "key figures": len(figures), "referrers": len(referrers)}


def load_demo_staff() -> dict[str, User]:
    """The demo team (an administrator, a manager, three officers); refused in production."""
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("demo staff accounts are never created in production")
    users = {}
    for key, (email, name, role, language, assignment) in DEMO_STAFF.items():
        user = users[key] = _one(User, email=email)
        user.name, user.role, user.language, user.active = name, role, language, True
        if assignment:
            user.auto_assign, (user.languages, user.countries) = True, assignment
        if not user.password_hash:
            user.set_password(DEMO_PASSWORD)
        if not user.totp_secret:
            user.totp_secret = DEMO_TOTP_SECRET
    db.session.flush()
    return users


def _demo_reference(key: str) -> str:
    """A stable reference per demo lead, so loading twice finds the same lead."""
    digest = hashlib.sha256(key.encode()).digest()
    return "IP-DM-" + "".join("23456789ABCDEFGHJKMNPQRSTUVWXYZ"[byte % 31] for byte in digest[:6])


def load_demo_pipeline(users: dict[str, User]) -> int:
    """A living pipeline: leads at every stage, some overdue, some referred, with timelines."""
    stages = {stage.code: stage for stage in db.session.scalars(select(Stage))}
    reasons = {reason.code: reason for reason in db.session.scalars(select(LostReason))}
    referrers = {referrer.code: referrer for referrer in db.session.scalars(select(Referrer))}
    sectors = {sector.code: sector for sector in db.session.scalars(select(Sector))}
    projects = {project.slug: project for project in db.session.scalars(select(InvestmentProject))}
    parks = {park.slug: park for park in db.session.scalars(select(IndustrialPark))}
    now = clock.now()
    today = now.astimezone(VIETNAM).date()
    order = [code for code in ("new", "contacted", "qualified", "site_visit", "negotiation")]
    added = 0
    for data in _read("pipeline.json"):
        reference = _demo_reference(data["key"])
        if db.session.scalar(select(Lead.id).where(Lead.reference == reference)) is not None:
            continue
        received = now - timedelta(days=data["received_days_ago"], hours=2)
        stage = stages[data["stage"]]
        lead = Lead(
            reference=reference, kind=data["kind"], source=data["source"], stage=stage, probability=stage.probability,
            status=LeadStatus.WON if stage.is_won else LeadStatus.LOST if stage.is_lost else LeadStatus.OPEN,
            name=data["name"], company=data["company"], job_title=data.get("job_title", ""), country=data["country"],
            email=data["email"], email_normalized=data["email"].lower(), phone=data.get("phone", ""),
            preferred_language=data["preferred_language"], message=data["message"],
            estimated_investment_usd=data.get("estimated_investment_usd"), land_need_ha=data.get("land_need_ha"),
            timeline=data.get("timeline"), referrer=referrers.get(data.get("referrer") or ""),
            owner=users.get(data.get("owner") or ""), created_at=received, last_message_at=received,
            first_response_due=working_hours_after(received, current_app.config["FIRST_RESPONSE_HOURS"]),
            registered_capital_usd=data.get("registered_capital_usd"), expected_jobs=data.get("expected_jobs"),
            lost_reason=reasons.get(data.get("lost_reason") or ""), lost_comment=data.get("lost_comment", ""),
        )
        if data.get("answered_after_hours") is not None:
            lead.first_responded_at = received + timedelta(hours=data["answered_after_hours"])
        if data.get("visit_in_days") is not None:
            lead.visit_from = today + timedelta(days=data["visit_in_days"])
            lead.visit_to = lead.visit_from + timedelta(days=1)
        if data.get("certificate_days_ago") is not None:
            lead.certificate_date = today - timedelta(days=data["certificate_days_ago"])
        lead.sectors = [sectors[code] for code in data.get("sectors", [])]
        lead.projects = [projects[slug] for slug in data.get("projects", []) if slug in projects]
        lead.parks = [parks[slug] for slug in data.get("parks", []) if slug in parks]
        lead.tags = tags_named(data.get("tags", []))
        lead.priority_score = priority_score(lead)
        if data["source"] not in ("event", "manual"):
            lead.consents.append(Consent(subject="lead", email=lead.email, given_at=received,
                                         purposes="answer_request", notice_version=NOTICE_VERSION,
                                         language=lead.preferred_language, ip_address=""))
        path = order[: order.index(stage.code) + 1] if stage.is_open else order[:3] + [stage.code]
        for step, code in enumerate(path):
            moment = received + (now - received) * step / max(len(path), 1)
            db.session.add(StageChange(lead=lead, from_stage_id=stages[path[step - 1]].id if step else None,
                                       to_stage_id=stages[code].id, changed_at=moment))
        for entry in data.get("activities", []):
            lead.activities.append(Activity(kind=entry["kind"], body=entry["body"], user=users.get(entry.get("by")),
                                            created_at=now - timedelta(days=entry["days_ago"], hours=1)))
        for entry in data.get("tasks", []):
            lead.tasks.append(Task(title=entry["title"], due_date=today + timedelta(days=entry["due_in_days"]),
                                   assignee=users[entry["for"]], done_at=now if entry.get("done") else None))
        db.session.add(lead)
        added += 1
    db.session.flush()
    return added


def load_demo_companies(users: dict[str, User]) -> int:
    """A dozen investor companies already here, in every aftercare situation: visited on rhythm,
    overdue, an incentive or a land lease ending soon, made from the registered demo leads, one
    with an expansion lead and a referral. Dates count back from today; loading twice adds nothing."""
    from portal.leads.companies.operations import refresh_visit_due
    from portal.leads.models import Company, CompanyContact, CompanyLead, RegisteredProject, Visit
    from portal.leads.rules.matching import company_key

    now = clock.now()
    today = now.astimezone(VIETNAM).date()
    sectors = {sector.code: sector for sector in db.session.scalars(select(Sector))}
    parks = {park.slug: park for park in db.session.scalars(select(IndustrialPark))}
    referrers = {referrer.code: referrer for referrer in db.session.scalars(select(Referrer))}

    def days(offset):
        return None if offset is None else today + timedelta(days=offset)

    added = 0
    for data in _read("companies.json"):
        if db.session.scalar(select(Company.id).where(Company.name_key == company_key(data["name_latin"]))):
            continue
        company = Company(name=data["name"], name_latin=data["name_latin"], country=data["country"],
                          sector=sectors[data["sector"]], parent_group=data["parent_group"],
                          owner=users.get(data["owner"] or ""), visit_every_months=data.get("visit_every_months"),
                          referrer=referrers.get(data.get("referrer") or ""),
                          created_at=now - timedelta(days=data["created_days_ago"]))
        lead = db.session.scalars(select(Lead).where(Lead.reference == _demo_reference(data["from_lead"]))).first() \
            if data.get("from_lead") else None
        if lead is not None:
            company.lead_links.append(CompanyLead(lead=lead, relation="registered"))
            company.projects.append(RegisteredProject(
                name=lead.company, park=lead.parks[0] if lead.parks else None,
                registered_capital_usd=lead.registered_capital_usd, jobs=lead.expected_jobs,
                certificate_date=lead.certificate_date, lead_id=lead.id))
            company.contacts.append(CompanyContact(name=lead.name, role=lead.job_title, language=lead.preferred_language,
                                                   email=lead.email, phone=lead.phone))
        for key in data.get("expansion_leads", []):
            expansion = db.session.scalars(select(Lead).where(Lead.reference == _demo_reference(key))).first()
            if expansion is not None:
                company.lead_links.append(CompanyLead(lead=expansion, relation="expansion"))
        for item in data["projects"]:
            company.projects.append(RegisteredProject(
                name=item["name"], park=parks.get(item["park"]), registered_capital_usd=item["registered_capital_usd"],
                jobs=item["jobs"], certificate_number=item["certificate_number"],
                certificate_date=days(-item["certificate_days_ago"]), incentive_ends_on=days(item["incentive_in_days"]),
                land_lease_ends_on=days(item["lease_in_days"])))
        for item in data["contacts"]:
            company.contacts.append(CompanyContact(**item))
        visits = [(Visit(visited_on=days(-item["days_ago"]), kind=item["kind"], attendees=item["attendees"],
                         summary=item["summary"], user=users.get(item["by"])), item) for item in data["visits"]]
        company.visits.extend(visit for visit, _ in visits)
        company.last_contact_on = max((visit.visited_on for visit in company.visits), default=None)
        db.session.add(company)
        db.session.flush()
        for visit, item in visits:
            for entry in item["tasks"]:
                # Due on a working day, as staff must choose; done ones were done on their due day
                due = working_days_after(days(entry["due_in_days"]) - timedelta(days=1), 1)
                done_at = None
                if entry.get("done"):
                    done_at = min(now, datetime.combine(due, time(10), VIETNAM).astimezone(timezone.utc))
                company.tasks.append(Task(visit_id=visit.id, title=entry["title"], due_date=due,
                                          assignee=users[entry["for"]], created_by_id=visit.user_id,
                                          done_at=done_at))
        refresh_visit_due(company)
        added += 1
    db.session.flush()
    return added


def load_demo_issues(users: dict[str, User]) -> int:
    """Investors' issues in every state for the demo companies (one overdue, one resolved, ...), and
    the yearly meeting with the FDI enterprises with who came. Loading twice adds nothing."""
    from portal.leads.companies.issues.operations import new_issue_reference
    from portal.leads.models import Company, Event, EventCompany, Issue, IssueNote

    data = _read("aftercare_issues.json")
    now = clock.now()
    today = now.astimezone(VIETNAM).date()
    companies = {company.name_latin: company for company in db.session.scalars(select(Company))}
    meeting_data = data["meeting"]
    meeting = db.session.scalars(select(Event).where(Event.name == meeting_data["name"])).first()
    if meeting is None:
        meeting = Event(name=meeting_data["name"], kind="fdi_meeting", place=meeting_data["place"], country="VN",
                        starts_on=today - timedelta(days=meeting_data["days_ago"]))
        db.session.add(meeting)
        db.session.flush()
        for name in meeting_data["invited"]:
            if name in companies:
                db.session.add(EventCompany(event_id=meeting.id, company_id=companies[name].id,
                                            attended=name in meeting_data["attended"]))
    added = 0
    for item in data["issues"]:
        company = companies.get(item["company"])
        if company is None or db.session.scalar(select(Issue.id).where(Issue.company_id == company.id,
                                                                       Issue.subject == item["subject"])):
            continue
        contact = company.contacts[0] if company.contacts else None
        raised = today - timedelta(days=item["raised_days_ago"])
        issue = Issue(reference=new_issue_reference(), company=company, contact=contact, source=item["source"],
                      event_id=meeting.id if item["source"] == "event" else None, category=item["category"],
                      agency=item["agency"], subject=item["subject"], description=item["description"],
                      status=item["status"], owner=users.get(item["by"]), raised_on=raised,
                      due_on=today + timedelta(days=item["due_in_days"]),
                      resolved_on=today - timedelta(days=item["resolved_days_ago"]) if "resolved_days_ago" in item
                      else None, language=contact.language if contact else "en",
                      raised_by_company=company.name_latin or company.name)
        issue.notes.append(IssueNote(at=now - timedelta(days=item["raised_days_ago"]), status_to="open"))
        for note in item["notes"]:
            issue.notes.append(IssueNote(at=now - timedelta(days=note["days_ago"]), user=users.get(item["by"]),
                                         status_to=note["status"], body=note["text"]))
        db.session.add(issue)
        added += 1
    db.session.flush()
    return added


@click.command("demo-data")
@click.option("--if-empty", is_flag=True, help="Only load when the catalogue has no project yet (first start).")
@with_appcontext
def demo_data_command(if_empty: bool) -> None:
    """Load the demo catalogue of the Binh Duong industrial area (safe to run twice)."""
    if if_empty and db.session.scalar(select(func.count()).select_from(InvestmentProject)):
        click.echo("The catalogue already has projects: demo data left alone.")
        return
    counts = load_demo_catalogue()
    click.echo("Demo catalogue loaded: " + ", ".join(f"{n} {what}" for what, n in counts.items()))
    if current_app.config["ENV_NAME"] != "production":
        users = load_demo_staff()
        click.echo(f"Demo pipeline: {load_demo_pipeline(users)} leads added.")
        click.echo(f"Demo companies (aftercare): {load_demo_companies(users)} added.")
        click.echo(f"Demo investors' issues: {load_demo_issues(users)} added, and the yearly FDI enterprise meeting.")
        click.echo(f"Demo staff: log in at /staff/login as {DEMO_STAFF['admin'][0]} (or manager@demo.example, "
                   f"officer.ko@demo.example ...) with the password {DEMO_PASSWORD!r}, then the code of "
                   f"`flask --app app demo-code` (or add the key {DEMO_TOTP_SECRET} to an authenticator app).")
    db.session.commit()


@click.command("demo-code")
@with_appcontext
def demo_code_command() -> None:
    """Print the demo team's current sign-in code (the second step), for development only."""
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("there is no demo team in production")
    totp = pyotp.TOTP(DEMO_TOTP_SECRET)
    click.echo(f"{totp.now()}  (valid about {30 - int(clock.now().timestamp()) % 30} more seconds; "
               f"the key is {DEMO_TOTP_SECRET})")
