"""How fast the staff reports are with 100,000 leads: generates them, then times each report
query and the whole page (``/staff/reports`` through the test client, as a logged-in manager).

    .venv/bin/python benchmarks/reports_benchmark.py                 # SQLite, in a temporary folder
    .venv/bin/python benchmarks/reports_benchmark.py postgresql+psycopg://postgres@127.0.0.1:5432/postgres
    TEST_DATABASE_URL=postgresql+psycopg://... .venv/bin/python benchmarks/reports_benchmark.py
    .venv/bin/python benchmarks/reports_benchmark.py --leads 20000 --repeat 5

On PostgreSQL it creates a database of its own on that server (``portal_bench_<random>``) and drops
it at the end, so the named database is never touched. The leads get stage histories, first
answers, sectors, referrers and events, spread over the last two years; they are written with
bulk ``insert()``. A benchmark, not a test: it prints timings and asserts nothing.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from benchmarks.serve import fresh_database  # noqa: E402

NOW = datetime.now(timezone.utc).replace(microsecond=0)
COUNTRIES = ["KR", "JP", "SG", "CN", "TW", "US", "DE", "VN", "TH", "IN", "FR", "AU"]
LANGUAGES = ["ko", "ja", "en", "vi"]
SOURCES = ["website", "website", "website", "referral_link", "referral_form", "event", "manual"]


@contextmanager
def temporary_database(server: str | None):
    """A SQLite file in a temporary folder, or a database of our own on a PostgreSQL server, and the folder."""
    with tempfile.TemporaryDirectory() as folder, fresh_database(server, folder) as url:
        yield url, folder


def build_app(url: str, folder: str):
    """The portal as tests run it, with CSRF on (the sign-in form needs its token)."""
    os.environ["PORTAL_INSTANCE_PATH"] = str(Path(folder) / "instance")
    from portal import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "RATELIMIT_ENABLED": False,
                       "SERVER_NAME": None, "MAIL_SEND_AFTER_COMMIT": False})


def in_batches(rows: list[dict], size: int = 10_000):
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def lead_history(chance: random.Random, number: int, open_stages, won, lost, changes: list[dict]):
    """When lead ``number`` came, how it ended (open, won, lost) and its way through the stages,
    whose rows are added to ``changes``."""
    received = NOW - timedelta(days=chance.uniform(0, 730), seconds=chance.randint(0, 86_400))
    furthest = min(int(chance.expovariate(0.6)), len(open_stages) - 1)
    ending = chance.choices(["open", "won", "lost"], [0.6, 0.08, 0.32])[0]
    path, moment = [], received
    for stage in open_stages[: furthest + 1]:
        path.append((stage, moment))
        moment += timedelta(days=chance.uniform(0.5, 25))
    if ending != "open" and moment < NOW:
        path.append((won if ending == "won" else lost, moment))
    else:
        ending = "open"
    previous = None
    # Bulk inserts bypass the session, which keeps ``left_at``: each stay ends at the next change
    for (stage, moment), (_, left_at) in zip(path, [*path[1:], (None, None)]):
        changes.append({"lead_id": number, "from_stage_id": previous, "to_stage_id": stage.id,
                        "changed_at": moment, "left_at": left_at})
        previous = stage.id
    return received, ending, path


def generate(count: int, seed: int = 7) -> str:
    """``count`` leads with everything the reports read; returns the manager's e-mail."""
    from portal.auth.models import User
    from portal.extensions import db
    from portal.leads.models import Event, Lead, LostReason, Referrer, Stage, StageChange, lead_sectors
    from portal.projects.models import Sector

    chance = random.Random(seed)
    from tests.staff import PASSWORD, TOTP_SECRET

    manager = User(email="manager@bench.example", name="Bench Manager", role="manager", language="en",
                   totp_secret=TOTP_SECRET)
    manager.set_password(PASSWORD)
    officers = [User(email=f"officer{n}@bench.example", name=f"Officer {n}", role="officer", language="en")
                for n in range(8)]
    for officer in officers:
        officer.set_password(PASSWORD)
    sectors = [Sector(code=f"sector-{n}", name_vi=f"Ngành {n}", name_en=f"Sector {n}", name_ko=f"업종 {n}",
                      name_ja=f"業種 {n}", position=n) for n in range(12)]
    referrers = [Referrer(code=f"ref-{n}", kind="existing_investor", name=f"Referrer {n}") for n in range(60)]
    events = [Event(name=f"Event {n}", kind="forum", starts_on=date(2025, 1, 1) + timedelta(days=n * 20))
              for n in range(30)]
    db.session.add_all([manager, *officers, *sectors, *referrers, *events])
    db.session.commit()
    stages = list(db.session.scalars(select(Stage).order_by(Stage.position)))
    open_stages = [stage for stage in stages if stage.is_open]
    won = next(stage for stage in stages if stage.is_won)
    lost = next(stage for stage in stages if stage.is_lost)
    reasons = list(db.session.scalars(select(LostReason.id)))

    leads, changes, interests = [], [], []
    for number in range(1, count + 1):
        received, ending, path = lead_history(chance, number, open_stages, won, lost, changes)
        answered = received + timedelta(hours=chance.expovariate(1 / 12)) if chance.random() < 0.92 else None
        source = chance.choice(SOURCES)
        leads.append({
            "id": number, "reference": f"IP-B-{number:07d}", "kind": "inquiry", "status": ending,
            "stage_id": path[-1][0].id, "name": f"Investor {number}", "company": f"Company {number}",
            "job_title": "", "country": chance.choice(COUNTRIES), "email": f"investor{number}@bench.example",
            "email_normalized": f"investor{number}@bench.example", "phone": "", "email_domain": "",
            "phone_digits": "", "company_key": "", "preferred_language": chance.choice(LANGUAGES),
            "message": "", "source": source, "landing_page": "", "introducer_name": "",
            "introducer_organisation": "", "introducer_email": "", "introducer_relationship": "",
            "introducer_language": "", "created_at": received, "updated_at": received, "last_message_at": received,
            "referrer_id": chance.choice(referrers).id if source.startswith("referral") else None,
            "event_id": chance.choice(events).id if source == "event" else None,
            "owner_id": chance.choice(officers).id if chance.random() < 0.9 else None,
            "priority_score": 0, "probability": path[-1][0].probability,
            "last_open_stage_id": path[-2][0].id if ending != "open" else None,
            "first_response_due": received + timedelta(hours=24), "first_responded_at": answered,
            "lost_reason_id": chance.choice(reasons) if ending == "lost" else None, "lost_comment": "",
            "registered_capital_usd": chance.randint(1, 200) * 1_000_000 if ending == "won" else None,
        })
        for sector in chance.sample(sectors, chance.choice([1, 1, 1, 2])):
            interests.append({"lead_id": number, "sector_id": sector.id})
    for table, rows in ((Lead.__table__, leads), (StageChange.__table__, changes), (lead_sectors, interests)):
        for batch in in_batches(rows):
            db.session.execute(insert(table), batch)
    # Bulk inserts bypass the session, which keeps each lead's reporting facts and the copies of its
    # columns on its stage changes and sectors: fill them as the migrations (and ``flask reports
    # refresh``) do for existing leads
    from portal.leads.models import report_facts

    report_facts.refresh(db.session.connection())
    report_facts.refresh_copies(db.session.connection())
    db.session.commit()
    if db.engine.dialect.name == "postgresql":  # what autovacuum does in production: index-only scans
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    print(f"  {len(leads):,} leads, {len(changes):,} stage changes, {len(interests):,} sector interests")
    return manager.email


class CpuClock:
    """CPU seconds spent on a request: this process's, plus, on a PostgreSQL server on this
    machine, those of the server processes connected to the benchmark's database (read from
    /proc). On a shared, loaded machine CPU time is what compares; wall-clock time is mostly waiting."""

    def __init__(self, url: str):
        self.server = None
        if make_url(url).get_backend_name() == "postgresql" and Path("/proc/self/stat").exists():
            from sqlalchemy import create_engine

            # Asked from another database, so that asking costs the measured backends nothing
            self.database = make_url(url).database
            self.server = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")

    def _backends(self) -> float:
        with self.server.connect() as conn:
            pids = conn.scalars(text("SELECT pid FROM pg_stat_activity WHERE datname = :name"),
                                {"name": self.database}).all()
        ticks = 0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:  # not on this machine, or gone
                continue
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def __call__(self) -> float:
        return time.process_time() + (self._backends() if self.server is not None else 0)


#: Set by ``main`` once the database is known.
cpu_clock = time.process_time


def timed(action, repeat: int, p95: bool = False) -> tuple[float, ...]:
    """(median, best, median CPU time) in milliseconds; (median, 95th percentile, best, median CPU)
    if asked. CPU time (``CpuClock``: this process and, on PostgreSQL, the server's) is what
    compares on a shared, loaded machine. The server's CPU is counted in clock ticks (10 ms)."""
    times, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), cpu_clock()
        action()
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((cpu_clock() - start_cpu) * 1000)
    if p95:
        ranked = sorted(times)
        return (statistics.median(times), ranked[min(len(ranked) - 1, round(0.95 * (len(ranked) - 1)))], min(times),
                statistics.median(cpu))
    return statistics.median(times), min(times), statistics.median(cpu)


def report_queries(filters, repeat: int) -> list[tuple[str, float, float]]:
    from portal.extensions import db
    from portal.leads.reports import queries as reports

    def fresh(query):
        def run():
            query()
            db.session.expire_all()
        return run

    timings = [("totals", *timed(fresh(lambda: reports.totals(filters)), repeat)),
               ("funnel", *timed(fresh(lambda: reports.funnel(filters)), repeat))]
    for by in reports.BREAKDOWNS:
        timings.append((f"breakdown: {by}", *timed(fresh(lambda: reports.breakdown(filters, by)), repeat)))
    for name, query in (("response, all leads", reports.response_overall),
                        ("response per officer", reports.response_by_officer),
                        ("response per month", reports.response_by_month),
                        ("time in each stage", reports.time_in_stages),
                        ("referral leaderboard", reports.referral_leaderboard),
                        ("lost reasons", reports.lost_reasons)):
        timings.append((name, *timed(fresh(lambda: query(filters)), repeat)))
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database", nargs="?", default=os.environ.get("TEST_DATABASE_URL") or None,
                        help="a PostgreSQL server URL; SQLite when left out")
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    server = options.database if options.database and options.database.startswith("postgresql") else None

    with temporary_database(server) as (url, folder):
        global cpu_clock
        cpu_clock = CpuClock(url)
        app = build_app(url, folder)
        from flask_migrate import upgrade

        from portal.leads.reports.queries import ReportFilters, default_period

        print(f"Database: {make_url(url).get_backend_name()}")
        from portal.extensions import db

        with app.app_context():
            upgrade()
            start = time.perf_counter()
            manager_email = generate(options.leads)
            print(f"  generated in {time.perf_counter() - start:.1f} s")
            print()
            start_day, end_day = default_period(NOW.date())
            last_month_end = NOW.date().replace(day=1) - timedelta(days=1)
            scenarios = (("last twelve months (the default)", ReportFilters(start_day, end_day)),
                         ("every lead", ReportFilters()),
                         ("last month", ReportFilters(last_month_end.replace(day=1), last_month_end)),
                         ("one country and source", ReportFilters(start_day, end_day, country="KR",
                                                                   source="website")))
            for title, filters in scenarios:
                print(f"Report queries, {title}: median / best / median CPU of {options.repeat}, ms")
                timings = report_queries(filters, options.repeat)
                for name, median, best, cpu in timings:
                    print(f"  {name:<28} {median:9.1f} {best:9.1f} {cpu:9.1f}")
                print(f"  {'all of them':<28} {sum(t[1] for t in timings):9.1f} {sum(t[2] for t in timings):9.1f}"
                      f" {sum(t[3] for t in timings):9.1f}\n")

        client = app.test_client()
        with app.app_context():  # both sign-in steps: the password, then the authenticator's code
            from portal.auth.models import User
            from tests.staff import log_in

            signed_in = log_in(client, db.session.scalar(select(User).where(User.email == manager_email)))
            assert signed_in.status_code == 302, signed_in.status_code
        print(f"Load average: {' '.join(f'{load:.2f}' for load in os.getloadavg())}")
        print(f"Pages (test client, logged-in manager): p50 / p95 / best / median CPU of {options.repeat}, ms")
        month = f"from={last_month_end.replace(day=1).isoformat()}&to={last_month_end.isoformat()}"
        for address in ("/staff/reports", "/staff/reports?from=&to=", f"/staff/reports?{month}",
                        "/staff/reports?country=KR&source=website", "/staff/reports/funnel.csv",
                        "/staff/reports/response-officers.csv"):
            def fetch(address=address):
                response = client.get(address)
                assert response.status_code == 200, (address, response.status_code)
            median, p95, best, cpu = timed(fetch, options.repeat, p95=True)
            print(f"  {address:<56} {median:9.1f} {p95:9.1f} {best:9.1f} {cpu:9.1f}")
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
