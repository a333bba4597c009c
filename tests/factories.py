"""Small builders for test data: every test arranges exactly what it needs."""
from __future__ import annotations

import itertools
from decimal import Decimal

from portal.extensions import db
from portal.projects.models import IndustrialPark, InvestmentProject, Location, ParkText, ProjectText, Sector
from portal.public.models import KeyFigure

_numbers = itertools.count(1)


def sector(code: str | None = None, **names) -> Sector:
    code = code or f"sector_{next(_numbers)}"
    item = Sector(code=code, priority=True, position=next(_numbers))
    for lang in ("vi", "en", "ko", "ja"):
        setattr(item, f"name_{lang}", names.get(lang, f"{code} ({lang})"))
    db.session.add(item)
    return item


def location(code: str | None = None, **names) -> Location:
    code = code or f"location_{next(_numbers)}"
    item = Location(code=code, position=next(_numbers))
    for lang in ("vi", "en", "ko", "ja"):
        setattr(item, f"name_{lang}", names.get(lang, f"{code} ({lang})"))
    db.session.add(item)
    return item


def park(slug: str | None = None, *, texts: dict | None = None, where: Location | None = None,
         sectors: list[Sector] = (), **fields) -> IndustrialPark:
    slug = slug or f"park-{next(_numbers)}"
    values = dict(
        developer="Becamex IDC", total_area_ha=Decimal("500"), available_area_ha=Decimal("20"),
        occupancy_pct=Decimal("95"), land_rent_min_usd_m2=Decimal("120"), land_rent_max_usd_m2=Decimal("150"),
        factory_rent_min_usd_m2_month=Decimal("4.2"), factory_rent_max_usd_m2_month=Decimal("5"),
        hcmc_centre_distance_km=Decimal("30"),
    )
    values.update(fields)
    item = IndustrialPark(slug=slug, location=where or location(), **values)
    item.target_sectors = list(sectors)
    for lang, name in (texts or {"en": f"Park {slug}", "vi": f"KCN {slug}"}).items():
        item.texts[lang] = ParkText(lang=lang, name=name, summary=f"{name} summary", description=f"{name} description")
    db.session.add(item)
    return item


def project(slug: str | None = None, *, texts: dict | None = None, of: Sector | None = None,
            where: Location | None = None, in_park: IndustrialPark | None = None, **fields) -> InvestmentProject:
    slug = slug or f"project-{next(_numbers)}"
    values = dict(
        total_investment_usd=100_000_000, land_area_ha=Decimal("10"), investment_form="foreign_100", status="open",
    )
    values.update(fields)
    item = InvestmentProject(slug=slug, sector=of or sector(), location=where or location(), park=in_park, **values)
    for lang, title in (texts or {"en": f"Project {slug}", "vi": f"Dự án {slug}"}).items():
        item.texts[lang] = ProjectText(lang=lang, title=title, summary=f"{title} summary",
                                       description=f"{title} description", incentives="CIT 10% for 15 years")
    db.session.add(item)
    db.session.flush()
    item.refresh_search_text()
    return item


def key_figure(kind: str, value, **fields) -> KeyFigure:
    from datetime import date

    item = KeyFigure(kind=kind, value=Decimal(str(value)), as_of=fields.pop("as_of", date(2024, 12, 31)),
                     source=fields.pop("source", "Test source"), **fields)
    db.session.add(item)
    return item


def referrer(code: str = "daejeon", *, name: str = "Daejeon City", kind: str = "sister_city", **fields):
    """A referrer with a personal link code (``/r/<code>``)."""
    from portal.leads.models import Referrer

    item = Referrer(code=code, kind=kind, name=name, **fields)
    db.session.add(item)
    db.session.flush()
    return item


def user(role: str = "officer", email: str | None = None, name: str | None = None, language: str = "en",
         password: str = "correct horse battery", enrolled: bool = True):
    """A staff member; ``enrolled`` ones have the authenticator ``tests.staff.TOTP_SECRET``."""
    from portal.auth.models import User
    from tests.staff import TOTP_SECRET

    number = next(_numbers)
    item = User(email=email or f"staff{number}@centre.example", name=name or f"Officer {number}", role=role,
                language=language, totp_secret=TOTP_SECRET if enrolled else "")
    item.set_password(password)
    db.session.add(item)
    db.session.flush()
    return item


def lead(company: str | None = None, *, stage: str = "new", owner=None, country: str = "KR",
         sectors: list[Sector] = (), received=None, **fields):
    """A lead as the public forms would have stored it, ``received`` at a given time (default now)."""
    from datetime import timezone

    from sqlalchemy import select

    from portal import clock
    from portal.leads.models import Lead, Stage, StageChange
    from portal.leads.rules.deadlines import add_working_hours

    number = next(_numbers)
    received = (received or clock.now()).astimezone(timezone.utc)  # as the portal stores it (SQLite keeps no zone)
    stage_row = db.session.scalars(select(Stage).where(Stage.code == stage)).one()
    values = dict(
        reference=f"IP-26-T{number:05d}", kind="inquiry", source="website", name=f"Investor {number}",
        company=company or f"Company {number}", country=country, email=f"investor{number}@company.example",
        preferred_language="en", message="We look for land.", created_at=received, last_message_at=received,
        first_response_due=add_working_hours(received, 8), probability=stage_row.probability,
    )
    values.update(fields)
    values["email_normalized"] = values["email"].lower()
    item = Lead(stage=stage_row, owner=owner, **values)
    item.sectors = list(sectors)
    if "priority_score" not in fields:
        from portal.leads.rules.priority import priority_score

        item.priority_score = priority_score(item)
    if stage_row.is_won:
        item.status = "won"
    elif stage_row.is_lost:
        item.status = "lost"
    db.session.add(item)
    db.session.add(StageChange(lead=item, to_stage_id=stage_row.id, changed_at=received))
    db.session.flush()
    return item


def company(name: str | None = None, *, owner=None, last_contact_on=None, visit_due_on=None, projects=(),
            **fields):
    """An investor company with its registered projects (dicts of ``RegisteredProject`` columns).
    ``visit_due_on`` is stored as given (the operations would compute it from the rhythm)."""
    from portal.leads.models import Company, RegisteredProject

    item = Company(name=name or f"Company {next(_numbers)}", country=fields.pop("country", "KR"), owner=owner,
                   last_contact_on=last_contact_on, visit_due_on=visit_due_on, **fields)
    item.projects = [RegisteredProject(**project) for project in projects]
    db.session.add(item)
    db.session.flush()
    return item
