"""How many inquiries per second the portal takes under gunicorn, and whether every one was kept.

    .venv/bin/python benchmarks/inquiries.py                      # SQLite, a fresh file in a temporary folder
    .venv/bin/python benchmarks/inquiries.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
    .venv/bin/python benchmarks/inquiries.py --seconds 30 --clients 32 --mail after-commit
    .venv/bin/python benchmarks/inquiries.py --checkout ../portal-24f750e --mail after-commit   # older code
    .venv/bin/python benchmarks/inquiries.py --against ../portal-24f750e --against-mail after-commit --rounds 3

Builds a fresh database (on PostgreSQL one of its own, ``portal_bench_<random>``, dropped at the end:
the named database is never touched), migrates it and loads the demo data, then serves the portal
with ``benchmarks/serve.py`` (gunicorn, 2 sync workers) with the form rate limit and the minimum
filling time lifted. The mail is sent as in production (``--mail worker``): by a ``flask outbox work``
process beside gunicorn, on the same cores, writing the e-mails as files, started with the ``Nice=``
of deploy/systemd/invest-portal-worker.service as systemd starts it (``--worker-nice 0``: at the web's
priority); once the clients stop, it is given up to a minute to send what is left, and the time it
took and the worker's CPU per e-mail are printed; ``--mail after-commit``
sends from the web workers after each commit instead (``MAIL_SEND_AFTER_COMMIT``), ``--mail none``
leaves it in the outbox. Each client is a browser of its own: it opens ``/en/inquire``, keeps the
cookies and hidden fields, and sends an inquiry from a new e-mail address, again and again for the
given time. Before and after, it serves ``benchmarks/hello_app.py`` the same way for reference, and
prints inquiries/s, hello-world requests/s (the mean of the two) and their ratio, and checks the database holds one lead per
successful POST (0 lost) and how many of their e-mails were sent by the end. It also prints the CPU
time each side used per inquiry while the clients ran (gunicorn, PostgreSQL's processes for the run's
database, this client), which moves less from run to run than the rate. A benchmark, not a test: it
prints numbers; it exits 1 when leads were lost.

``--checkout DIR`` serves the portal from another checkout instead, e.g. a git worktree of an older
commit (``git worktree add ../portal-24f750e 24f750e``: the code before issue 13's work), with this
virtualenv, client and settings: the old code and the new measured on the same machine, back to back.
Code from before ``flask outbox work`` needs ``--mail after-commit`` (or ``none``). ``--against DIR``
measures another checkout in turn with this one, ``--rounds`` times (old, new, old, new ...), then
prints each one's inquiries/s and server CPU per inquiry (gunicorn, the database server and the mail
worker, until it had sent all) with their medians, and the ratios of the medians: the machine's speed
drifts between runs, and alternating spreads the drift over both. The ratio to
hello-world depends on the client as much as on the server (this client's hello-world runs were
2,700-5,300 requests/s on a machine where ``wrk`` gets 10,500), so "N times faster" is best read
from two such runs' inquiries/s.
"""
from __future__ import annotations

import argparse
import http.client
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from statistics import median
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from benchmarks.serve import fresh_database, prepare, serve, stop  # noqa: E402
from tests.forms import hidden_fields, inquiry  # noqa: E402

FORM = "/en/inquire"
#: Who sends the e-mails (``--mail``).
MAIL = ["worker", "after-commit", "none"]


class Browser:
    """One visitor: its own cookies; a new connection per request, as gunicorn's sync workers close each."""

    def __init__(self, base_url: str):
        address = urlsplit(base_url)
        self.host, self.port = address.hostname, address.port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            for header in response.headers.get_all("Set-Cookie") or []:
                cookie = SimpleCookie()
                cookie.load(header)
                self.cookies.update({name: morsel.value for name, morsel in cookie.items()})
            return response.status, response.read().decode()
        finally:
            connection.close()


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.outcomes: Counter[str] = Counter()

    def add(self, outcome: str) -> None:
        with self.lock:
            self.outcomes[outcome] += 1


def run_clients(clients: int, seconds: float, work) -> tuple[Tally, float]:
    """``clients`` threads calling ``work(number, tally)`` until the time is up; returns the tally and
    the time they really took (the last request is allowed to finish)."""
    tally = Tally()
    start = threading.Barrier(clients + 1)
    deadline = [0.0]

    def client(number: int) -> None:
        start.wait()
        while time.monotonic() < deadline[0]:
            try:
                work(number, tally)
            except OSError as error:
                tally.add(f"error {type(error).__name__}")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    began = time.monotonic()
    deadline[0] = began + seconds
    start.wait()
    for thread in threads:
        thread.join()
    return tally, time.monotonic() - began


def send_inquiries(base_url: str, run: str):
    def work(number: int, tally: Tally) -> None:
        browser = Browser(base_url)
        status, page = browser.request("GET", FORM)
        if status != 200:
            tally.add(f"GET {status}")
            return
        email = f"bench-{run}-{number}-{secrets.token_hex(4)}@example.com"
        status, _ = browser.request("POST", FORM, {**hidden_fields(page), **inquiry(email=email)})
        tally.add("sent" if status == 302 else f"POST {status}")

    return work


def say_hello(base_url: str):
    def work(number: int, tally: Tally) -> None:
        status, _ = Browser(base_url).request("GET", "/")
        tally.add("ok" if status == 200 else f"GET {status}")

    return work


def hello_rate(args) -> tuple[float, Counter]:
    """Hello-world requests per second, served and loaded the same way as the portal. Measured before
    and after the portal and averaged: the machine's speed drifts between runs (by a fifth here)."""
    with serve("benchmarks.hello_app:app", workers=args.workers, ready_path="/") as base_url:
        hello, took = run_clients(args.clients, args.seconds, say_hello(base_url))
    return hello.outcomes["ok"] / took, hello.outcomes


def kept_and_mailed(database_url: str, run: str) -> tuple[int, int, int]:
    """The run's leads in the database, their e-mails in the outbox, and how many of those were sent."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            leads = conn.scalar(text("SELECT count(*) FROM leads WHERE email_normalized LIKE :pattern"),
                                {"pattern": f"bench-{run}-%"})
            queued, sent = conn.execute(text(
                "SELECT count(*), count(*) FILTER (WHERE outbox.status = 'sent') FROM outbox"
                " JOIN leads ON leads.id = outbox.lead_id WHERE leads.email_normalized LIKE :pattern"),
                {"pattern": f"bench-{run}-%"}).one()
            return leads, queued, sent
    finally:
        engine.dispose()


#: The mail worker's unit: the benchmark starts its worker with the same ``Nice=``.
WORKER_UNIT = ROOT / "deploy/systemd/invest-portal-worker.service"
#: After the clients stop, the longest the worker is given to send what is left.
CATCH_UP_LIMIT = 60.0


def deployed_nice() -> int:
    """The ``Nice=`` systemd starts ``flask outbox work`` with (0 when the unit sets none)."""
    for line in WORKER_UNIT.read_text().splitlines():
        if line.startswith("Nice="):
            return int(line.removeprefix("Nice="))
    return 0


def unsent(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return conn.scalar(text("SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')"))
    finally:
        engine.dispose()


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a running process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_of_processes(marker: str) -> dict[int, float]:
    """CPU seconds so far of each running process whose command line holds ``marker``: gunicorn's
    (its ``--bind`` address) or the database server's for one database (its name, in the title
    PostgreSQL gives each connection's process)."""
    found = {}
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and marker in (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode():
                found[int(entry.name)] = cpu_seconds(int(entry.name))
        except OSError:  # ended meanwhile
            continue
    return found


def server_database(url: str) -> str | None:
    """The database's name when a server on this machine serves it (PostgreSQL), else None (SQLite)."""
    parsed = make_url(url)
    return parsed.database if parsed.get_backend_name() == "postgresql" else None


class CpuWatch:
    """The CPU each side of the run used while the clients ran: gunicorn (master and workers), the
    database server's processes for the run's database (PostgreSQL on this machine), this client."""

    def __init__(self, base_url: str, database: str | None):
        self.markers = {"gunicorn": urlsplit(base_url).netloc, "database server": database}

    def __enter__(self) -> CpuWatch:
        self.before = {side: cpu_of_processes(marker) for side, marker in self.markers.items() if marker}
        self.client_before = sum(os.times()[:2])
        return self

    def __exit__(self, *_exc) -> None:
        self.used = {side: sum(cpu - self.before[side].get(pid, 0.0) for pid, cpu in cpu_of_processes(marker).items())
                     for side, marker in self.markers.items() if marker}
        self.used["this client"] = sum(os.times()[:2]) - self.client_before

    def per(self, count: int) -> str:
        return ", ".join(f"{side} {seconds / max(count, 1) * 1000:.1f} ms" for side, seconds in self.used.items())


@contextmanager
def outbox_worker(env: dict[str, str], wanted: bool, nice: int, report: dict, checkout: Path = ROOT):
    """``flask outbox work`` with the portal's settings and ``nice`` while the block runs (when
    ``wanted``, yielding its process); on its way out (the web server stopped) it is given up to
    ``CATCH_UP_LIMIT`` to send what is left, then stopped as systemd would (SIGTERM). ``report`` gets the
    seconds that took and its CPU time then."""
    if not wanted:
        yield None
        return
    log = Path(env["PORTAL_INSTANCE_PATH"]).parent / "outbox-worker.log"
    with log.open("wb") as output:
        worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "outbox", "work"], cwd=checkout,
                                  env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=output,
                                  preexec_fn=lambda: os.nice(nice) if nice else None)
    try:
        started = time.monotonic()  # its start-up is not counted: wait for it before the web server starts
        while b"outbox worker: started" not in log.read_bytes() and time.monotonic() - started < CATCH_UP_LIMIT:
            time.sleep(0.1)
        yield worker
        clients_done = time.monotonic()
        while unsent(env["DATABASE_URL"]) and time.monotonic() - clients_done < CATCH_UP_LIMIT:
            time.sleep(0.2)
        report["catch_up"] = time.monotonic() - clients_done
        report["cpu"] = cpu_seconds(worker.pid)
    finally:
        stop(worker)


def code_version(checkout: Path) -> str:
    """The checkout served and its commit (with ``+`` when it has changes not committed)."""
    commit = subprocess.run(["git", "describe", "--always", "--dirty=+"], cwd=checkout, capture_output=True,
                            text=True).stdout.strip()
    return f"{checkout.resolve()} at {commit or 'an unknown commit'}"


@dataclass
class Outcome:
    """What one run leaves for a comparison of several."""

    rate: float
    #: gunicorn's, the database server's and the mail worker's CPU (this one's until all was sent) per inquiry
    server_cpu_ms: float
    lost: int


def measure(args, checkout: Path, mail: str) -> Outcome:
    """One run: hello-world, the portal from ``checkout`` with the mail sent by ``mail``, hello-world
    again; prints its figures."""
    run = secrets.token_hex(3)
    hello_before = hello_rate(args)
    with tempfile.TemporaryDirectory() as folder, fresh_database(args.database_url, folder) as url:
        env = {"DATABASE_URL": url, "PORTAL_INSTANCE_PATH": f"{folder}/instance", "SECRET_KEY": secrets.token_hex(32),
               "PORTAL_FORM_RATE_LIMIT": "1000000 per second", "FORM_MIN_FILL_SECONDS": "0",
               "PORTAL_LEADS_EMAIL": "leads@centre.example", "MAIL_SERVER": "",
               "MAIL_SEND_AFTER_COMMIT": "1" if mail == "after-commit" else "0"}
        prepare(env, checkout)
        worker: dict[str, float] = {}
        with outbox_worker(env, mail == "worker", args.worker_nice, worker, checkout) as mailer:
            with serve("app:app", env, workers=args.workers, log_path=args.log, cwd=checkout) as base_url:
                started_cpu = cpu_seconds(mailer.pid) if mailer else 0.0  # its start-up, and idle since
                with CpuWatch(base_url, server_database(url)) as cpu:
                    tally, took = run_clients(args.clients, args.seconds, send_inquiries(base_url, run))
        kept, queued, mailed = kept_and_mailed(url, run)
    hello_after = hello_rate(args)

    sent = tally.outcomes["sent"]
    database = make_url(url).get_backend_name()
    inquiries_per_second = sent / took
    hello_per_second = (hello_before[0] + hello_after[0]) / 2
    print(f"code: {code_version(checkout)}")
    print(f"database: {database}, {args.clients} clients, {args.workers} gunicorn sync workers, {took:.1f} s, "
          f"mail sent by: {mail}" + (f" (nice {args.worker_nice})" if mail == "worker" else ""))
    print(f"inquiries (GET form + POST): {inquiries_per_second:.1f}/s   outcomes: {dict(tally.outcomes)}")
    print(f"hello world: {hello_per_second:.0f} requests/s (before: {hello_before[0]:.0f}, after: {hello_after[0]:.0f})"
          f"   outcomes: {dict(hello_before[1] + hello_after[1])}")
    print(f"ratio inquiries/s : hello requests/s = {inquiries_per_second / hello_per_second:.4f}")
    lost = sent - kept
    print(f"leads in the database: {kept} for {sent} successful POSTs: {lost} lost; "
          f"their e-mails: {queued} queued, {mailed} sent by the end")
    print(f"CPU per inquiry while the clients ran: {cpu.per(sent)}")
    busy = worker["cpu"] - started_cpu if worker else 0.0
    if worker:
        print(f"mail worker: all sent {worker['catch_up']:.1f} s after the web server stopped; "
              f"{busy:.1f} s CPU from the first client on, {busy / max(mailed, 1) * 1000:.1f} ms per e-mail sent")
    server = sum(seconds for side, seconds in cpu.used.items() if side != "this client") + busy
    return Outcome(inquiries_per_second, server / max(sent, 1) * 1000, lost)


def _figures(values: list[float], unit: str = "") -> str:
    return f"{', '.join(f'{value:.1f}' for value in values)}{unit} (median {median(values):.1f}{unit})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a PostgreSQL server to create a database on (default: SQLite)")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--mail", choices=MAIL, default="worker",
                        help="who sends the e-mails: a flask outbox work process (production, the default), "
                             "the web workers after each commit (MAIL_SEND_AFTER_COMMIT), or nobody")
    parser.add_argument("--worker-nice", type=int, default=deployed_nice(),
                        help="the mail worker's niceness (default: the Nice= of its systemd unit)")
    parser.add_argument("--log", type=Path, help="keep the portal's gunicorn output in this file")
    parser.add_argument("--checkout", type=Path, default=ROOT,
                        help="serve the portal from this checkout (e.g. a git worktree of an older commit)")
    parser.add_argument("--against", type=Path,
                        help="another checkout to measure in turn with this one, each round (e.g. an older commit)")
    parser.add_argument("--against-mail", choices=MAIL, help="who sends the other checkout's mail (default: --mail)")
    parser.add_argument("--rounds", type=int, default=1, help="run this many times (each checkout, alternating)")
    args = parser.parse_args()

    sides = [(args.checkout, args.mail)]
    if args.against:
        sides.insert(0, (args.against, args.against_mail or args.mail))
    runs: list[list[Outcome]] = [[] for _ in sides]  # a list per side: the same checkout twice gives A/A
    for number in range(args.rounds):
        for (checkout, mail), outcomes in zip(sides, runs):
            if len(sides) > 1 or args.rounds > 1:
                print(f"== round {number + 1} of {args.rounds}")
            outcomes.append(measure(args, checkout, mail))
            print(flush=True)
    if len(sides) > 1 or args.rounds > 1:
        print(f"== {args.rounds} round(s){', alternating' if len(sides) > 1 else ''}")
        for (checkout, mail), outcomes in zip(sides, runs):
            print(f"{code_version(checkout)}, mail sent by {mail}: inquiries/s {_figures([o.rate for o in outcomes])};"
                  f" server CPU per inquiry {_figures([o.server_cpu_ms for o in outcomes], ' ms')}")
        if len(sides) > 1:
            other, this = runs
            print(f"this checkout against the other (medians): "
                  f"{median(o.rate for o in this) / median(o.rate for o in other):.2f}x the inquiries/s, "
                  f"{median(o.server_cpu_ms for o in other) / median(o.server_cpu_ms for o in this):.2f}x "
                  f"less server CPU per inquiry")
    return 1 if any(outcome.lost for outcomes in runs for outcome in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
