"""How many inquiries per second the portal takes under gunicorn, and whether every one was kept.

    .venv/bin/python benchmarks/inquiries.py                      # SQLite, a fresh file in a temporary folder
    .venv/bin/python benchmarks/inquiries.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
    .venv/bin/python benchmarks/inquiries.py --seconds 30 --clients 32 --mail after-commit

Builds a fresh database (on PostgreSQL one of its own, ``portal_bench_<random>``, dropped at the end:
the named database is never touched), migrates it and loads the demo data, then serves the portal
with ``benchmarks/serve.py`` (gunicorn, 2 sync workers) with the form rate limit and the minimum
filling time lifted. The mail is sent as in production (``--mail worker``): by a ``flask outbox work``
process beside gunicorn, on the same cores, writing the e-mails as files; ``--mail after-commit``
sends from the web workers after each commit instead (``MAIL_SEND_AFTER_COMMIT``), ``--mail none``
leaves it in the outbox. Each client is a browser of its own: it opens ``/en/inquire``, keeps the
cookies and hidden fields, and sends an inquiry from a new e-mail address, again and again for the
given time. Then it serves ``benchmarks/hello_app.py`` the same way for reference, and prints
inquiries/s, hello-world requests/s and their ratio, and checks the database holds one lead per
successful POST (0 lost) and how many of their e-mails were sent by the end. A benchmark, not a test:
it prints numbers; it exits 1 when leads were lost.
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
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from benchmarks.serve import fresh_database, prepare, serve, stop  # noqa: E402
from tests.forms import hidden_fields, inquiry  # noqa: E402

FORM = "/en/inquire"


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


@contextmanager
def outbox_worker(env: dict[str, str], wanted: bool):
    """``flask outbox work`` with the portal's settings while the block runs (when ``wanted``); on its
    way out it is given a few seconds to send what is left, then stopped as systemd would (SIGTERM)."""
    if not wanted:
        yield
        return
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "outbox", "work"], cwd=ROOT,
                              env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield
    finally:
        time.sleep(5)
        stop(worker)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a PostgreSQL server to create a database on (default: SQLite)")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--mail", choices=["worker", "after-commit", "none"], default="worker",
                        help="who sends the e-mails: a flask outbox work process (production, the default), "
                             "the web workers after each commit (MAIL_SEND_AFTER_COMMIT), or nobody")
    parser.add_argument("--log", type=Path, help="keep the portal's gunicorn output in this file")
    args = parser.parse_args()

    run = secrets.token_hex(3)
    with tempfile.TemporaryDirectory() as folder, fresh_database(args.database_url, folder) as url:
        env = {"DATABASE_URL": url, "PORTAL_INSTANCE_PATH": f"{folder}/instance", "SECRET_KEY": secrets.token_hex(32),
               "PORTAL_FORM_RATE_LIMIT": "1000000 per second", "FORM_MIN_FILL_SECONDS": "0",
               "PORTAL_LEADS_EMAIL": "leads@centre.example", "MAIL_SERVER": "",
               "MAIL_SEND_AFTER_COMMIT": "1" if args.mail == "after-commit" else "0"}
        prepare(env)
        with outbox_worker(env, args.mail == "worker"), \
                serve("app:app", env, workers=args.workers, log_path=args.log) as base_url:
            tally, took = run_clients(args.clients, args.seconds, send_inquiries(base_url, run))
        kept, queued, mailed = kept_and_mailed(url, run)
    with serve("benchmarks.hello_app:app", workers=args.workers, ready_path="/") as base_url:
        hello, hello_took = run_clients(args.clients, args.seconds, say_hello(base_url))

    sent = tally.outcomes["sent"]
    database = make_url(url).get_backend_name()
    inquiries_per_second = sent / took
    hello_per_second = hello.outcomes["ok"] / hello_took
    print(f"database: {database}, {args.clients} clients, {args.workers} gunicorn sync workers, {took:.1f} s, "
          f"mail sent by: {args.mail}")
    print(f"inquiries (GET form + POST): {inquiries_per_second:.1f}/s   outcomes: {dict(tally.outcomes)}")
    print(f"hello world: {hello_per_second:.0f} requests/s   outcomes: {dict(hello.outcomes)}")
    print(f"ratio inquiries/s : hello requests/s = {inquiries_per_second / hello_per_second:.4f}")
    lost = sent - kept
    print(f"leads in the database: {kept} for {sent} successful POSTs: {lost} lost; "
          f"their e-mails: {queued} queued, {mailed} sent by the end")
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
