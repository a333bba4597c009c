"""How fast the busiest staff pages are with 100,000 leads: fills a fresh database, then requests
each page repeatedly through the test client, signed in as a manager, and prints p50 / p95.

    .venv/bin/python benchmarks/staff_pages.py                                    # SQLite file
    .venv/bin/python benchmarks/staff_pages.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
    .venv/bin/python benchmarks/staff_pages.py --leads 20000 --repeat 10

On PostgreSQL it creates a database of its own on that server (``portal_bench_<random>``) and
drops it at the end. The leads get stages and stage histories, owners, countries, sectors,
companies with Vietnamese, Korean and Japanese names, messages, activities and tasks (open and
done, with due dates), written with bulk ``insert()`` after the migrations ran, so the triggers
and indexes of the schema are what the pages use. A benchmark, not a test: it asserts only that
each page answers 200.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from reports_benchmark import NOW, CpuClock, build_app, in_batches, lead_history, temporary_database  # noqa: E402
from sqlalchemy import insert, select, text, update  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

COUNTRIES = ["KR", "JP", "SG", "CN", "TW", "US", "DE", "VN", "TH", "IN", "FR", "AU"]
LANGUAGES = ["ko", "ja", "en", "vi"]
SOURCES = ["website", "website", "website", "referral_link", "referral_form", "event", "manual"]
FIRST = ["Hanbit", "Sakura", "Lion", "Golden", "Mekong", "Bình Dương", "Đồng Nai", "Saigon", "Daewoo", "Nippon",
         "Pacific", "Evergreen", "Samil", "Tân Phú", "Hòa Bình", "Kyoto", "Busan", "Orient", "Việt Á", "Rhine"]
SECOND = ["Electronics", "Precision", "Logistics", "Textiles", "Chemicals", "Foods", "Semiconductor", "Steel",
          "Furniture", "Pharma", "Solar", "Packaging", "Auto Parts", "Plastics", "Machinery", "Garments"]
PEOPLE = ["Kim Min-jun", "Lee Seo-yeon", "Park Ji-ho", "Tanaka Hiroshi", "Suzuki Yuki", "Nguyễn Văn An",
          "Trần Thị Bình", "Lê Hoàng Anh", "John Smith", "Anna Müller", "Wei Zhang", "Chen Li", "김민준", "田中浩"]
MESSAGES = ["We look for 20 ha of land near the port for a new factory.",
            "Please send the lease price of ready-built factories.",
            "Chúng tôi cần thuê nhà xưởng xây sẵn tại khu công nghiệp.",
            "공장 부지를 찾고 있습니다. 항구와 가까운 곳이면 좋겠습니다.",
            "工場用地を探しています。港に近い場所が希望です。",
            "Interested in a joint venture for cold chain warehouses."]
#: What officers type into the list's search box.
SEARCH_TERMS = ["hanbit", "binh duong", "precision logistics", "investor4242", "Đồng Nai"]


def generate(count: int, seed: int = 11) -> str:
    """``count`` leads with their tasks, activities and stage history; returns the manager's e-mail."""
    from portal.auth.models import User
    from portal.extensions import db
    from portal.leads.models import Activity, Lead, LostReason, Stage, StageChange, Task, lead_sectors
    from portal.leads.rules.matching import company_key
    from portal.projects.models import Sector
    from tests.staff import PASSWORD, TOTP_SECRET

    chance = random.Random(seed)
    manager = User(email="manager@bench.example", name="Bench Manager", role="manager", language="en",
                   totp_secret=TOTP_SECRET)
    manager.set_password(PASSWORD)
    officers = [User(email=f"officer{n}@bench.example", name=f"Officer {n}", role="officer", language="en")
                for n in range(12)]
    for officer in officers:
        officer.set_password(PASSWORD)
    sectors = [Sector(code=f"sector-{n}", name_vi=f"Ngành {n}", name_en=f"Sector {n}", name_ko=f"업종 {n}",
                      name_ja=f"業種 {n}", position=n) for n in range(12)]
    db.session.add_all([manager, *officers, *sectors])
    db.session.commit()
    stages = list(db.session.scalars(select(Stage).order_by(Stage.position)))
    open_stages = [stage for stage in stages if stage.is_open]
    won = next(stage for stage in stages if stage.is_won)
    lost = next(stage for stage in stages if stage.is_lost)
    reasons = list(db.session.scalars(select(LostReason.id)))
    staff_ids = [officer.id for officer in officers]
    fills_search = hasattr(Lead, "search_public")

    leads, changes, interests, tasks, activities = [], [], [], [], []
    for number in range(1, count + 1):
        received, ending, path = lead_history(chance, number, open_stages, won, lost, changes)
        answered = received + timedelta(hours=chance.expovariate(1 / 12)) if chance.random() < 0.92 else None
        source = chance.choice(SOURCES)
        company = f"{chance.choice(FIRST)} {chance.choice(SECOND)} {number}"
        owner = chance.choice(staff_ids) if chance.random() < 0.9 else None
        email = f"investor{number}@bench.example"
        row = {
            "id": number, "reference": f"IP-B-{number:07d}", "kind": "inquiry", "status": ending,
            "stage_id": path[-1][0].id, "name": chance.choice(PEOPLE), "company": company,
            "job_title": "Director", "country": chance.choice(COUNTRIES), "email": email,
            "email_normalized": email, "phone": f"+82 10 {number:08d}", "email_domain": "bench.example",
            "phone_digits": f"10{number:08d}"[-9:], "company_key": company_key(company)[:200],
            "preferred_language": chance.choice(LANGUAGES), "message": chance.choice(MESSAGES), "source": source,
            "landing_page": "", "introducer_name": "", "introducer_organisation": "", "introducer_email": "",
            "introducer_relationship": "", "introducer_language": "", "created_at": received,
            "updated_at": received, "last_message_at": received, "referrer_id": None, "event_id": None,
            "owner_id": owner, "priority_score": chance.randint(0, 100), "probability": path[-1][0].probability,
            "estimated_investment_usd": chance.randint(1, 300) * 1_000_000 if chance.random() < 0.7 else None,
            "last_open_stage_id": path[-2][0].id if ending != "open" else None,
            "first_response_due": received + timedelta(hours=24), "first_responded_at": answered,
            "lost_reason_id": chance.choice(reasons) if ending == "lost" else None, "lost_comment": "",
            "registered_capital_usd": chance.randint(1, 200) * 1_000_000 if ending == "won" else None,
        }
        open_dues = []
        for _ in range(chance.choice([0, 0, 1, 1, 2, 3])):
            due = (received + timedelta(days=chance.randint(1, 60))).date()
            done = ending != "open" or chance.random() < 0.6
            tasks.append({"lead_id": number, "title": "Send the land price list", "due_date": due,
                          "assignee_id": owner or staff_ids[0], "created_by_id": owner, "created_at": received,
                          "done_at": received + timedelta(days=1) if done else None})
            if not done:
                open_dues.append(due)
        if hasattr(Lead, "next_due"):
            row["next_due"] = min(open_dues, default=None)
        if fills_search:
            from portal.leads.rules.matching import search_texts

            row["search_public"], row["search_contact"] = search_texts(
                company, row["reference"], row["name"], email, row["message"], row["phone"])
        leads.append(row)
        activities.append({"lead_id": number, "kind": "message", "submission_kind": "inquiry",
                           "body": row["message"], "created_at": received, "user_id": None, "details": {}})
        for _ in range(chance.choice([0, 1, 2, 3])):
            activities.append({"lead_id": number, "kind": chance.choice(["note", "call", "email"]),
                               "submission_kind": None, "body": "Called, will send the brochure.",
                               "created_at": received + timedelta(days=2), "user_id": owner, "details": {}})
        for sector in chance.sample(sectors, chance.choice([1, 1, 1, 2])):
            interests.append({"lead_id": number, "sector_id": sector.id})
    for table, rows in ((Lead.__table__, leads), (StageChange.__table__, changes), (lead_sectors, interests),
                        (Task.__table__, tasks), (Activity.__table__, activities)):
        for batch in in_batches(rows):
            db.session.execute(insert(table), batch)
    # Bypassed by bulk inserts: each lead's reporting facts, the copies of its columns on its stage
    # changes and sectors, and when each stay ended, filled as ``flask reports refresh`` does
    from portal.leads.models import report_facts
    from portal.leads.models.upkeep import stay_values

    db.session.execute(update(StageChange).values(**stay_values()))
    report_facts.refresh(db.session.connection())
    report_facts.refresh_copies(db.session.connection())
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT setval(pg_get_serial_sequence('leads', 'id'), (SELECT max(id) FROM leads))"))
        db.session.commit()
    if db.engine.dialect.name == "postgresql":  # what autovacuum does in production: index-only scans
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    print(f"  {len(leads):,} leads ({sum(1 for lead in leads if lead['status'] == 'open'):,} open), "
          f"{len(tasks):,} tasks ({sum(1 for task in tasks if task['done_at'] is None):,} open), "
          f"{len(activities):,} activities, {len(changes):,} stage changes")
    return manager


def percentiles(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def measure(client, address: str, repeat: int, cpu_clock, before=None) -> tuple[float, float, float, float, int]:
    """(p50 ms, p95 ms, CPU p50 ms, CPU p95 ms, response bytes) of ``repeat`` requests after one
    warm-up; ``before()``, untimed, before each. CPU time (``CpuClock``: this process and, on
    PostgreSQL, the server's) is what compares on a shared, loaded machine."""
    response = client.get(address)
    assert response.status_code == 200, (address, response.status_code)
    size = len(response.data)
    times, cpu = [], []
    for _ in range(repeat):
        if before:
            before()
        start, start_cpu = time.perf_counter(), cpu_clock()
        response = client.get(address)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((cpu_clock() - start_cpu) * 1000)
        assert response.status_code == 200, (address, response.status_code)
    return *percentiles(times), *percentiles(cpu), size


def log_a_call() -> None:
    """A change that moves report figures, committed as the portal does: the first view after it
    is "cold" (the reports' kept figures are computed again)."""
    from portal.extensions import db
    from portal.leads.models import Activity

    db.session.add(Activity(lead_id=1, kind="call", body="Called back.", user_id=None, details={}))
    db.session.commit()
    db.session.remove()


def move_a_lead() -> None:
    """A change that moves most figures: an open lead moved to the next open stage (back, the time
    after), as an officer does on the board. The first view after it computes again the passes
    over the leads and the time in each stage (not the answers to replies)."""
    from portal.auth.models import User
    from portal.extensions import db
    from portal.leads import operations
    from portal.leads.models import Lead, LeadStatus, Stage

    lead = db.session.scalars(select(Lead).where(Lead.status == LeadStatus.OPEN).order_by(Lead.id).limit(1)).one()
    open_stages = [stage for stage in db.session.scalars(select(Stage).order_by(Stage.position)) if stage.is_open]
    first, second = open_stages[:2]
    manager = db.session.scalars(select(User).where(User.role == "manager").limit(1)).one()
    operations.move_to_stage(lead, second if lead.stage_id == first.id else first, manager)
    db.session.commit()
    db.session.remove()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None,
                        help="a PostgreSQL server URL (a database is created on it and dropped); SQLite if left out")
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--only", default="", help="only the pages whose title contains this, e.g. reports")
    options = parser.parse_args()
    server = options.database_url if options.database_url and options.database_url.startswith("postgresql") else None

    with temporary_database(server) as (url, folder):
        cpu_clock = CpuClock(url)
        app = build_app(url, folder)
        from flask_migrate import upgrade

        from portal.extensions import db
        from tests.staff import log_in

        print(f"Database: {make_url(url).get_backend_name()}, {options.leads:,} leads")
        with app.app_context():
            upgrade()
            start = time.perf_counter()
            manager = generate(options.leads)
            print(f"  generated in {time.perf_counter() - start:.1f} s\n")
            client = app.test_client()
            response = log_in(client, manager)
            assert response.status_code == 302, response.status_code
            pages = [("list sorted by next step", "/staff/leads?sort=next_step", None)]
            pages += [(f"list search: {term}", f"/staff/leads?q={term.replace(' ', '+')}", None)
                      for term in SEARCH_TERMS]
            pages += [("list search, page 3", "/staff/leads?q=precision&page=3", None),
                      ("board", "/staff/leads/board", None),
                      ("reports, default period", "/staff/reports", None),
                      ("reports, cold (after a change)", "/staff/reports", log_a_call),
                      ("reports, cold (a lead moved)", "/staff/reports", move_a_lead)]
            print(f"Pages (test client, manager), {options.repeat} requests each;"
                  f" load average {' '.join(f'{load:.2f}' for load in os.getloadavg())}")
            print(f"  {'page':<32} {'p50 ms':>9} {'p95 ms':>9} {'CPU p50':>9} {'CPU p95':>9} {'KB':>7}")
            for title, address, before in pages:
                if options.only and options.only not in title:
                    continue
                p50, p95, cpu50, cpu95, size = measure(client, address, options.repeat, cpu_clock, before)
                print(f"  {title:<32} {p50:9.1f} {p95:9.1f} {cpu50:9.1f} {cpu95:9.1f} {size / 1024:7.0f}")
                db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
